/**
 * One policy model for a cluster, shared by the proxy and the simulator: {@link
 * io.sluice.algorithms.policy.ClusterPolicy} and its parts, each with its defaults and ranges in
 * one place, and the decision functions both runtimes call rather than each writing its own.
 *
 * <ul>
 *   <li>{@link io.sluice.algorithms.policy.RetryPolicy#decide}: which failed attempts are retried;
 *       {@link io.sluice.algorithms.policy.RetryBudget}: how many at once (Envoy's budget);
 *       {@link io.sluice.algorithms.policy.RetryTarget}: where the retry goes (never a backend
 *       already tried).</li>
 *   <li>{@link io.sluice.algorithms.health.HealthAggregator} and
 *       {@link io.sluice.algorithms.health.BackendHealth}: how active checks, ejection and drain
 *       combine into one health state.</li>
 *   <li>{@link io.sluice.algorithms.policy.AffinityPolicy}: when a key is hashed, kept in a table,
 *       or carried by a cookie.</li>
 *   <li>{@link io.sluice.algorithms.policy.PickerRefresh}: when a picker is rebuilt on a timer.</li>
 * </ul>
 *
 * <p>Pure: no I/O, no threads, no clock but the one a caller passes.
 */
package io.sluice.algorithms.policy;
