package io.sluice.algorithms.ratelimit;

import io.sluice.algorithms.Durations;

/**
 * A token bucket: it holds at most {@code burst} tokens, gains {@code permits} tokens every
 * {@code periodNanos} continuously, and a request for {@code n} permits takes {@code n} tokens.
 * Over any window of length {@code t} it therefore grants at most {@code burst + t * permits / period}.
 *
 * <p>The arithmetic is exact: the bucket counts in units of {@code 1 / period} token, so the
 * refill over {@code dt} nanoseconds is the whole number {@code dt * permits} units, whatever the
 * rate. Example, 3 permits per second, burst 5: the bucket holds up to {@code 5e9} units, a permit
 * costs {@code 1e9}, and 1 ns of refill adds 3; an empty bucket grants its next permit after
 * {@code ceil(1e9 / 3) = 333_333_334} ns.
 *
 * @param permits     tokens added every period, in [1, 10^9]
 * @param periodNanos the period, in [1us, 24h]
 * @param burst       the bucket's size, in [1, 10^9]; {@code burst * periodNanos} at most 2^61
 */
public record TokenBucketSpec(long permits, long periodNanos, long burst) implements RateLimit {
    private static final long LIMIT = 1_000_000_000L;
    private static final long MIN_PERIOD = 1_000L;
    private static final long MAX_PERIOD = 86_400_000_000_000L;

    /** @throws IllegalArgumentException naming the value and its allowed range */
    public TokenBucketSpec {
        if (permits < 1 || permits > LIMIT) {
            throw new IllegalArgumentException("token bucket permits per period must be an integer in [1, 1000000000],"
                    + " got " + permits);
        }
        if (periodNanos < MIN_PERIOD || periodNanos > MAX_PERIOD) {
            throw new IllegalArgumentException("token bucket period must be a duration in [1us, 24h], got "
                    + (periodNanos <= 0 ? periodNanos + "ns" : Durations.format(periodNanos)));
        }
        if (burst < 1 || burst > LIMIT) {
            throw new IllegalArgumentException("token bucket burst must be an integer in [1, 1000000000], got " + burst);
        }
        if (burst > (1L << 61) / periodNanos) {
            throw new IllegalArgumentException("token bucket burst x period must be at most 2^61 ns, got burst "
                    + burst + " x period " + Durations.format(periodNanos));
        }
    }

    /** {@code permitsPerSecond} every second, bursts up to {@code burst}. */
    public static TokenBucketSpec perSecond(long permitsPerSecond, long burst) {
        return new TokenBucketSpec(permitsPerSecond, 1_000_000_000L, burst);
    }

    /** Units (1/period token) the full bucket holds. */
    long capacityUnits() {
        return burst * periodNanos;
    }

    @Override
    public RateLimiter newLimiter(long nowNanos) {
        return new TokenBucket(this, nowNanos);
    }

    @Override
    public String toString() {
        return "token-bucket " + permits + "/" + Durations.format(periodNanos) + " burst " + burst;
    }
}
