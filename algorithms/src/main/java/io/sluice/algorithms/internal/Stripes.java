package io.sluice.algorithms.internal;

/**
 * Which stripe of a per-thread structure the calling thread uses: its thread id modulo a power of
 * two at or above twice the processor count (event-loop pools are often that size), between 2 and
 * 64. Thread ids are handed out in creation order, so a pool's threads (Netty event loops, JMH
 * workers) are consecutive and land on distinct stripes as long as there are at most
 * {@link #COUNT} of them; two threads that do share a stripe only share what it holds.
 */
public final class Stripes {
    /** Stripes in use: a power of two. */
    public static final int COUNT = count(Runtime.getRuntime().availableProcessors());

    private Stripes() {
    }

    /** The stripe count for {@code processors} processors. */
    public static int count(int processors) {
        int wanted = Math.max(2, Math.min(64, 2 * Math.max(1, processors)));
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    /** The calling thread's stripe, in {@code [0, COUNT)}. */
    @SuppressWarnings("deprecation") // Thread.threadId() arrives in Java 19; getId() is the same number.
    public static int ofCurrentThread() {
        return (int) Thread.currentThread().getId() & (COUNT - 1);
    }
}
