package io.sluice.algorithms.ratelimit;

import io.sluice.algorithms.internal.KeyStripes;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/** A {@link KeyedRateLimiter} over access-ordered, separately locked stripes. */
final class StripedKeyedLimiter implements KeyedRateLimiter {
    private static final int MAX_STRIPES = 16;
    /** How many of the least recently used limiters are tried for being at rest before evicting. */
    private static final int REST_SCAN = 8;

    private final RateLimit limit;
    private final KeyStripes<RateLimiter> stripes;
    private final LongAdder granted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder purged = new LongAdder();
    private final LongAdder evicted = new LongAdder();

    StripedKeyedLimiter(RateLimit limit, int maxKeys) {
        this(limit, maxKeys, MAX_STRIPES);
    }

    /** With an explicit stripe count (at most {@code maxKeys} are used); tests use 1 for exact LRU. */
    StripedKeyedLimiter(RateLimit limit, int maxKeys, int stripeCount) {
        this.limit = limit;
        this.stripes = new KeyStripes<>(maxKeys, stripeCount);
    }

    @Override
    public long tryAcquire(String key, int permits, long nowNanos) {
        Objects.requireNonNull(key, "key");
        RateLimiter limiter = limiterOf(key, nowNanos);
        long wait = limiter.tryAcquire(permits, nowNanos);
        (wait == 0 ? granted : refused).increment();
        return wait;
    }

    private RateLimiter limiterOf(String key, long nowNanos) {
        KeyStripes.Stripe<RateLimiter> st = stripes.of(key);
        synchronized (st) {
            RateLimiter l = st.map().get(key);
            if (l == null) {
                if (st.full()) {
                    makeRoom(st, nowNanos);
                }
                l = limit.newLimiter(nowNanos);
                st.map().put(key, l);
            }
            return l;
        }
    }

    /**
     * Drops the limiters at rest among the few least recently used; if none was, evicts the least
     * recently used. A thread still holding an evicted limiter finishes its acquisition on it, which
     * is harmless: the limiter is simply no longer reachable by key.
     */
    private void makeRoom(KeyStripes.Stripe<RateLimiter> st, long nowNanos) {
        int scanned = 0;
        int dropped = 0;
        Iterator<RateLimiter> it = st.map().values().iterator();
        while (it.hasNext() && scanned < REST_SCAN) {
            scanned++;
            if (it.next().atRest(nowNanos)) {
                it.remove();
                dropped++;
            }
        }
        purged.add(dropped);
        if (dropped == 0) {
            st.evictEldest();
            evicted.increment();
        }
    }

    @Override
    public long availablePermits(String key, long nowNanos) {
        KeyStripes.Stripe<RateLimiter> st = stripes.of(key);
        RateLimiter l;
        synchronized (st) {
            l = st.map().get(key);
        }
        return l == null ? limit.burst() : l.availablePermits(nowNanos);
    }

    @Override
    public int purgeAtRest(long nowNanos) {
        int dropped = 0;
        for (KeyStripes.Stripe<RateLimiter> st : stripes.all()) {
            synchronized (st) {
                Iterator<RateLimiter> it = st.map().values().iterator();
                while (it.hasNext()) {
                    if (it.next().atRest(nowNanos)) {
                        it.remove();
                        dropped++;
                    }
                }
            }
        }
        purged.add(dropped);
        return dropped;
    }

    @Override
    public int size() {
        return stripes.size();
    }

    @Override
    public KeyedStats stats() {
        return new KeyedStats(size(), granted.sum(), refused.sum(), purged.sum(), evicted.sum());
    }

    @Override
    public RateLimit limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "KeyedRateLimiter{" + limit + ", " + stats() + "}";
    }
}
