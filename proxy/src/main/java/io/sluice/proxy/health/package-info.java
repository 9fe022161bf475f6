/**
 * Active health checks, passive outlier detection, and how the two combine into a backend's
 * {@link io.sluice.algorithms.HealthState}.
 *
 * <h2>Wiring, per cluster</h2>
 * <pre>{@code
 * LoadBalancer lb = ...;                                        // the cluster's
 * HealthAggregator health = new HealthAggregator((id, state) -> {
 *     lb.setHealth(id, state);                                  // under the aggregator's lock: ordered
 *     metrics.backend(cluster, id).healthTransition(state);
 * });
 * // Membership, on a config load or reload, in this order:
 * lb.setBackends(backends);
 * health.setBackends(ids);
 * outliers.update(ids);
 * checker.update(backends);                                     // last: it may report at once
 *
 * ActiveHealthChecker checker = ActiveHealthChecker.create(spec, checkConfig, workerGroup,
 *         (id, state, reason) -> health.setActive(id, state));  // on the backend's event loop
 * PassiveOutlierMonitor outliers = PassiveOutlierMonitor.start(outlierConfig, ids, workerGroup.next(),
 *         (event, ejectedNow) -> {                              // on that one event loop
 *             health.setEjected(event.backendId(), ejectedNow);
 *             if (event.kind() == OutlierEvent.Kind.EJECTED) {
 *                 metrics.backend(cluster, event.backendId()).ejected(event.reason());
 *             }
 *         });
 * // Data path, on the event loop that ran the upstream attempt:
 * outliers.onResponse(id, status, nanosToResponseHeaders);      // any HTTP response
 * outliers.onFailure(id, UpstreamFailure.CONNECT_FAILURE, nanos);  // or RESET, TIMEOUT
 * // Shutdown, before the event loop group:
 * checker.stop().join(); outliers.stop().join();
 * }</pre>
 * A cluster without {@code health-check} simply has no checker: {@code activeUp} stays true. An
 * admin "drain" calls {@link io.sluice.algorithms.health.HealthAggregator#setDraining}. The proxy does
 * this in {@code io.sluice.proxy.ClusterHealth}, one per cluster, kept across reloads.
 */
package io.sluice.proxy.health;
