package io.sluice.algorithms.concurrency;

import io.sluice.algorithms.Range;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gradient limit of Envoy's adaptive concurrency filter (after Netflix concurrency-limits'
 * {@code GradientLimit}): the limit follows the ratio of the cluster's unloaded latency (the
 * minimum RTT) to its latency now (the sampled RTT). When queueing starts, the sampled RTT rises
 * above the minimum and the limit shrinks; while they agree the limit grows by {@code sqrt(limit)}.
 * <pre>
 *   every window of {@code sampleSize} completed requests:
 *     sample   = mean RTT of the window
 *     gradient = clamp(tolerance * minRtt / sample, 0.5, 1)
 *     target   = limit * gradient + sqrt(limit)
 *     limit    = clamp((1 - smoothing) limit + smoothing target, minLimit, maxLimit)
 *   unless fewer than half the limit were in flight (the clients, not the cluster, set the pace):
 *   then the limit does not grow.
 * </pre>
 * Worked example: limit 100, minRtt 10 ms, tolerance 1.5. A window at 12 ms: gradient
 * {@code min(1, 1.5 * 10/12) = 1}, target 110, limit 102 (smoothing 0.2). A window at 30 ms:
 * gradient 0.5, target 60, limit 92. The limit settles where the RTT is about
 * {@code tolerance x minRtt}.
 *
 * <p>The minimum RTT is measured, as Envoy does, in a <b>probe</b>: the first window, and again
 * every {@code probeEvery} windows, runs with the limit pinned to {@code probeLimit}, so the
 * cluster is nearly idle and the window's mean is its unloaded latency. A minimum taken from loaded
 * windows would creep up with the load and let the limit drift upward; a minimum never re-measured
 * would keep the gradient at 0.5 for ever once the unloaded latency really rose. Completions of
 * requests admitted before a probe began are left out of it. The price is a short stretch of
 * refusals each probe; Envoy pays the same.
 *
 * <p>Thread safety: any thread. {@link #tryAcquire} is a lock-free compare-and-set on the in-flight
 * count; {@link #release} takes a short lock to add the sample.
 */
public final class GradientLimit implements AdaptiveConcurrencyLimit {

    /**
     * @param initialLimit the limit before any sample, in [minLimit, maxLimit]
     * @param minLimit     the least limit, at least 1
     * @param maxLimit     the greatest limit
     * @param tolerance    how far above the minimum RTT the sample may be before the limit
     *                     shrinks, in [1, 100] (1.5: 50% more)
     * @param smoothing    the weight of a new target, in (0, 1]
     * @param sampleSize   completed requests per window, at least 1
     * @param probeEvery   windows between minimum-RTT probes, at least 1
     * @param probeLimit   the limit during a probe, at least 1
     */
    public record Settings(int initialLimit, int minLimit, int maxLimit, double tolerance, double smoothing,
                           int sampleSize, int probeEvery, int probeLimit) {
        /** {@code initial-limit}, {@code min-limit}, {@code max-limit}, {@code probe-limit}: 1 to 100000. */
        public static final Range LIMIT = Range.wholeNumber(1, 100_000);
        /** {@code tolerance}: 1 to 100. */
        public static final Range TOLERANCE = Range.number(1, 100);
        /** {@code smoothing}: above 0, at most 1. */
        public static final Range SMOOTHING = Range.numberAbove(0, 1);
        /** {@code sample-size}, {@code probe-every}: 1 to 1000000. */
        public static final Range COUNT = Range.wholeNumber(1, 1_000_000);

        public Settings {
            if (minLimit < 1 || maxLimit < minLimit) {
                throw new IllegalArgumentException("adaptive concurrency needs 1 <= min-limit <= max-limit, got "
                        + minLimit + " and " + maxLimit);
            }
            if (initialLimit < minLimit || initialLimit > maxLimit) {
                throw new IllegalArgumentException("adaptive concurrency initial-limit must be in [" + minLimit
                        + ", " + maxLimit + "], got " + initialLimit);
            }
            if (!(tolerance >= 1 && tolerance <= 100)) {
                throw new IllegalArgumentException("adaptive concurrency tolerance must be in [1, 100], got "
                        + tolerance);
            }
            if (!(smoothing > 0 && smoothing <= 1)) {
                throw new IllegalArgumentException("adaptive concurrency smoothing must be in (0, 1], got "
                        + smoothing);
            }
            if (sampleSize < 1 || probeEvery < 1 || probeLimit < 1) {
                throw new IllegalArgumentException("adaptive concurrency sample-size, probe-every and probe-limit"
                        + " must each be >= 1, got " + sampleSize + ", " + probeEvery + " and " + probeLimit);
            }
        }

        /** Envoy's defaults, roughly: start at 20, between 3 and 1000, probe at 3 every 60 windows. */
        public static Settings defaults() {
            return new Settings(20, 3, 1000, 1.5, 0.2, 50, 60, 3);
        }
    }

    private final Settings s;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int limit;
    // The rest is guarded by this.
    private double estimate;
    private long windowSum;
    private int windowCount;
    private long minRtt = -1;
    private boolean probing;
    /** Completions still to ignore in a probe: requests admitted before it began. */
    private int probeDrain;
    private int windowsSinceProbe;

    GradientLimit(Settings s) {
        this.s = s;
        this.estimate = s.initialLimit();
        startProbe();
    }

    private void startProbe() {
        probing = true;
        probeDrain = inFlight.get();
        windowSum = 0;
        windowCount = 0;
        limit = s.probeLimit();
    }

    @Override
    public boolean tryAcquire() {
        for (;;) {
            int n = inFlight.get();
            if (n >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    @Override
    public void release(long rttNanos) {
        int before = inFlight.getAndDecrement();
        synchronized (this) {
            if (probing && probeDrain > 0) {
                probeDrain--;
                return;
            }
            if (rttNanos < 0) {
                return;
            }
            windowSum += Math.max(1, rttNanos);
            if (++windowCount < s.sampleSize()) {
                return;
            }
            long mean = windowSum / windowCount;
            windowSum = 0;
            windowCount = 0;
            if (probing) {
                minRtt = mean;
                probing = false;
                windowsSinceProbe = 0;
                limit = (int) Math.round(estimate);
                return;
            }
            double gradient = Math.max(0.5, Math.min(1.0, s.tolerance() * minRtt / mean));
            double target = estimate * gradient + Math.sqrt(estimate);
            boolean appLimited = before < estimate / 2;
            if (!(appLimited && target > estimate)) {
                estimate = Math.max(s.minLimit(), Math.min(s.maxLimit(),
                        (1 - s.smoothing()) * estimate + s.smoothing() * target));
            }
            if (++windowsSinceProbe >= s.probeEvery()) {
                startProbe();
            } else {
                limit = (int) Math.round(estimate);
            }
        }
    }

    /** The minimum RTT of the last probe, or -1 before the first. */
    public synchronized long minRttNanos() {
        return minRtt;
    }

    @Override
    public int limit() {
        return limit;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public String toString() {
        return "GradientLimit{limit=" + limit + ", inFlight=" + inFlight.get() + "}";
    }
}
