package io.sluice.algorithms.ratelimit;

import java.util.Objects;

/**
 * One named limit of a route or listener: a {@link RateLimit} per {@link LimitKey}, held in a
 * bounded {@link KeyedRateLimiter}. Example: {@code device} = 10/s keyed by header
 * {@code x-device-id}; {@code tenant} = 5000/s keyed by header {@code x-tenant}.
 *
 * <p>Thread safety: any thread.
 */
public final class KeyedLimit {
    private final String name;
    private final LimitKey key;
    private final KeyedRateLimiter limiters;
    /** Permits per period and the period, for the RateLimit-Policy header. */
    private final long quota;
    private final long windowSeconds;
    private final int maxKeys;

    /**
     * @param name    the limit's name, as headers and metrics show it
     * @param key     how requests are grouped into budgets
     * @param limit   each key's budget
     * @param maxKeys most keys held, see {@link KeyedRateLimiter#create}
     */
    public KeyedLimit(String name, LimitKey key, RateLimit limit, int maxKeys) {
        this(name, key, KeyedRateLimiter.create(limit, maxKeys), maxKeys);
    }

    /**
     * A limit over limiters made elsewhere, such as a {@link GlobalRateLimiter}.
     *
     * @param maxKeys what {@code limiters} was made with
     */
    public KeyedLimit(String name, LimitKey key, KeyedRateLimiter limiters, int maxKeys) {
        this.name = Objects.requireNonNull(name, "name");
        this.key = Objects.requireNonNull(key, "key");
        this.limiters = Objects.requireNonNull(limiters, "limiters");
        this.maxKeys = maxKeys;
        RateLimit limit = limiters.limit();
        this.quota = limit.burst();
        long window = limit instanceof TokenBucketSpec tb
                ? tb.periodNanos() * tb.burst() / tb.permits()
                : ((GcraSpec) limit).emissionIntervalNanos() * limit.burst();
        this.windowSeconds = Math.max(1, RateLimiter.retryAfterSeconds(window));
    }

    public String name() {
        return name;
    }

    public LimitKey key() {
        return key;
    }

    public KeyedRateLimiter limiters() {
        return limiters;
    }

    /** Keys held at most. */
    public int maxKeys() {
        return maxKeys;
    }

    /** The burst: what the policy header calls the quota. */
    public long quota() {
        return quota;
    }

    /** The seconds the quota takes to refill from empty, at least 1. */
    public long windowSeconds() {
        return windowSeconds;
    }

    /** Takes one permit from the key of {@code in}; 0 when granted, else the wait in nanoseconds. */
    public long tryAcquire(KeyInputs in, long nowNanos) {
        return limiters.tryAcquire(key.of(in), 1, nowNanos);
    }
}
