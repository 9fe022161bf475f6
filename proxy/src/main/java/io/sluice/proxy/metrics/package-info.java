/**
 * The proxy's Prometheus metrics: {@link io.sluice.proxy.metrics.ProxyMetrics} and the handles the
 * data path keeps ({@link io.sluice.proxy.metrics.ListenerMetrics},
 * {@link io.sluice.proxy.metrics.RouteMetrics}, {@link io.sluice.proxy.metrics.ClusterMetrics},
 * {@link io.sluice.proxy.metrics.BackendMetrics}). Look handles up when the config is applied,
 * record on the event loops, serve {@link io.sluice.proxy.metrics.ProxyMetrics#scrape()} with
 * {@link io.sluice.proxy.metrics.ProxyMetrics#CONTENT_TYPE} from the admin {@code /metrics}.
 */
package io.sluice.proxy.metrics;
