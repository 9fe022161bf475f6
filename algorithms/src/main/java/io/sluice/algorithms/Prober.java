package io.sluice.algorithms;

/**
 * Asks a backend for its current load, for probing strategies (Prequal). The caller implements it:
 * the simulator answers in virtual time after the network delay, the proxy over the network.
 * {@link #LOCAL} answers at once from this load balancer's own view of the backend, which makes
 * probing strategies usable where nothing better is wired in.
 *
 * <p>Contract: {@link #probe} returns quickly and never throws; it calls the sink at most once,
 * possibly later and from another thread; a lost probe is simply never answered.
 */
@FunctionalInterface
public interface Prober {
    /** Receives probe answers. */
    @FunctionalInterface
    interface ProbeSink {
        /**
         * @param requestsInFlight the backend's requests in flight when it answered
         * @param latencyNanos     its recent latency estimate (what it would take to serve one more)
         * @param nowNanos         when the answer arrived, on the environment's clock
         */
        void onProbe(Endpoint endpoint, int requestsInFlight, long latencyNanos, long nowNanos);
    }

    /** Sends one probe to {@code endpoint}. */
    void probe(Endpoint endpoint, ProbeSink sink, Environment env);

    /** Answers synchronously from the endpoint's {@link BackendLoad}: in-flight count and peak-EWMA cost. */
    Prober LOCAL = (endpoint, sink, env) -> {
        long now = env.nanoTime();
        sink.onProbe(endpoint, endpoint.load().inFlight(), (long) endpoint.load().latencyNanos(now), now);
    };
}
