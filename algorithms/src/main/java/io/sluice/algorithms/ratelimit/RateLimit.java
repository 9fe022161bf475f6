package io.sluice.algorithms.ratelimit;

/**
 * What a {@link RateLimiter} enforces: a {@link TokenBucketSpec} or a {@link GcraSpec}. Both are
 * immutable, validated on construction, and make any number of independent limiters.
 */
public sealed interface RateLimit permits TokenBucketSpec, GcraSpec {

    /** A new limiter, at rest (a full bucket) at {@code nowNanos}. */
    RateLimiter newLimiter(long nowNanos);

    /** Most permits one instant can take: a request for more is {@link RateLimiter#NEVER} granted. */
    long burst();

    /** {@code permits} every {@code periodNanos}, bursts up to {@code burst}. */
    static TokenBucketSpec tokenBucket(long permits, long periodNanos, long burst) {
        return new TokenBucketSpec(permits, periodNanos, burst);
    }

    /** One permit every {@code emissionIntervalNanos}, {@code toleranceNanos} early at most. */
    static GcraSpec gcra(long emissionIntervalNanos, long toleranceNanos) {
        return new GcraSpec(emissionIntervalNanos, toleranceNanos);
    }
}
