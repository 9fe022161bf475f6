package io.sluice.proxy;

import io.sluice.proxy.RequestObserver.Outcome;
import io.sluice.proxy.accesslog.AccessLog;
import io.sluice.proxy.accesslog.AccessLogEntry;
import io.sluice.proxy.metrics.BackendMetrics;
import io.sluice.proxy.metrics.ClusterMetrics;
import io.sluice.proxy.metrics.RouteMetrics;
import java.time.Instant;
import java.util.Locale;

/**
 * What the data path reports about itself, called by {@link ClientConnection} before any
 * {@link RequestObserver}: every attempt feeds its cluster's outlier detection and the attempt and
 * retry counters; every request end the request counters, latency histogram and byte counters,
 * and the access log.
 *
 * <p>A direct call rather than an observer, so that the hot path uses the handles resolved when
 * the snapshot was built ({@link Router.Route#metrics()}, {@link Cluster#metrics(String)},
 * {@link ListenerState#metrics}) instead of looking labels up per request, and builds no record
 * when nothing needs one. A request to a backend that a reload has since removed records into its
 * old handles, whose series were dropped: it is not exported, and the series does not come back.
 *
 * <p>Runs on the event loops; everything it touches is thread-safe and non-blocking (the access
 * log only enqueues). Requests that matched no route are counted under {@code route},
 * {@code cluster} and {@code backend} {@value #NONE}.
 */
final class Telemetry {
    static final String NONE = io.sluice.proxy.metrics.ProxyMetrics.NO_BACKEND;

    private static final String[] OUTCOME_LABELS = new String[Outcome.values().length];

    static {
        for (Outcome o : Outcome.values()) {
            OUTCOME_LABELS[o.ordinal()] = o.name().toLowerCase(Locale.ROOT);
        }
    }

    private final Proxy proxy;
    /**
     * The wall clock and the monotonic clock read together once: a request's start on the wall
     * clock is {@code epochNanos0 + (startNanos - nanoTime0)}, so two lines' starts differ by exactly
     * the monotonic time between them (a wall-clock step does not reorder a replayed log).
     */
    private final long epochNanos0;
    private final long nanoTime0;

    Telemetry(Proxy proxy) {
        this.proxy = proxy;
        Instant now = Instant.now();
        this.nanoTime0 = System.nanoTime();
        this.epochNanos0 = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** One upstream attempt on {@code backendId} of {@code cluster} ended. */
    void attemptEnded(Cluster cluster, String backendId, Outcome outcome, int status, long latencyNanos,
                      boolean retry) {
        cluster.health().onAttempt(backendId, outcome, status, latencyNanos);
        BackendMetrics b = cluster.metrics(backendId);
        if (b != null) {
            b.attemptEnded(OUTCOME_LABELS[outcome.ordinal()]);
        }
        ClusterMetrics c = cluster.clusterMetrics();
        if (retry && c != null) {
            c.retry();
        }
    }

    /**
     * A request ended.
     *
     * @param route     the route that matched, or null
     * @param backendId the backend of the last attempt, or null
     * @param protocol  the HTTP version the request arrived in ({@code HTTP/1.1}, {@code HTTP/2}, ...)
     * @param grpcStatus the gRPC status it was answered with, or -1 when it is not a gRPC call
     */
    void requestEnded(ListenerState listener, Router.Route route, Cluster cluster, String backendId, int status,
                      long durationNanos, long requestBytes, long responseBytes, String protocol, int grpcStatus) {
        listener.metrics.bytesReceived(requestBytes);
        listener.metrics.bytesSent(responseBytes);
        listener.metrics.requestServed(protocol);
        RouteMetrics r = route != null ? route.metrics() : listener.noRouteMetrics();
        if (r != null) {
            r.requestCompleted(cluster == null || backendId == null ? null : cluster.metrics(backendId), status,
                    durationNanos);
            r.grpcAnswered(grpcStatus);
        }
    }

    /**
     * The gRPC status in a {@code grpc-status} header or trailer value, or -1 when absent or not a
     * number (a malformed one is not a status the client could read either).
     */
    static int grpcStatus(CharSequence value) {
        if (value == null || value.length() == 0 || value.length() > 3) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** True when the access log wants a line per request (it is not off). */
    boolean logging() {
        return proxy.accessLog() != AccessLog.off();
    }

    /** Queues the access log line of one request. */
    void log(RequestObserver.RequestEnd end) {
        AccessLog log = proxy.accessLog();
        if (log == AccessLog.off()) {
            return;
        }
        log.log(AccessLogEntry.builder()
                .time(Instant.now().minusNanos(end.durationNanos()))
                .requestId(end.requestId())
                .clientAddress(end.clientAddress())
                .method(end.method())
                .path(end.target())
                .host(end.host())
                .status(end.status())
                .bytesIn(end.requestBytes())
                .bytesOut(end.responseBytes())
                .durationNanos(end.durationNanos())
                .backendId(end.backendId())
                .backendAddress(end.backendAddress())
                .attempts(end.attempts())
                .cluster(end.cluster())
                .route(end.route())
                .listener(end.listener())
                .outcome(end.outcome())
                .startMicros(Math.floorDiv(epochNanos0 + (end.startNanos() - nanoTime0), 1_000L))
                .affinityKey(end.affinityKey())
                .upstreamHeadNanos(end.upstreamHeadNanos())
                .upstreamNanos(end.upstreamNanos())
                .protocol(end.protocol())
                .tlsVersion(end.tlsVersion())
                .grpcStatus(end.grpcStatus())
                .build());
    }
}
