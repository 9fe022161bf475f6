package io.sluice.algorithms.concurrency;

/**
 * A limit on requests in flight to a cluster that follows measured latency, so a slow cluster is
 * answered 503 quickly instead of queueing without bound (Netflix concurrency-limits, Envoy's
 * adaptive concurrency filter). A caller asks {@link #tryAcquire()} before forwarding and, if
 * granted, calls {@link #release(long)} exactly once when the response is complete.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public interface AdaptiveConcurrencyLimit {

    /** The gradient algorithm, see {@link GradientLimit}. */
    static AdaptiveConcurrencyLimit gradient(GradientLimit.Settings settings) {
        return new GradientLimit(settings);
    }

    /** True and one more in flight when under the limit; false (nothing taken) otherwise. */
    boolean tryAcquire();

    /**
     * Ends one granted request.
     *
     * @param rttNanos its round-trip time, or a negative number when it says nothing about the
     *                 cluster's latency (a client that went away, a connect failure)
     */
    void release(long rttNanos);

    /** The current limit. */
    int limit();

    /** Requests in flight now. */
    int inFlight();
}
