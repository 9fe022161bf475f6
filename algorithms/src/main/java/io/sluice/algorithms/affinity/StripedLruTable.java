package io.sluice.algorithms.affinity;

import io.sluice.algorithms.internal.KeyStripes;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

/** An {@link AffinityTable} of access-ordered, separately locked stripes; see the interface for the rules. */
final class StripedLruTable implements AffinityTable {

    /** A remembered key's backend and last use; both guarded by the stripe's lock. */
    private static final class Entry {
        String backend;
        long lastAccessNanos;

        Entry(String backend, long nowNanos) {
            this.backend = backend;
            this.lastAccessNanos = nowNanos;
        }

        /** Racing threads may bring slightly older clock readings; the last use never goes back. */
        void touch(long nowNanos) {
            if (nowNanos - lastAccessNanos > 0) {
                lastAccessNanos = nowNanos;
            }
        }
    }

    private final AffinityConfig config;
    private final long ttl;
    private final KeyStripes<Entry> stripes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder moves = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();

    StripedLruTable(AffinityConfig config) {
        this.config = config;
        this.ttl = config.idleTtlNanos();
        this.stripes = new KeyStripes<>(config.maxEntries(), config.stripes());
    }

    private boolean expired(Entry e, long nowNanos) {
        return nowNanos - e.lastAccessNanos >= ttl;
    }

    @Override
    public String route(String key, long nowNanos, Predicate<String> available, Function<String, String> choose) {
        Objects.requireNonNull(key, "key");
        KeyStripes.Stripe<Entry> st = stripes.of(key);
        synchronized (st) {
            Entry e = st.map().get(key);
            if (e != null && expired(e, nowNanos)) {
                st.map().remove(key);
                expirations.increment();
                e = null;
            }
            if (e != null) {
                if (available.test(e.backend)) {
                    e.touch(nowNanos);
                    hits.increment();
                    return e.backend;
                }
                String next = choose.apply(key);
                if (next == null) {
                    misses.increment();
                    return null;
                }
                if (next.equals(e.backend)) {
                    hits.increment();
                } else {
                    moves.increment();
                    e.backend = next;
                }
                e.touch(nowNanos);
                return next;
            }
            misses.increment();
            String chosen = choose.apply(key);
            if (chosen == null) {
                return null;
            }
            makeRoom(st, nowNanos);
            st.map().put(key, new Entry(chosen, nowNanos));
            return chosen;
        }
    }

    /** Before an insert: drop expired keys from the head, then, if still full, the least recently used. */
    private void makeRoom(KeyStripes.Stripe<Entry> st, long nowNanos) {
        dropExpiredHead(st, nowNanos);
        if (st.full()) {
            st.evictEldest();
            evictions.increment();
        }
    }

    /**
     * Access order is idle-time order when the clock only moves forward, so the expired keys are a
     * prefix of the map and dropping them costs their number, not the stripe's size. A key touched
     * by a thread with a slightly older clock reading can sit behind a live one; it is then dropped
     * by a later pass or at its own lookup.
     */
    private int dropExpiredHead(KeyStripes.Stripe<Entry> st, long nowNanos) {
        int dropped = 0;
        Iterator<Entry> it = st.map().values().iterator();
        while (it.hasNext()) {
            if (!expired(it.next(), nowNanos)) {
                break;
            }
            it.remove();
            dropped++;
        }
        expirations.add(dropped);
        return dropped;
    }

    @Override
    public boolean remove(String key) {
        Objects.requireNonNull(key, "key");
        KeyStripes.Stripe<Entry> st = stripes.of(key);
        synchronized (st) {
            return st.map().remove(key) != null;
        }
    }

    @Override
    public int purgeExpired(long nowNanos) {
        int dropped = 0;
        for (KeyStripes.Stripe<Entry> st : stripes.all()) {
            synchronized (st) {
                dropped += dropExpiredHead(st, nowNanos);
            }
        }
        return dropped;
    }

    @Override
    public int size() {
        return stripes.size();
    }

    @Override
    public AffinityStats stats() {
        return new AffinityStats(hits.sum(), misses.sum(), moves.sum(), evictions.sum(), expirations.sum(), size());
    }

    @Override
    public AffinityConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "AffinityTable{" + stats() + ", " + config + "}";
    }
}
