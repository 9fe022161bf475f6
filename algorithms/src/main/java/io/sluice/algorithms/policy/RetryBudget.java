package io.sluice.algorithms.policy;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The counters of one retry budget: requests and retries under way at one load balancer (a proxy
 * cluster, a simulated instance), judged against a {@link RetryPolicy}. See the policy's class
 * comment for the rule.
 *
 * <p>Thread safety: every method may be called from any thread; a place is taken with a
 * compare-and-set, so concurrent retries never exceed what the budget allows at the moment each
 * was admitted. The counters outlive policy changes (a proxy reload keeps them).
 */
public final class RetryBudget {
    private final AtomicInteger activeRequests = new AtomicInteger();
    private final AtomicInteger activeRetries = new AtomicInteger();

    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    public void requestEnded() {
        activeRequests.decrementAndGet();
    }

    /**
     * Takes a place for one retry if {@code policy} allows one more under way now.
     *
     * @return true when taken; the caller must call {@link #retryEnded()} when the retry ends
     */
    public boolean tryStartRetry(RetryPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        int allowed = policy.allowedRetries(activeRequests.get());
        while (true) {
            int now = activeRetries.get();
            if (now >= allowed) {
                return false;
            }
            if (activeRetries.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    public void retryEnded() {
        activeRetries.decrementAndGet();
    }

    /** Requests under way. */
    public int activeRequests() {
        return activeRequests.get();
    }

    /** Retries under way that hold a place. */
    public int activeRetries() {
        return activeRetries.get();
    }
}
