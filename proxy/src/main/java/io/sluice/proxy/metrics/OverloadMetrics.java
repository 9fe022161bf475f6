package io.sluice.proxy.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.sluice.algorithms.concurrency.AdaptiveConcurrencyLimit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The overload-control metrics, registered on the proxy's registry beside {@link ProxyMetrics}'s:
 * <pre>
 *   sluice_requests_shed_total{cluster,reason}            counter  requests answered 503 at once: reason
 *                                                                   adaptive-concurrency or overload
 *   sluice_adaptive_concurrency_limit{cluster}            gauge*   each cluster's adaptive limit now
 *   sluice_adaptive_concurrency_in_flight{cluster}        gauge*   requests holding a place under it
 *   sluice_adaptive_concurrency_min_rtt_seconds{cluster}  gauge*   the unloaded latency of the last probe
 *   sluice_overload_state{state}                          gauge*   1 for the proxy's overload level: normal,
 *                                                                   stop-accepting, shedding (none without overload:)
 *   sluice_overload_pressure{resource}                    gauge*   each watched resource's measure over its shed threshold
 *   sluice_event_loop_delay_seconds{loop}                 gauge*   how late each event loop ran its probe timer
 *   sluice_overload_connections_refused_total{listener}   counter  connections closed at once while overloaded
 * </pre>
 * Gauges marked * are read from the {@link Source} at scrape time. Thread-safe.
 */
public final class OverloadMetrics {
    /** {@code reason} of a request over its cluster's adaptive concurrency limit. */
    public static final String ADAPTIVE_CONCURRENCY = "adaptive-concurrency";
    /** {@code reason} of a request shed because the proxy itself is overloaded. */
    public static final String OVERLOAD = "overload";

    /** What the gauges read. */
    public interface Source {
        /** Each cluster with an adaptive concurrency limit, by name. */
        Map<String, AdaptiveConcurrencyLimit> concurrencyLimits();

        /** The overload level's label ({@code normal}, {@code stop-accepting}, {@code shedding}), or null when off. */
        String overloadState();

        /** Each watched resource's pressure, by resource name; empty when off. */
        Map<String, Double> pressures();

        /** The last probe lateness of each event loop, in seconds; empty when off. */
        List<Double> eventLoopDelaysSeconds();
    }

    private static final List<String> STATES = List.of("normal", "stop-accepting", "shedding");

    private final Counter shed;
    private final Counter refused;
    private final Map<String, CounterDataPoint> shedPoints = new ConcurrentHashMap<>();

    public OverloadMetrics(PrometheusRegistry registry, Source source) {
        shed = Counter.builder().name("sluice_requests_shed_total").withoutExemplars()
                .help("Requests answered 503 at once instead of queueing, by cluster and reason.")
                .labelNames("cluster", "reason").register(registry);
        refused = Counter.builder().name("sluice_overload_connections_refused_total").withoutExemplars()
                .help("Connections closed at once because the proxy was overloaded.")
                .labelNames("listener").register(registry);
        GaugeWithCallback.builder().name("sluice_adaptive_concurrency_limit")
                .help("Each cluster's adaptive limit on requests in flight.").labelNames("cluster")
                .callback(cb -> source.concurrencyLimits().forEach((c, l) -> cb.call(l.limit(), c)))
                .register(registry);
        GaugeWithCallback.builder().name("sluice_adaptive_concurrency_in_flight")
                .help("Requests holding a place under each cluster's adaptive limit.").labelNames("cluster")
                .callback(cb -> source.concurrencyLimits().forEach((c, l) -> cb.call(l.inFlight(), c)))
                .register(registry);
        GaugeWithCallback.builder().name("sluice_adaptive_concurrency_min_rtt_seconds").unit(Unit.SECONDS)
                .help("The unloaded latency the adaptive limit measured in its last probe; -1 before the first.")
                .labelNames("cluster")
                .callback(cb -> source.concurrencyLimits().forEach((c, l) -> {
                    long rtt = l instanceof io.sluice.algorithms.concurrency.GradientLimit g ? g.minRttNanos() : -1;
                    cb.call(rtt < 0 ? -1 : rtt / 1e9, c);
                }))
                .register(registry);
        GaugeWithCallback.builder().name("sluice_overload_state")
                .help("1 for the proxy's own overload level: normal, stop-accepting or shedding.").labelNames("state")
                .callback(cb -> {
                    String now = source.overloadState();
                    if (now != null) {
                        for (String st : STATES) {
                            cb.call(st.equals(now) ? 1 : 0, st);
                        }
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("sluice_overload_pressure")
                .help("Each watched resource's measure over its shed threshold (1 or more: shedding).")
                .labelNames("resource")
                .callback(cb -> source.pressures().forEach((r, p) -> cb.call(p, r)))
                .register(registry);
        GaugeWithCallback.builder().name("sluice_event_loop_delay_seconds").unit(Unit.SECONDS)
                .help("How late each event loop last ran its probe timer.").labelNames("loop")
                .callback(cb -> {
                    List<Double> d = source.eventLoopDelaysSeconds();
                    for (int i = 0; i < d.size(); i++) {
                        cb.call(d.get(i), Integer.toString(i));
                    }
                })
                .register(registry);
    }

    /** One request answered 503 at once. */
    public void shed(String cluster, String reason) {
        shedPoints.computeIfAbsent(cluster + '\0' + reason, k -> shed.labelValues(cluster, reason)).inc();
    }

    /** One connection closed at once because the proxy was overloaded. */
    public void connectionRefused(String listener) {
        refused.labelValues(listener).inc();
    }
}
