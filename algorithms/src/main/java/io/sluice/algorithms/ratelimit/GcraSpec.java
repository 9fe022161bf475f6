package io.sluice.algorithms.ratelimit;

import io.sluice.algorithms.Durations;

/**
 * The Generic Cell Rate Algorithm (ITU-T I.371, the "virtual scheduling" form; what redis-cell
 * and many API gateways use): one permit is due every {@code T = emissionIntervalNanos}, and a
 * request may come up to {@code tau = toleranceNanos} early. The state is one number, the
 * theoretical arrival time {@code TAT}:
 * <pre>
 *   a request for n permits at time t:
 *     next = max(TAT, t) + n T
 *     if next - t &lt;= tau + T:  grant, TAT = next
 *     else:                    refuse, wait = next - t - (tau + T)
 * </pre>
 * It is a token bucket with rate {@code 1/T} and burst {@code floor(tau / T) + 1}. Example,
 * T = 100 ms, tau = 400 ms: a burst of 5 at once, then one every 100 ms; the sixth request at
 * t = 0 has next = 600 ms, so it waits 600 - 500 = 100 ms.
 *
 * @param emissionIntervalNanos T, the time one permit is worth, in [1ns, 24h]
 * @param toleranceNanos        tau, how early a request may be, in [0, 2^60] ns
 */
public record GcraSpec(long emissionIntervalNanos, long toleranceNanos) implements RateLimit {
    private static final long MAX_INTERVAL = 86_400_000_000_000L;
    private static final long MAX_TOLERANCE = 1L << 60;

    /** @throws IllegalArgumentException naming the value and its allowed range */
    public GcraSpec {
        if (emissionIntervalNanos < 1 || emissionIntervalNanos > MAX_INTERVAL) {
            throw new IllegalArgumentException("GCRA emission interval must be a duration in [1ns, 24h], got "
                    + (emissionIntervalNanos <= 0 ? emissionIntervalNanos + "ns" : Durations.format(emissionIntervalNanos)));
        }
        if (toleranceNanos < 0 || toleranceNanos > MAX_TOLERANCE) {
            throw new IllegalArgumentException("GCRA tolerance must be a duration in [0ns, 2^60ns], got "
                    + toleranceNanos + "ns");
        }
    }

    /**
     * The GCRA of {@code permits} every {@code periodNanos} with bursts of {@code burst}:
     * {@code T = ceil(period / permits)} (rounded up, so never faster than asked) and
     * {@code tau = (burst - 1) T}.
     */
    public static GcraSpec fromRate(long permits, long periodNanos, long burst) {
        if (permits < 1 || periodNanos < 1 || burst < 1) {
            throw new IllegalArgumentException("GCRA permits, period and burst must each be >= 1, got permits "
                    + permits + ", period " + periodNanos + "ns, burst " + burst);
        }
        long t = periodNanos / permits + (periodNanos % permits == 0 ? 0 : 1);
        if (burst - 1 > MAX_TOLERANCE / t) {
            throw new IllegalArgumentException("GCRA burst " + burst + " at one permit every " + t
                    + "ns needs a tolerance over 2^60ns");
        }
        return new GcraSpec(t, (burst - 1) * t);
    }

    /** {@code floor(tau / T) + 1}. */
    @Override
    public long burst() {
        return toleranceNanos / emissionIntervalNanos + 1;
    }

    @Override
    public RateLimiter newLimiter(long nowNanos) {
        return new Gcra(this, nowNanos);
    }

    @Override
    public String toString() {
        return "gcra T=" + Durations.format(emissionIntervalNanos) + " tau=" + Durations.format(toleranceNanos)
                + " (burst " + burst() + ")";
    }
}
