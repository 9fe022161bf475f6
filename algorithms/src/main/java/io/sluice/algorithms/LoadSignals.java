package io.sluice.algorithms;

/**
 * Where a {@link LoadBalancer}'s {@link BackendLoad}s come from, and so who may write them: the one
 * choice between the thread-safe signals the proxy needs (several event loops start and end
 * requests on the same backends) and the single-writer signals a single-threaded simulation can
 * use at a fraction of the cost. Pickers read both kinds the same way, so every strategy works
 * over either.
 *
 * <p>An instance is a group: it creates the loads of one load balancer, knows their EWMA decay
 * time and keeps the total of their requests in flight (including backends that left but still
 * have requests to finish), which bounded-load reads in O(1) instead of summing every backend.
 * Give each load balancer its own.
 *
 * <pre>
 *   LoadBalancer.create(strategy, env, LoadSignals.threadSafe(LoadBalancer.DEFAULT_EWMA_DECAY_NANOS))  // proxy
 *   LoadBalancer.create(strategy, env, LoadSignals.singleWriter(decayNanos))                           // simulator
 * </pre>
 */
public sealed interface LoadSignals permits ConcurrentLoadSignals, SingleWriterLoadSignals {
    /**
     * Loads any thread may update at any time (atomic in-flight counts, striped completion
     * counters, a monitor per EWMA sample).
     *
     * @param ewmaDecayNanos the peak-EWMA time constant tau, &gt; 0
     */
    static LoadSignals threadSafe(long ewmaDecayNanos) {
        return new ConcurrentLoadSignals(ewmaDecayNanos);
    }

    /**
     * Loads updated by one thread at a time (plain fields, no atomics, no locks), for a
     * single-threaded caller such as the simulator's engine. Picking may happen on that thread.
     *
     * @param ewmaDecayNanos the peak-EWMA time constant tau, &gt; 0
     */
    static LoadSignals singleWriter(long ewmaDecayNanos) {
        return new SingleWriterLoadSignals(ewmaDecayNanos);
    }

    /** A fresh load of this group: nothing in flight, no latency sample, no utilisation report. */
    BackendLoad newLoad(long nowNanos);

    /** The peak-EWMA decay time of every load of this group. */
    long ewmaDecayNanos();

    /** Whether any thread may write the loads of this group. */
    boolean threadSafe();

    /**
     * Requests in flight over every load this group created, never below 0; exact between calls
     * for single-writer groups, a moment's sum for thread-safe ones.
     */
    int inFlight();
}
