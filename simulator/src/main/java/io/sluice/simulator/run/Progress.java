package io.sluice.simulator.run;

/**
 * Where a {@link Runner} reports how far a batch of runs has got, about twice a second from a
 * timer thread, and once more when the batch ends. Progress is for people only: it reads the wall
 * clock, and nothing it sees reaches the results.
 */
public interface Progress {
    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void update(Snapshot snapshot) {
        }

        @Override
        public void finish(Snapshot snapshot) {
        }
    };

    /**
     * How far a batch has got.
     *
     * @param fraction        done, in [0, 1]: the mean over runs of the share of simulated time covered
     * @param runsDone        runs finished
     * @param runs            runs in the batch
     * @param eventsPerSecond discrete events processed per wall-clock second so far (for runs still going,
     *                        estimated from their arrivals)
     * @param elapsedNanos    wall-clock time since the batch started
     * @param etaNanos        estimated wall-clock time left, or -1 before anything is known
     */
    record Snapshot(double fraction, int runsDone, int runs, double eventsPerSecond, long elapsedNanos,
                    long etaNanos) {
    }

    /** Called from a timer thread while runs go on. */
    void update(Snapshot snapshot);

    /** Called once when the batch ends, successfully or not. */
    void finish(Snapshot snapshot);

    /**
     * Progress on one terminal line of {@code out}, rewritten in place:
     * {@code 42% (3/16 runs) 12.3M events/s, ETA 0:37}; the line is cleared when the batch ends.
     */
    static Progress terminal(java.io.PrintStream out) {
        return new TerminalProgress(out);
    }
}
