package io.sluice.proxy.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Request counts of one route of one listener; obtained from {@link ProxyMetrics#route}. Thread-safe. */
public final class RouteMetrics {
    private final ProxyMetrics metrics;
    private final String listener;
    private final String route;
    private final ClusterMetrics cluster;
    /** Per backend handle (by identity), the counters of each status class, resolved on first use. */
    private final Map<BackendMetrics, CounterDataPoint[]> byBackend = new ConcurrentHashMap<>();
    /**
     * gRPC answers by status code 0..16, resolved on first use. Two loops resolving one code at
     * once store the same data point (the counter hands out one per label set), so the race is benign.
     */
    private final CounterDataPoint[] byGrpcStatus = new CounterDataPoint[MAX_GRPC_STATUS + 1];

    /** The highest gRPC status code (16, UNAUTHENTICATED); a higher one counts as 2, UNKNOWN, as gRPC clients read it. */
    static final int MAX_GRPC_STATUS = 16;

    RouteMetrics(ProxyMetrics metrics, String listener, String route, ClusterMetrics cluster) {
        this.metrics = metrics;
        this.listener = listener;
        this.route = route;
        this.cluster = cluster;
    }

    /** The {@code listener} label. */
    public String listener() {
        return listener;
    }

    /** The {@code route} label. */
    public String route() {
        return route;
    }

    /** The cluster this route sends to. */
    public ClusterMetrics cluster() {
        return cluster;
    }

    /**
     * A request on this route was answered: counts it by status class and records its duration in
     * the backend's histogram. Call once per request, when the response has been sent (or the
     * client went away: status 0 counts as {@code other}).
     *
     * @param backend        the backend of the last attempt, or null when none was reached
     * @param status         the status sent to the client
     * @param durationNanos  from the request's first byte to the response's last
     */
    public void requestCompleted(BackendMetrics backend, int status, long durationNanos) {
        BackendMetrics b = backend != null ? backend : cluster.noBackend();
        CounterDataPoint[] row = byBackend.get(b);
        if (row == null) {
            row = byBackend.computeIfAbsent(b, this::resolve);
        }
        row[ProxyMetrics.codeClassIndex(status)].inc();
        b.observe(durationNanos);
    }

    /**
     * A gRPC call on this route was answered with {@code grpcStatus}: the backend's (trailers, or a
     * trailers-only response) or the proxy's own. Negative: not a gRPC answer, not counted.
     */
    public void grpcAnswered(int grpcStatus) {
        if (grpcStatus < 0) {
            return;
        }
        int code = grpcStatus > MAX_GRPC_STATUS ? 2 : grpcStatus;
        CounterDataPoint p = byGrpcStatus[code];
        if (p == null) {
            p = metrics.grpcResponses.labelValues(listener, route, cluster.name(), Integer.toString(code));
            byGrpcStatus[code] = p;
        }
        p.inc();
    }

    private CounterDataPoint[] resolve(BackendMetrics b) {
        CounterDataPoint[] row = new CounterDataPoint[ProxyMetrics.CODE_CLASSES.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = metrics.requests.labelValues(listener, route, cluster.name(), b.id(), ProxyMetrics.CODE_CLASSES.get(i));
        }
        return row;
    }

    void forget(BackendMetrics b) {
        byBackend.remove(b);
    }
}
