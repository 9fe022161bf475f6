/**
 * Load-aware routing strategies: each is a <em>selection rule</em> ({@code Chooser})
 * composed with a <em>load signal</em> ({@code LoadMetric}), never a class of
 * its own.
 *
 * <table>
 *   <caption>Registered strategies</caption>
 *   <tr><th>name</th><th>chooser</th><th>metric</th><th>source</th></tr>
 *   <tr><td>{@code p2c-least-request}</td><td>d samples with replacement, weighted (or uniform)</td>
 *       <td>{@code ActiveRequests}</td><td>Envoy {@code LEAST_REQUEST}</td></tr>
 *   <tr><td>{@code p2c-peak-ewma}</td><td>two distinct samples, weighted (or uniform)</td>
 *       <td>{@code PeakEwmaLoad}</td><td>Finagle / Linkerd {@code P2CPeakEwma}</td></tr>
 *   <tr><td>{@code response-time-weighted}</td><td>lowest cost (an O(log N) tree of order keys), random tie-break</td>
 *       <td>{@code PeakEwmaLoad}</td><td>NGINX Plus {@code least_time}</td></tr>
 *   <tr><td>{@code p2c-utilisation}</td><td>two distinct samples, weighted (or uniform)</td>
 *       <td>{@code ReportedUtilisation}, falling back to in-flight</td>
 *       <td>Netflix Zuul, "Rethinking Netflix's Edge Load Balancing" (2018)</td></tr>
 * </table>
 *
 * <p>Only the providers are public; everything else is package-private and reached through
 * {@link io.sluice.algorithms.StrategyRegistry} by name. A rule and a signal make a strategy
 * through {@code Chooser.strategy}, on the shared {@code io.sluice.algorithms.internal.SnapshotStrategy}.
 *
 * <p>Thread safety: every picker here is an immutable snapshot whose pick only <em>reads</em> the
 * live {@link io.sluice.algorithms.BackendLoad}s (an in-flight counter, a peak EWMA, a utilisation
 * report); it never writes shared state, so picks on many threads do not contend. The caller
 * reports request starts and ends on the chosen backend's {@code BackendLoad}.
 */
package io.sluice.algorithms.loadaware;
