package io.sluice.simulator.engine;

import java.util.Arrays;

/**
 * The pending events of a run: a 4-ary min-heap of {@code (time, sequence, payload)} triples held
 * in three parallel {@code long[]}s, so pushing and popping never box or allocate (except to grow).
 *
 * <p>Order: earliest time first; equal times in insertion order (the sequence number), which makes
 * runs deterministic whatever the heap's internal shuffling. The payload is an opaque
 * {@code long} the engine packs an event type and indices into.
 *
 * <p>Why 4-ary, with the times in an array of their own: a sift-down visits {@code log4 n} levels
 * instead of {@code log2 n}, and the four children's times sit in 32 consecutive bytes, usually one
 * cache line, so the extra comparisons per level are cheap (LaMarca and Ladner, "The influence of
 * caches on the performance of heaps", 1996).
 *
 * <p>Deferred pop: almost every event schedules another (an arrival the next arrival, a completion
 * the next completion). {@link #take()} therefore leaves the taken root in place, dead; the next
 * {@link #push} overwrites it and sifts down once, instead of a sift-down to remove it and a
 * sift-up to insert. {@link #settle()} removes a root still dead after the event ran.
 *
 * <p>Not thread-safe: one run, one thread.
 */
final class EventQueue {
    private static final int ARITY = 4;

    private long[] times;
    private long[] seqs;
    private long[] payloads;
    private int size;
    private long nextSequence;
    /** The root was taken and not yet replaced or removed. */
    private boolean rootDead;

    EventQueue(int initialCapacity) {
        int cap = Math.max(16, initialCapacity);
        times = new long[cap];
        seqs = new long[cap];
        payloads = new long[cap];
    }

    /** Live events (a taken root does not count). */
    int size() {
        return rootDead ? size - 1 : size;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** Schedules {@code payload} at {@code time}. */
    void push(long time, long payload) {
        long seq = nextSequence++;
        if (rootDead) {
            rootDead = false;
            siftDown(0, time, seq, payload);
            return;
        }
        if (size == times.length) {
            int len = size * 2;
            times = Arrays.copyOf(times, len);
            seqs = Arrays.copyOf(seqs, len);
            payloads = Arrays.copyOf(payloads, len);
        }
        long[] t = times;
        long[] s = seqs;
        long[] p = payloads;
        int i = size++;
        // Sift up: move parents down until the parent is not later than the new entry.
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            long pt = t[parent];
            if (pt < time || (pt == time && s[parent] < seq)) {
                break;
            }
            t[i] = pt;
            s[i] = s[parent];
            p[i] = p[parent];
            i = parent;
        }
        t[i] = time;
        s[i] = seq;
        p[i] = payload;
    }

    /** Time of the earliest live event; the queue must not be empty and no root may be dead. */
    long peekTime() {
        return times[0];
    }

    /** Sequence number of the earliest live event (same preconditions as {@link #peekTime()}). */
    long peekSequence() {
        return seqs[0];
    }

    /**
     * Takes the next sequence number for an event the caller keeps outside the queue (the engine's
     * single pending arrival), so it still orders against queued events by insertion.
     */
    long reserveSequence() {
        return nextSequence++;
    }

    /**
     * Takes the earliest event and returns its payload (read its time with {@link #peekTime()}
     * first). Its slot stays dead until the next {@link #push} reuses it or {@link #settle()}
     * removes it; call {@code settle()} before the next {@code peekTime()} or {@code take()}.
     */
    long take() {
        rootDead = true;
        return payloads[0];
    }

    /** Removes the taken root if no push reused it. */
    void settle() {
        if (!rootDead) {
            return;
        }
        rootDead = false;
        int n = --size;
        if (n > 0) {
            siftDown(0, times[n], seqs[n], payloads[n]);
        }
    }

    /** Removes the earliest event and returns its payload. */
    long pop() {
        long payload = take();
        settle();
        return payload;
    }

    /** Places the entry at {@code i} and moves it down below any earlier child. */
    private void siftDown(int i, long time, long seq, long payload) {
        long[] t = times;
        long[] s = seqs;
        long[] p = payloads;
        int n = size;
        while (true) {
            int first = (i << 2) + 1;
            if (first >= n) {
                break;
            }
            // The earliest of up to four children.
            int best = first;
            long bt = t[first];
            int end = Math.min(first + ARITY, n);
            for (int c = first + 1; c < end; c++) {
                long ct = t[c];
                if (ct < bt || (ct == bt && s[c] < s[best])) {
                    best = c;
                    bt = ct;
                }
            }
            if (time < bt || (time == bt && seq < s[best])) {
                break;
            }
            t[i] = bt;
            s[i] = s[best];
            p[i] = p[best];
            i = best;
        }
        t[i] = time;
        s[i] = seq;
        p[i] = payload;
    }

    /** Drops every pending event. */
    void clear() {
        size = 0;
        rootDead = false;
    }
}
