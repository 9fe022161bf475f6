package io.sluice.algorithms.internal;

import io.sluice.algorithms.Hashing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A bounded table of string keys split into separately locked stripes, each an access-ordered map
 * (a lookup moves the key to the tail, so the head is the least recently used) with an equal share
 * of the bound. Session affinity and per-key rate limiting both need exactly this: many threads,
 * one short critical section per key, and a size bound that a flood of distinct keys cannot break.
 *
 * <p>Why stripes (as Guava's cache is split into segments): one lock over the whole table would
 * serialise every request. The price is that "least recently used" is exact within a stripe and
 * approximate across them; the bound is exact: the shares add up to it, the first
 * {@code max % n} stripes taking one more. Example: 10 keys over 4 stripes: 3, 3, 2, 2.
 *
 * <p>A key's stripe follows {@link String#hashCode()} (specified, so the same in every JVM) mixed
 * by {@link Hashing#mix64}, which spreads keys that differ only in their last characters.
 *
 * <p>Thread safety: {@link #of} and {@link #all} may be called from any thread; a stripe's map may
 * be touched only while holding the stripe's monitor ({@code synchronized (stripe)}).
 *
 * @param <V> what a key maps to
 */
public final class KeyStripes<V> {
    /** One part of the table; its monitor guards {@link #map()}. */
    public static final class Stripe<V> {
        private final LinkedHashMap<String, V> map = new LinkedHashMap<>(16, 0.75f, true);
        private final int capacity;

        Stripe(int capacity) {
            this.capacity = capacity;
        }

        /** The access-ordered map, least recently used first; only under this stripe's monitor. */
        public LinkedHashMap<String, V> map() {
            return map;
        }

        /** True when one more key would exceed this stripe's share of the bound. */
        public boolean full() {
            return map.size() >= capacity;
        }

        /** Drops the least recently used key; the stripe must not be empty. */
        public void evictEldest() {
            Iterator<V> it = map.values().iterator();
            it.next();
            it.remove();
        }
    }

    private final List<Stripe<V>> stripes;

    /**
     * @param maxEntries  the bound, at least 1
     * @param stripeCount stripes wanted, at least 1; at most {@code maxEntries} are made, so every
     *                    stripe can hold a key
     */
    public KeyStripes(int maxEntries, int stripeCount) {
        if (maxEntries < 1 || stripeCount < 1) {
            throw new IllegalArgumentException("key stripes need max entries >= 1 and stripes >= 1, got "
                    + maxEntries + " and " + stripeCount);
        }
        int n = Math.min(stripeCount, maxEntries);
        int share = maxEntries / n;
        int extra = maxEntries % n;
        List<Stripe<V>> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new Stripe<>(share + (i < extra ? 1 : 0)));
        }
        this.stripes = Collections.unmodifiableList(list);
    }

    /** The stripe that holds {@code key}. */
    public Stripe<V> of(String key) {
        return stripes.get(Indices.unsignedMod(Hashing.mix64(key.hashCode()), stripes.size()));
    }

    /** Every stripe, for sweeps that visit them all (one lock at a time). */
    public List<Stripe<V>> all() {
        return stripes;
    }

    /** Keys held now, summed stripe by stripe under each stripe's lock. */
    public int size() {
        int n = 0;
        for (Stripe<V> st : stripes) {
            synchronized (st) {
                n += st.map.size();
            }
        }
        return n;
    }
}
