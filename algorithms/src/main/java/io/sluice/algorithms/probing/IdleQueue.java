package io.sluice.algorithms.probing;

import io.sluice.algorithms.BackendLoad;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The I-queue of Join-Idle-Queue: backends that reported themselves idle, oldest report first,
 * each at most once.
 *
 * <p>An entry is a hint, not a promise: by the time a pick takes it the backend may be busy again
 * or gone, and the picker checks. A backend is identified by its {@link BackendLoad}, which is
 * unique to one membership in one load balancer (ids are not: two balancers may share them).
 *
 * <p>Thread safety: {@link #join} runs on whatever thread ends a request, {@link #take} on picking
 * threads, concurrently. The queue is a lock-free {@link ConcurrentLinkedQueue}; the membership set
 * that keeps entries unique is a concurrent hash set. A backend is removed from the set right after
 * it is taken, so one that goes idle again in between is either still taken (and checked) or joins
 * afresh; it is never lost and never queued twice.
 */
final class IdleQueue {
    private final Queue<BackendLoad> queue = new ConcurrentLinkedQueue<>();
    private final Set<BackendLoad> queued = ConcurrentHashMap.newKeySet();

    /** Reports {@code load}'s backend idle; a no-op when it is already queued. */
    void join(BackendLoad load) {
        if (queued.add(load)) {
            queue.offer(load);
        }
    }

    /** The backend idle the longest, or null when none is queued. */
    BackendLoad take() {
        BackendLoad load = queue.poll();
        if (load != null) {
            queued.remove(load);
        }
        return load;
    }

    /** Entries queued now (tests). */
    int size() {
        return queue.size();
    }
}
