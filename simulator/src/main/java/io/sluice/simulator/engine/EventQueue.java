package io.sluice.simulator.engine;

/**
 * The pending events of a run: a 4-ary min-heap of {@code (time, sequence, payload)} triples held
 * in one {@code long[]}, so pushing and popping never box or allocate (except to grow).
 *
 * <p>Order: earliest time first; equal times in insertion order (the sequence number), which makes
 * runs deterministic whatever the heap's internal shuffling. The payload is an opaque
 * {@code long} the engine packs an event type and indices into.
 *
 * <p>Why 4-ary: a pop sifts down {@code log4 n} levels instead of {@code log2 n}, and the four
 * children of a node sit in 12 consecutive longs (about two cache lines), so the extra comparisons
 * per level are cheap; it beats a binary heap for the few hundred to few thousand pending events a
 * run holds (LaMarca and Ladner, "The influence of caches on the performance of heaps", 1996).
 *
 * <p>Not thread-safe: one run, one thread.
 */
final class EventQueue {
    private static final int ARITY = 4;
    /** Longs per entry: time, sequence, payload. */
    private static final int W = 3;

    private long[] heap;
    private int size;
    private long nextSequence;

    EventQueue(int initialCapacity) {
        heap = new long[Math.max(16, initialCapacity) * W];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Schedules {@code payload} at {@code time}. */
    void push(long time, long payload) {
        if ((size + 1) * W > heap.length) {
            heap = java.util.Arrays.copyOf(heap, heap.length * 2);
        }
        long seq = nextSequence++;
        long[] h = heap;
        int i = size++;
        // Sift up: move parents down until the parent is not later than the new entry.
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            int p = parent * W;
            long pt = h[p];
            if (pt < time || (pt == time && h[p + 1] < seq)) {
                break;
            }
            int j = i * W;
            h[j] = pt;
            h[j + 1] = h[p + 1];
            h[j + 2] = h[p + 2];
            i = parent;
        }
        int j = i * W;
        h[j] = time;
        h[j + 1] = seq;
        h[j + 2] = payload;
    }

    /** Time of the earliest event; the queue must not be empty. */
    long peekTime() {
        return heap[0];
    }

    /** Removes the earliest event and returns its payload; read its time with {@link #peekTime()} first. */
    long pop() {
        long[] h = heap;
        long payload = h[2];
        int n = --size;
        if (n == 0) {
            return payload;
        }
        int last = n * W;
        long t = h[last];
        long s = h[last + 1];
        long pl = h[last + 2];
        int i = 0;
        while (true) {
            int first = i * ARITY + 1;
            if (first >= n) {
                break;
            }
            // Find the earliest of up to four children.
            int best = first;
            int bi = first * W;
            long bt = h[bi];
            long bs = h[bi + 1];
            int end = Math.min(first + ARITY, n);
            for (int c = first + 1; c < end; c++) {
                int ci = c * W;
                long ct = h[ci];
                if (ct < bt || (ct == bt && h[ci + 1] < bs)) {
                    best = c;
                    bt = ct;
                    bs = h[ci + 1];
                }
            }
            if (t < bt || (t == bt && s < bs)) {
                break;
            }
            int j = i * W;
            int b = best * W;
            h[j] = bt;
            h[j + 1] = bs;
            h[j + 2] = h[b + 2];
            i = best;
        }
        int j = i * W;
        h[j] = t;
        h[j + 1] = s;
        h[j + 2] = pl;
        return payload;
    }

    /** Drops every pending event. */
    void clear() {
        size = 0;
    }
}
