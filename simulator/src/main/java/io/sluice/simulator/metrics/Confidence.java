package io.sluice.simulator.metrics;

import java.util.List;

/**
 * How sure the measures a recommendation rests on are: 95 % Student t intervals
 * ({@link Interval#studentT}) of the p99 latency, the mean latency and the failed share over the
 * runs of one strategy (at one sweep value) with different seeds. Every strategy runs the same
 * seeds, so their intervals are comparable: seed k gives every strategy the same arrivals.
 *
 * @param p99Nanos    the per-seed p99s (nanoseconds); NaN when a seed completed nothing
 * @param meanNanos   the per-seed exact mean latencies (nanoseconds)
 * @param failedShare the per-seed shares of measured requests that failed (error, timeout,
 *                    rejection, no backend, unfinished), in [0, 1]
 */
public record Confidence(Interval p99Nanos, Interval meanNanos, Interval failedShare) {
    /**
     * The intervals over {@code perSeed}, one result per seed.
     *
     * @throws IllegalArgumentException when {@code perSeed} is empty
     */
    public static Confidence of(List<SimulationResult> perSeed) {
        int n = perSeed.size();
        double[] p99 = new double[n];
        double[] mean = new double[n];
        double[] failed = new double[n];
        for (int i = 0; i < n; i++) {
            SimulationResult r = perSeed.get(i);
            LatencySummary l = r.latency();
            p99[i] = l.count() == 0 ? Double.NaN : l.p99Nanos();
            mean[i] = l.count() == 0 ? Double.NaN : l.meanNanos();
            failed[i] = r.outcomes().failureRate();
        }
        return new Confidence(Interval.studentT(p99), Interval.studentT(mean), Interval.studentT(failed));
    }

    /** How many seeds the intervals are over. */
    public int seeds() {
        return p99Nanos.n();
    }
}
