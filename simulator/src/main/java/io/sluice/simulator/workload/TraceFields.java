package io.sluice.simulator.workload;

/**
 * Which column (CSV) or top-level field (JSON Lines) holds each part of a record. Time and device
 * are required; type, size and service demand are optional: a null name means "not in this trace".
 * An optional field the user named explicitly must exist in a CSV header; one left at its default
 * name is used only if the header has it.
 */
record TraceFields(String time, String device, String type, String size, String serviceDemand,
        boolean typeExplicit, boolean sizeExplicit, boolean demandExplicit) {

    static TraceFields defaults() {
        return new TraceFields("time", "device", "type", "size", "service-demand", false, false, false);
    }

    /** CampusIoT Helium frames: {@code _timestamp} (epoch ms), {@code dev_eui}, {@code port}, {@code payload_size}. */
    static TraceFields campusIot() {
        return new TraceFields("_timestamp", "dev_eui", "port", "payload_size", null, false, false, false);
    }

    /** Headerless CSV: time in column 0 and device in column 1 unless told otherwise. */
    static TraceFields headerless() {
        return new TraceFields("0", "1", null, null, null, false, false, false);
    }
}
