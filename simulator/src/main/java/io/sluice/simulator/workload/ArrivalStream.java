package io.sluice.simulator.workload;

/**
 * A sequence of request arrivals in nondecreasing time order, read once. Trace-backed streams read
 * lazily so a long trace replays in constant memory. Single-threaded.
 */
public interface ArrivalStream extends AutoCloseable {
    /**
     * Fills {@code into} with the next arrival.
     *
     * @return false when the stream is exhausted (then {@code into} is unspecified)
     * @throws WorkloadException for bad input (a malformed trace line), naming file, line and field
     */
    boolean next(Arrival into);

    /** Releases files; idempotent. */
    @Override
    void close();
}
