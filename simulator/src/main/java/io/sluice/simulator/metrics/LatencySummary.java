package io.sluice.simulator.metrics;

import org.HdrHistogram.AbstractHistogram;

/**
 * Latency statistics of successful requests, all in nanoseconds. The mean is exact (a sum of the
 * recorded values); percentiles and max come from an HdrHistogram with 3 significant digits, so
 * they are within 0.1% of the true order statistic.
 *
 * @param count     successful requests measured
 * @param meanNanos exact mean, NaN when {@code count} is 0
 */
public record LatencySummary(long count, double meanNanos, long p50Nanos, long p90Nanos, long p99Nanos,
                             long p999Nanos, long maxNanos) {

    /** The summary of {@code histogram} (values in nanoseconds) with the exact mean given beside it. */
    public static LatencySummary of(AbstractHistogram histogram, double exactMeanNanos) {
        long n = histogram.getTotalCount();
        if (n == 0) {
            return new LatencySummary(0, Double.NaN, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(n, exactMeanNanos,
                histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9),
                histogram.getMaxValue());
    }

    /** The mean in milliseconds, for reports. */
    public double meanMillis() {
        return meanNanos / 1e6;
    }
}
