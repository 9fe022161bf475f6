package io.sluice.simulator.workload;

/**
 * A validated workload description from a scenario: opens a fresh, deterministic stream for a
 * seed. Two streams opened with the same seed yield identical arrivals.
 */
public interface WorkloadSpec {
    /**
     * @param seed       drives every random draw of this workload (jitter, phases, fleet shifts)
     * @param horizonNanos arrivals after this virtual time are not produced (Long.MAX_VALUE: no limit)
     */
    ArrivalStream open(long seed, long horizonNanos);

    /** Mean arrival rate in requests per second when known analytically, else NaN (traces). */
    double meanRatePerSecond();

    /** One line for reports, e.g. {@code poisson 5000/s} or {@code trace campusiot x10000 devices}. */
    String describe();

    /**
     * The names of the message type ids its arrivals carry ({@link Arrival#type}). A workload parsed
     * from a scenario has its own dictionary; the default, an empty one, names numbers only.
     */
    default MessageTypes messageTypes() {
        return new MessageTypes();
    }
}
