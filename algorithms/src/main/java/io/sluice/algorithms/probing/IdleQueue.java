package io.sluice.algorithms.probing;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Tried;

import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The I-queue of Join-Idle-Queue: backends that reported themselves idle, oldest report first,
 * each at most once.
 *
 * <p>An entry is a hint, not a promise: by the time a pick takes it the backend may be busy again
 * or gone, and the picker checks. A backend is identified by its {@link BackendLoad}, which is
 * unique to one membership in one load balancer (ids are not: two balancers may share them).
 *
 * <p>A retry must not spend the entries of backends it already tried: {@link #take(Tried)} passes
 * over them and puts them back at the head, in their order, so they are still the first offered
 * to the next request.
 *
 * <p>Thread safety: {@link #join} runs on whatever thread ends a request, {@link #take} on picking
 * threads, concurrently. The queue is a lock-free {@link ConcurrentLinkedDeque}; the membership set
 * that keeps entries unique is a concurrent hash set. A backend is removed from the set right after
 * it is taken, so one that goes idle again in between is either still taken (and checked) or joins
 * afresh; it is never lost and never queued twice.
 */
final class IdleQueue {
    private final Deque<BackendLoad> queue = new ConcurrentLinkedDeque<>();
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

    /**
     * The backend idle the longest among those not in {@code tried}, or null when none is queued;
     * entries of tried backends stay queued, at the head, in their order. At most
     * {@code tried.size()} entries are passed over (each backend is queued once).
     */
    BackendLoad take(Tried tried) {
        if (tried.isEmpty()) {
            return take();
        }
        BackendLoad[] passed = null;
        int count = 0;
        BackendLoad load;
        while ((load = queue.pollFirst()) != null && tried.contains(load)) {
            if (passed == null) {
                passed = new BackendLoad[tried.size()];
            }
            if (count == passed.length) {
                passed = java.util.Arrays.copyOf(passed, count * 2);
            }
            passed[count++] = load;
        }
        if (load != null) {
            queued.remove(load);
        }
        while (count > 0) {
            queue.offerFirst(passed[--count]); // still in the membership set: never removed
        }
        return load;
    }

    /** Entries queued now (tests). */
    int size() {
        return queue.size();
    }
}
