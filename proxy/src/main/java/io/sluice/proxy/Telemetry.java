package io.sluice.proxy;

import io.sluice.proxy.accesslog.AccessLog;
import io.sluice.proxy.accesslog.AccessLogEntry;
import io.sluice.proxy.metrics.BackendMetrics;
import io.sluice.proxy.metrics.ProxyMetrics;
import java.time.Instant;
import java.util.Locale;

/**
 * The proxy's own {@link RequestObserver}, first in line: every attempt feeds its cluster's
 * outlier detection and the attempt and retry counters; every request end the request counters,
 * latency histogram and byte counters, and the access log.
 *
 * <p>Runs on the event loops; everything it touches is thread-safe and non-blocking (the access
 * log only enqueues). Requests that matched no route are counted under {@code route},
 * {@code cluster} and {@code backend} {@value #NONE}.
 */
final class Telemetry implements RequestObserver {
    static final String NONE = ProxyMetrics.NO_BACKEND;

    private final Proxy proxy;
    private final ProxyMetrics metrics;

    Telemetry(Proxy proxy, ProxyMetrics metrics) {
        this.proxy = proxy;
        this.metrics = metrics;
    }

    @Override
    public void onAttemptEnd(Attempt a) {
        Cluster c = proxy.snapshot().cluster(a.cluster());
        if (c != null) {
            c.health().onAttempt(a);
        }
        metrics.backend(a.cluster(), a.backendId()).attemptEnded(outcomeLabel(a.outcome()));
        if (a.retry()) {
            metrics.cluster(a.cluster()).retry();
        }
    }

    @Override
    public void onRequestEnd(RequestEnd end) {
        metrics.listener(end.listener()).bytesReceived(end.requestBytes());
        metrics.listener(end.listener()).bytesSent(end.responseBytes());
        String cluster = end.cluster() == null ? NONE : end.cluster();
        BackendMetrics backend = end.backendId() == null ? null : metrics.backend(cluster, end.backendId());
        metrics.route(end.listener(), end.route() == null ? NONE : end.route(), cluster)
                .requestCompleted(backend, end.status(), end.durationNanos());
        AccessLog log = proxy.accessLog();
        if (log != AccessLog.off()) {
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
                    .build());
        }
    }

    private static final String[] OUTCOME_LABELS = new String[Outcome.values().length];

    static {
        for (Outcome o : Outcome.values()) {
            OUTCOME_LABELS[o.ordinal()] = o.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The {@code outcome} label: the outcome's name in lower case, one of {@link BackendMetrics#ATTEMPT_OUTCOMES}. */
    static String outcomeLabel(Outcome o) {
        return OUTCOME_LABELS[o.ordinal()];
    }
}
