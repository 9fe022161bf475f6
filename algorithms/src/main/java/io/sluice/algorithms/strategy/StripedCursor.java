package io.sluice.algorithms.strategy;

import io.sluice.algorithms.internal.Stripes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A round-robin position that many threads advance without sharing a cache line: one counter per
 * stripe, the stripe chosen by the calling thread's id. The cursor has no length: a picker maps
 * the position onto its own endpoints ({@code position % n}), so one cursor, owned by the strategy,
 * keeps its place across picker rebuilds (as grpc-java's round robin keeps one index across
 * pickers) instead of jumping to a fresh random start at every membership or health change.
 *
 * <p>Why not one {@code AtomicInteger}: every pick would write the same cache line, so two threads
 * picking at once serialise on it and the second thread adds almost no throughput. Here threads
 * with different ids modulo the stripe count write different, padded lines. Thread ids are handed
 * out in creation order, so a pool's threads (Netty event loops, JMH workers) are consecutive and
 * land on distinct stripes as long as there are at most {@link #STRIPES} of them.
 *
 * <p>Ordering guarantee:
 * <ul>
 *   <li>Every stripe starts at the same position {@code start}, so the sequence one thread sees does
 *       not depend on which stripe its id selects: a single thread (the simulator) gets the exact
 *       round-robin sequence {@code start, start+1, ...} modulo {@code length}, reproducible from
 *       a seed.</li>
 *   <li>Each stripe is advanced atomically ({@code getAndAdd}), so threads that share a stripe
 *       never repeat or skip a position between them: jointly they still cycle exactly.</li>
 *   <li>Across stripes there is no order: two threads may return the same position at the same
 *       moment. Counting only: after stripe {@code s} handed out {@code k_s} positions, each
 *       position was returned {@code floor(k_s/length)} or {@code ceil(k_s/length)} times by it,
 *       so summed over the {@code S} stripes in use every position's count is within {@code S} of
 *       the mean {@code sum(k_s)/length}.</li>
 * </ul>
 *
 * <p>Overflow: a stripe's counter is an {@code int} that wraps after 2<sup>31</sup> picks;
 * {@code (c & Integer.MAX_VALUE) % length} keeps the position valid through the wrap (a negative
 * counter would give a negative remainder). The price is one short cycle per 2<sup>31</sup> picks
 * of a stripe, unless {@code length} divides 2<sup>31</sup>: at the wrap the sequence jumps from
 * {@code (2^31 - 1) % length} back to 0, which skews counts by at most one pick per position.
 *
 * <p>Thread safety: {@link #next()} is wait-free and may be called from any thread.
 */
final class StripedCursor {
    private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(int[].class);

    /**
     * Stripes: the power of two at or above twice the processor count (event-loop pools are often
     * that size), between 2 and 64. At 64 stripes a cursor costs 8 KiB.
     */
    static final int STRIPES = Stripes.COUNT;

    /** 32 ints = 128 bytes between counters: two cache lines, since x86 prefetches line pairs. */
    private static final int PAD = 32;

    private final int[] counters;

    /** @param start the first position every thread sees; any int (it is masked like a counter) */
    StripedCursor(int start) {
        // Counter s lives at (s + 1) * PAD, so the first one is also a line away from the array header.
        this.counters = new int[(STRIPES + 1) * PAD];
        for (int s = 0; s < STRIPES; s++) {
            counters[(s + 1) * PAD] = start;
        }
    }

    static int stripeCount(int processors) {
        return Stripes.count(processors);
    }

    /** The next position, in {@code [0, Integer.MAX_VALUE]}, for the calling thread's stripe. */
    int next() {
        int stripe = Stripes.ofCurrentThread();
        int c = (int) COUNTERS.getAndAdd(counters, (stripe + 1) * PAD, 1);
        return c & Integer.MAX_VALUE;
    }
}
