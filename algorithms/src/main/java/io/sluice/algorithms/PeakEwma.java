package io.sluice.algorithms;

/**
 * Peak-sensitive exponentially weighted moving average of latency, the load signal of Finagle's
 * and Linkerd's "peak EWMA" balancers.
 *
 * <p>Rule (Finagle {@code PeakEwma}): on a sample {@code rtt} taken {@code dt} after the previous
 * one, with decay time {@code tau},
 * <pre>
 *   w = e^(-dt / tau)
 *   cost = rtt                      if rtt &gt; cost   (a slower sample is believed at once)
 *   cost = cost * w + rtt * (1 - w)  otherwise       (faster samples pull it down slowly)
 * </pre>
 * Worked example, tau = 10 s: cost 5 ms, a 50 ms sample arrives: cost = 50 ms at once. One second
 * later a 5 ms sample: w = e^-0.1 = 0.905, cost = 50 * 0.905 + 5 * 0.095 = 45.7 ms.
 *
 * <p>Reading applies the same decay towards zero for the time since the last sample, without
 * writing: a backend that was slow once and then got no traffic looks cheaper as time passes, so
 * it is tried again (Finagle does this by observing a zero sample on read).
 *
 * <p>Thread safety: {@link #observe} is synchronized (it runs once per completed request, off the
 * pick path); {@link #costNanos(long)} reads two volatile fields without locking. A reader racing a
 * writer may pair a new cost with an old stamp, which only shifts the decay by one sample interval.
 */
public final class PeakEwma {
    private final double tauNanos;
    private volatile double cost;
    private volatile long stampNanos;

    /**
     * @param decayNanos the time constant tau, in nanoseconds, &gt; 0
     * @param nowNanos   the creation time, from the same clock later calls use
     */
    public PeakEwma(long decayNanos, long nowNanos) {
        if (decayNanos <= 0) {
            throw new IllegalArgumentException("EWMA decay time must be > 0 ns, got " + decayNanos);
        }
        this.tauNanos = decayNanos;
        this.stampNanos = nowNanos;
    }

    /** Records one latency sample observed at {@code nowNanos}. Negative samples count as zero. */
    public synchronized void observe(long nowNanos, long rttNanos) {
        cost = next(cost, rttNanos, nowNanos - stampNanos, tauNanos);
        stampNanos = Math.max(stampNanos, nowNanos);
    }

    /** The cost as of {@code nowNanos}, decayed for the time since the last sample; 0 before any sample. */
    public double costNanos(long nowNanos) {
        return decayed(cost, nowNanos - stampNanos, tauNanos);
    }

    /**
     * The rule of the class comment as a pure function, for callers that keep the average in
     * immutable state of their own (outlier detection advances a record by compare-and-set): the
     * cost after a sample {@code rttNanos} taken {@code dtNanos} after the previous one. A negative
     * sample counts as zero, a negative interval (a clock reading older than the last) as zero.
     *
     * @param tauNanos the decay time constant, &gt; 0
     */
    public static double next(double cost, double rttNanos, long dtNanos, double tauNanos) {
        double rtt = Math.max(0, rttNanos);
        if (rtt > cost) {
            return rtt;
        }
        double w = dtNanos > 0 ? Math.exp(-dtNanos / tauNanos) : 1.0;
        return cost * w + rtt * (1 - w);
    }

    /**
     * {@code cost} decayed towards zero over {@code dtNanos} with time constant {@code tauNanos},
     * as a read does: {@code cost * e^(-dt/tau)}, unchanged for {@code dt <= 0}.
     */
    public static double decayed(double cost, long dtNanos, double tauNanos) {
        if (cost == 0 || dtNanos <= 0) {
            return cost;
        }
        return cost * decay(dtNanos / tauNanos);
    }

    /**
     * e^-x for x &gt; 0. Pickers call {@link #costNanos} on every pick, and under load the last
     * sample is milliseconds old against a tau of seconds, so x is tiny: below 2^-10 the cubic
     * Taylor polynomial is within x^4/24 &lt; 4e-14 (relative) of e^-x at a fraction of the cost of
     * {@link Math#exp}.
     */
    private static double decay(double x) {
        if (x < 0x1p-10) {
            return 1 - x * (1 - x * (0.5 - x * (1.0 / 6)));
        }
        return Math.exp(-x);
    }

    /**
     * When the last sample was observed (the creation time before any), on the caller's clock.
     * Between two instants at or after their stamps, every PeakEwma of the same tau decays by the
     * same factor, so several of them read at the latest of their stamps are ordered as they
     * would be now: a picker can compare them without reading a clock.
     */
    public long stampNanos() {
        return stampNanos;
    }

    /** The cost at the last sample, without decay: what an admin page shows. */
    public double lastCostNanos() {
        return cost;
    }

    /** The decay time constant tau in nanoseconds. */
    public long decayNanos() {
        return (long) tauNanos;
    }
}
