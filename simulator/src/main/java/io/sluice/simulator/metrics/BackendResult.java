package io.sluice.simulator.metrics;

/**
 * One backend over the measured window.
 *
 * @param id               backend id
 * @param requests         attempts sent to it by measured requests (retries count on the backend they went to)
 * @param completed        of those, served successfully
 * @param utilisation      busy server time over capacity ({@code concurrency x window}), in [0, 1]; a
 *                         stalled backend that holds requests counts as busy, a crashed one as idle
 * @param meanLatencyNanos mean latency of its {@code completed} attempts, from the load balancer sending
 *                         the attempt to the answer arriving (both network hops, queueing and service; not
 *                         earlier attempts of a retried request); NaN when {@code completed} is 0
 */
public record BackendResult(String id, long requests, long completed, double utilisation, double meanLatencyNanos) {

    /** A backend result without a per-backend latency (NaN). */
    public BackendResult(String id, long requests, long completed, double utilisation) {
        this(id, requests, completed, utilisation, Double.NaN);
    }
}
