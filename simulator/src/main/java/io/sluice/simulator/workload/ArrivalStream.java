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

    /**
     * Trace lines skipped so far because they were malformed and the workload said
     * {@code skip-bad-lines: true}; a mixture sums its sources. Always 0 for synthetic streams.
     */
    default long skippedLines() {
        return 0;
    }

    /** Releases files; idempotent. */
    @Override
    void close();
}
