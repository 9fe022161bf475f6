package io.sluice.proxy.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** One cluster's counters and its backends' handles; obtained from {@link ProxyMetrics#cluster}. Thread-safe. */
public final class ClusterMetrics {
    private final ProxyMetrics metrics;
    private final String name;
    private final CounterDataPoint retries;
    private final Map<String, BackendMetrics> backends = new ConcurrentHashMap<>();

    ClusterMetrics(ProxyMetrics metrics, String name) {
        this.metrics = metrics;
        this.name = name;
        this.retries = metrics.retries.labelValues(name);
    }

    /** The cluster's name: the {@code cluster} label. */
    public String name() {
        return name;
    }

    /**
     * A TLS handshake with one of the cluster's backends failed ({@code upstream.tls}).
     *
     * @param reason {@code unknown_ca}, {@code name_mismatch}, {@code alpn}, {@code alert} or {@code other}
     */
    public void upstreamTlsHandshakeFailure(String reason) {
        metrics.upstreamTlsFailures.labelValues(name, reason).inc();
    }

    /** An extra attempt was sent to another backend. */
    public void retry() {
        retries.inc();
    }

    /** The handle of one of this cluster's backends; the same object until it is removed. */
    public BackendMetrics backend(String backendId) {
        Objects.requireNonNull(backendId, "backendId");
        return backends.computeIfAbsent(backendId, id -> new BackendMetrics(metrics, name, id));
    }

    /** The handle that counts requests which reached no backend ({@code backend="none"}). */
    public BackendMetrics noBackend() {
        return backend(ProxyMetrics.NO_BACKEND);
    }

    /** Ids of the backends with a handle now. */
    java.util.Set<String> backendIds() {
        return java.util.Set.copyOf(backends.keySet());
    }

    BackendMetrics forget(String backendId) {
        return backends.remove(backendId);
    }
}
