package io.sluice.algorithms.ratelimit;

import java.util.Map;
import java.util.Objects;

/**
 * A {@link KeyedRateLimiter} whose budget per key is set for a whole fleet of proxies: every key
 * holds this instance's {@link GlobalShare} of it, and a coordinator (the proxy's Kafka control
 * plane) reads what each key was offered and admitted here ({@link #takeUsage}), exchanges that
 * with the other instances and moves the shares ({@link #setShare}).
 *
 * <p>Keys are held while they are active: {@link #takeUsage} forgets a key that was offered
 * nothing over the period and whose bucket is full again, so the table (and what is published)
 * is bounded by the keys in use, and at most {@code maxKeys}. A key that arrives while the table
 * is full is counted against one shared overflow budget (at the {@linkplain #defaultShare default
 * share}) until room is made, so a key-spraying client cannot grow memory nor gain budget.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public interface GlobalRateLimiter extends KeyedRateLimiter {

    /**
     * @param limit   the fleet's limit per key (its rate and burst)
     * @param maxKeys most keys held, in [1, 100000000]
     */
    static GlobalRateLimiter create(RateLimit limit, int maxKeys, long nowNanos) {
        if (maxKeys < 1 || maxKeys > 100_000_000) {
            throw new IllegalArgumentException("rate limiter max-keys must be an integer in [1, 100000000], got "
                    + maxKeys);
        }
        return new SharedKeyedLimiter(Objects.requireNonNull(limit, "limit"), maxKeys, nowNanos);
    }

    /** The name of the overflow budget in {@link #takeUsage}; no configured key part yields it. */
    String OVERFLOW_KEY = "\u0000overflow";

    /**
     * What each key was offered and admitted since the last call (per second over the time since
     * then), for the keys offered anything; the counters restart. Keys idle over the whole period
     * and at rest are forgotten.
     */
    Map<String, Usage> takeUsage(long nowNanos);

    /** Moves {@code key}'s share; a key not held is ignored (it starts at the default share). */
    void setShare(String key, double share, long nowNanos);

    /** The share a key starts at when first seen, in (0, 1]; initially 1 (alone). */
    void setDefaultShare(double share);

    double defaultShare();

    /** {@code key}'s share now, or the default share for a key not held. */
    double share(String key);

    /**
     * One key's traffic, per second.
     *
     * @param offered  requests that asked (admitted or refused), smoothed over about a second (an
     *                 exponentially weighted moving average of the periods' rates, starting at the first)
     * @param admitted requests granted over the period
     */
    record Usage(double offered, double admitted) {
    }
}
