package io.sluice.simulator.metrics;

import java.util.Arrays;

/**
 * One interval of the time series, covering the whole run (warm-up included) in virtual time.
 * Requests count in the interval in which they ended. Per-backend arrays are in backend order.
 *
 * @param startNanos          interval start, virtual time
 * @param endNanos            interval end (the last interval may be shorter)
 * @param completed           requests that ended successfully in the interval
 * @param throughputPerSecond {@code completed} per second of the interval
 * @param meanLatencyNanos    exact mean latency of those, NaN when none
 * @param p99LatencyNanos     their 99th percentile (HdrHistogram, 3 significant digits), 0 when none
 * @param failed              requests that ended as an error, timeout, rejection or with no backend
 * @param inFlight            requests held by each backend at the end of the interval
 * @param utilisation         each backend's busy server time over capacity during the interval
 */
public record IntervalSample(long startNanos, long endNanos, long completed, double throughputPerSecond,
                             double meanLatencyNanos, long p99LatencyNanos, long failed, int[] inFlight,
                             double[] utilisation) {

    public IntervalSample {
        inFlight = inFlight.clone();
        utilisation = utilisation.clone();
    }

    @Override
    public int[] inFlight() {
        return inFlight.clone();
    }

    @Override
    public double[] utilisation() {
        return utilisation.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntervalSample s && startNanos == s.startNanos && endNanos == s.endNanos
                && completed == s.completed && Double.compare(throughputPerSecond, s.throughputPerSecond) == 0
                && Double.compare(meanLatencyNanos, s.meanLatencyNanos) == 0 && p99LatencyNanos == s.p99LatencyNanos
                && failed == s.failed && Arrays.equals(inFlight, s.inFlight)
                && Arrays.equals(utilisation, s.utilisation);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(startNanos) + Arrays.hashCode(inFlight)) + Arrays.hashCode(utilisation);
    }

    @Override
    public String toString() {
        return "IntervalSample{" + startNanos + ".." + endNanos + "ns, completed=" + completed + ", mean="
                + meanLatencyNanos + "ns, p99=" + p99LatencyNanos + "ns, failed=" + failed + "}";
    }
}
