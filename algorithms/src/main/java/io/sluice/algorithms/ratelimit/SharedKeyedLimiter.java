package io.sluice.algorithms.ratelimit;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link GlobalRateLimiter}: a concurrent map of key to {@link GlobalShare} and two counters.
 * The bound is exact: a slot is reserved (counted) inside the map's atomic insertion, and a key
 * that finds no slot uses the overflow entry.
 */
final class SharedKeyedLimiter implements GlobalRateLimiter {
    private static final class Entry {
        final GlobalShare share;
        final LongAdder offered = new LongAdder();
        final LongAdder admitted = new LongAdder();
        /** The offered rate smoothed over the periods; NaN before the first. Written by takeUsage only. */
        double offeredEwma = Double.NaN;

        Entry(GlobalShare share) {
            this.share = share;
        }
    }

    private final RateLimit limit;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private final Entry overflow;
    private final AtomicLong granted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();
    private volatile double defaultShare = 1;
    private volatile long periodStart;

    SharedKeyedLimiter(RateLimit limit, int maxKeys, long nowNanos) {
        this.limit = limit;
        this.maxKeys = maxKeys;
        this.overflow = new Entry(GlobalShare.of(limit, 1, nowNanos));
        this.periodStart = nowNanos;
    }

    private Entry entry(String key, long nowNanos) {
        Entry e = entries.get(key);
        if (e != null) {
            return e;
        }
        e = entries.computeIfAbsent(key, k -> {
            if (held.incrementAndGet() > maxKeys) {
                held.decrementAndGet();
                return null;
            }
            return new Entry(GlobalShare.of(limit, defaultShare, nowNanos));
        });
        return e != null ? e : overflow;
    }

    @Override
    public long tryAcquire(String key, int permits, long nowNanos) {
        Entry e = entry(key, nowNanos);
        e.offered.add(permits);
        long wait = e.share.tryAcquire(permits, nowNanos);
        if (wait == 0) {
            e.admitted.add(permits);
            granted.incrementAndGet();
        } else {
            refused.incrementAndGet();
        }
        return wait;
    }

    @Override
    public long availablePermits(String key, long nowNanos) {
        Entry e = entries.get(key);
        return e == null ? Math.max(1, (long) (limit.burst() * defaultShare)) : e.share.availablePermits(nowNanos);
    }

    @Override
    public int purgeAtRest(long nowNanos) {
        int n = 0;
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> me = it.next();
            if (me.getValue().share.atRest(nowNanos) && entries.remove(me.getKey(), me.getValue())) {
                held.decrementAndGet();
                n++;
            }
        }
        purged.addAndGet(n);
        return n;
    }

    @Override
    public Map<String, Usage> takeUsage(long nowNanos) {
        double seconds = Math.max(1, nowNanos - periodStart) / 1e9;
        periodStart = nowNanos;
        Map<String, Usage> out = new HashMap<>();
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            Entry e = me.getValue();
            long offered = e.offered.sumThenReset();
            long admitted = e.admitted.sumThenReset();
            if (offered > 0) {
                out.put(me.getKey(), new Usage(smooth(e, offered / seconds, seconds), admitted / seconds));
            } else if (e.share.atRest(nowNanos) && entries.remove(me.getKey(), e)) {
                held.decrementAndGet();
                purged.incrementAndGet();
            }
        }
        long offered = overflow.offered.sumThenReset();
        long admitted = overflow.admitted.sumThenReset();
        if (offered > 0) {
            out.put(OVERFLOW_KEY, new Usage(smooth(overflow, offered / seconds, seconds), admitted / seconds));
        }
        return out;
    }

    /**
     * An exponentially weighted moving average with time constant {@link #SMOOTHING_SECONDS}:
     * {@code ewma += (1 - exp(-dt / tau)) (rate - ewma)}, starting at the first rate. Why: the
     * shares are ratios {@code own / total}, and a ratio of noisy figures is biased low (it is
     * concave in {@code own}), so the shares of a fleet whose per-interval counts jitter sum to
     * less than 1; smoothing over a second cuts that noise by about {@code sqrt(2 tau / I)} (4.5x
     * at a 100 ms interval) at the price of following a change of demand within about a second.
     */
    private static double smooth(Entry e, double rate, double seconds) {
        if (Double.isNaN(e.offeredEwma)) {
            e.offeredEwma = rate;
        } else {
            e.offeredEwma += (1 - Math.exp(-seconds / SMOOTHING_SECONDS)) * (rate - e.offeredEwma);
        }
        return e.offeredEwma;
    }

    /** The time constant of the offered rate's smoothing. */
    static final double SMOOTHING_SECONDS = 1.0;

    @Override
    public void setShare(String key, double share, long nowNanos) {
        Entry e = OVERFLOW_KEY.equals(key) ? overflow : entries.get(key);
        if (e != null) {
            e.share.setShare(share, nowNanos);
        }
    }

    @Override
    public void setDefaultShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("a share of a global limit must be in (0, 1], got " + share);
        }
        defaultShare = share;
    }

    @Override
    public double defaultShare() {
        return defaultShare;
    }

    @Override
    public double share(String key) {
        Entry e = OVERFLOW_KEY.equals(key) ? overflow : entries.get(key);
        return e == null ? defaultShare : e.share.share();
    }

    @Override
    public int size() {
        return held.get();
    }

    @Override
    public KeyedStats stats() {
        return new KeyedStats(held.get(), granted.get(), refused.get(), purged.get(), 0);
    }

    @Override
    public RateLimit limit() {
        return limit;
    }
}
