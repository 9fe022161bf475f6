package io.sluice.simulator.workload;

/**
 * What a synthetic source stamps on each of its arrivals: message type (its id, see
 * {@link MessageTypes}, and its name for descriptions), payload size and service demand; -1 / NaN
 * mean "unknown" as in {@link Arrival}.
 */
record ArrivalMarks(int type, String typeName, int sizeBytes, double serviceDemand) {
    static final ArrivalMarks NONE = new ArrivalMarks(MessageTypes.UNKNOWN, null, -1, Double.NaN);

    void applyTo(Arrival into) {
        into.type = type;
        into.sizeBytes = sizeBytes;
        into.serviceDemand = serviceDemand;
    }

    String describe() {
        StringBuilder s = new StringBuilder();
        if (typeName != null) {
            s.append(", type ").append(typeName);
        }
        if (sizeBytes >= 0) {
            s.append(", ").append(sizeBytes).append(" B");
        }
        if (!Double.isNaN(serviceDemand)) {
            s.append(", demand ").append(serviceDemand);
        }
        return s.toString();
    }
}
