package io.sluice.algorithms.ratelimit;

import java.util.Objects;

/**
 * One {@link RateLimiter} per key (a client address, a device id, a tenant), made on first use,
 * with a bound on the number of keys held, so that a flood of distinct keys cannot exhaust memory.
 *
 * <p>Making room: a limiter {@linkplain RateLimiter#atRest at rest} (a full bucket) is the same as
 * none, so dropping it is free and happens first (<b>purged</b>); only when the least recently
 * used limiters are all busy is the least recently used one dropped anyway (<b>evicted</b>), which
 * hands that key a fresh bucket if it returns. The table is split by key hash into independently
 * locked stripes with an equal share of the bound, so, as in
 * {@link io.sluice.algorithms.affinity.AffinityTable}, "least recently used" is exact within a
 * stripe and approximate across them; the bound itself is exact.
 *
 * <p>Thread safety: every method may be called from any thread. A stripe lock is held only to find
 * or make the key's limiter; the acquisition itself is the limiter's lock-free one.
 */
public interface KeyedRateLimiter {

    /**
     * @param limit   what every key's limiter enforces
     * @param maxKeys most keys held at once, in [1, 100000000]
     */
    static KeyedRateLimiter create(RateLimit limit, int maxKeys) {
        if (maxKeys < 1 || maxKeys > 100_000_000) {
            throw new IllegalArgumentException("rate limiter max-keys must be an integer in [1, 100000000], got "
                    + maxKeys);
        }
        return new StripedKeyedLimiter(Objects.requireNonNull(limit, "limit"), maxKeys);
    }

    /** {@link RateLimiter#tryAcquire} on {@code key}'s limiter. */
    long tryAcquire(String key, int permits, long nowNanos);

    /** {@link RateLimiter#availablePermits} of {@code key}'s limiter; the full burst when it has none. */
    long availablePermits(String key, long nowNanos);

    /** Drops every limiter at rest at {@code nowNanos}; returns how many (counted as purged). */
    int purgeAtRest(long nowNanos);

    /** Keys held now. */
    int size();

    /** Counters since creation, for export. */
    KeyedStats stats();

    /** What every key's limiter enforces. */
    RateLimit limit();

    /**
     * Counters since creation.
     *
     * @param keys      keys held now
     * @param granted   acquisitions granted
     * @param refused   acquisitions refused
     * @param purged    limiters at rest dropped to make room or by {@link #purgeAtRest}
     * @param evicted   busy limiters dropped to make room
     */
    record KeyedStats(int keys, long granted, long refused, long purged, long evicted) {
    }
}
