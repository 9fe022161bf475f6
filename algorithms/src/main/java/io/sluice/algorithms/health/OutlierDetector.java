package io.sluice.algorithms.health;

import io.sluice.algorithms.HealthState;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Passive outlier detection over one cluster's backends, with Envoy's ejection algorithm
 * ({@code source/common/upstream/outlier_detection_impl.cc}; the architecture overview's
 * "Outlier detection" page) plus a latency rule of Sluice's own. The caller reports how each
 * request ended; the detector says which backends are ejected and returns the events
 * ({@link OutlierEvent}) its calls caused, which the caller applies
 * ({@code LoadBalancer.setHealth(id, EJECTED)} and back) and exports.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Consecutive 5xx</b>, inline in {@link #record}: the {@code consecutive-5xx}-th failure in
 *       a row (any {@link RequestOutcome} but SUCCESS) trips the rule. Likewise
 *       {@code consecutive-gateway-failure} for 502/503/504 and local-origin failures. A trip resets
 *       its counter whether or not the ejection is allowed, as Envoy does, so a suppressed backend
 *       needs another full run of failures to be tried again.</li>
 *   <li><b>Latency</b>, at each {@link #evaluate} sweep: among the backends that are not ejected
 *       and took at least {@code latency-minimum-requests} requests since the previous sweep, if
 *       there are at least {@code latency-minimum-hosts}, any whose peak-EWMA latency (the rule of
 *       {@link io.sluice.algorithms.PeakEwma}, fed by {@link #record}) exceeds
 *       {@code latency-factor} times their median is an outlier. The worst are tried first, so
 *       when the ejection budget is short it goes to the slowest. Example, factor 3: costs 10, 11,
 *       12, 13 and 60 ms have median 12 ms, threshold 36 ms, so only the 60 ms backend is ejected.
 *       A median of 0 judges nobody.</li>
 * </ul>
 *
 * <h2>Ejection</h2>
 * <ul>
 *   <li><b>Budget.</b> An outlier is ejected only if, counting it, no more than
 *       {@code max-ejection-percent} of the backends would be ejected:
 *       {@code 100 * (ejected + 1) <= percent * backends} (Envoy since 1.31). With the default 10%,
 *       a cluster of fewer than 10 backends ejects nobody, unless {@code always-eject-one-host}
 *       allows one ejection when none is active. (Envoy before that compared
 *       {@code ejected / backends < percent} before counting the new one, which always let one
 *       backend go; Sluice follows the current rule.) A refused ejection is a
 *       {@link OutlierEvent.Kind#SUPPRESSED} event.</li>
 *   <li><b>Duration.</b> {@code min(base-ejection-time * m, max-ejection-time)}, where the back-off
 *       multiplier {@code m} grows by one at each ejection (while {@code m * base < max + base}) and
 *       shrinks by one at each sweep that finds the backend available and restored for at least one
 *       interval. Example, base 30s, max 300s: 30s, 60s, 90s ... 300s, 300s; a backend that then
 *       behaves for 10 intervals is back to 30s.</li>
 *   <li><b>Restoring.</b> {@link #restoreDue} (which {@link #evaluate} calls first) restores every
 *       backend whose ejection time has passed and resets its failure counters. Envoy restores
 *       only at its interval timer; a caller may call {@link #restoreDue} at any time, for instance
 *       at {@link #nextRestoreAtNanos()}.</li>
 * </ul>
 *
 * <p>Membership: {@link #setBackends} adds and removes backends; a removed backend that was ejected
 * frees its share of the budget. Results for ids that are not members are ignored.
 *
 * <p>Thread safety: every method may be called from any thread. Each backend's state is an
 * immutable record in an atomic reference, advanced by side-effect-free functions; {@link #record}
 * is one compare-and-set on that backend's state (plus, on a trip, the ejection). The budget is a
 * shared atomic count: a slot is reserved before a backend is marked ejected and given back if the
 * backend turns out to be ejected or removed already, so the bound holds under any interleaving.
 * In single-threaded use (the simulator) everything is deterministic: events come in membership
 * order (latency ejections in descending cost, ties in membership order).
 */
public interface OutlierDetector {

    /**
     * A detector over {@code backendIds} (membership order; duplicates are refused).
     *
     * @param nowNanos creation time on the caller's clock
     */
    static OutlierDetector create(OutlierConfig config, Collection<String> backendIds, long nowNanos) {
        return new EnvoyOutlierDetector(Objects.requireNonNull(config, "config"), backendIds, nowNanos);
    }

    /**
     * Records how one request to {@code backendId} ended.
     *
     * @param latencyNanos how long it took, success or not (a backend that fails slowly is slow);
     *                     negative counts as 0
     * @return the events this caused: empty, or one EJECTED or SUPPRESSED event
     */
    List<OutlierEvent> record(String backendId, RequestOutcome outcome, long latencyNanos, long nowNanos);

    /** Restores every backend whose ejection time has passed by {@code nowNanos}; returns the RESTORED events. */
    List<OutlierEvent> restoreDue(long nowNanos);

    /**
     * The interval sweep; call it every {@link OutlierConfig#intervalNanos()}: restores what is due,
     * runs the latency rule over the requests since the previous sweep, then decays the back-off
     * multipliers of backends that stayed available.
     *
     * @return the events, restorations first
     */
    List<OutlierEvent> evaluate(long nowNanos);

    /** Replaces the membership: new ids start fresh, ids that stay keep their state, removed ids are forgotten. */
    void setBackends(Collection<String> backendIds, long nowNanos);

    /** True while {@code backendId} is ejected; false for unknown ids. */
    boolean isEjected(String backendId);

    /** {@link HealthState#EJECTED} while ejected, otherwise {@link HealthState#HEALTHY} (also for unknown ids). */
    default HealthState health(String backendId) {
        return isEjected(backendId) ? HealthState.EJECTED : HealthState.HEALTHY;
    }

    /** The ejected backends now, in membership order. */
    Set<String> ejected();

    /**
     * When the earliest current ejection ends, so a caller can schedule {@link #restoreDue} then;
     * empty when nothing is ejected.
     */
    Optional<Long> nextRestoreAtNanos();

    /** What the detector knows of one backend, or empty for unknown ids. */
    Optional<BackendStatus> status(String backendId, long nowNanos);

    /** Counters since creation, for export. */
    OutlierStats stats();

    /** The settings this detector was created with. */
    OutlierConfig config();

    /**
     * One backend as the detector sees it.
     *
     * @param ejected                    currently ejected
     * @param reason                     why, while ejected; otherwise the last reason or null
     * @param ejectedAtNanos             when the current or last ejection began (meaningless if never ejected)
     * @param ejectionNanos              length of the current or last ejection; 0 if never ejected
     * @param multiplier                 the back-off multiplier the last ejection used, decayed since
     * @param timesEjected               ejections since the backend joined
     * @param consecutiveFailures        the consecutive-5xx counter
     * @param consecutiveGatewayFailures the consecutive-gateway-failure counter
     * @param requestsThisInterval       requests recorded since the last sweep
     * @param latencyCostNanos           peak-EWMA latency, decayed to the time asked
     */
    record BackendStatus(String id, boolean ejected, EjectionReason reason, long ejectedAtNanos, long ejectionNanos,
                         int multiplier, int timesEjected, int consecutiveFailures, int consecutiveGatewayFailures,
                         long requestsThisInterval, double latencyCostNanos) {
    }

    /**
     * Counters since the detector was created.
     *
     * @param backends                     current members
     * @param ejectedNow                   backends ejected now
     * @param consecutive5xxEjections      ejections by the consecutive-5xx rule
     * @param gatewayFailureEjections      ejections by the consecutive-gateway-failure rule
     * @param latencyEjections             ejections by the latency rule
     * @param suppressed                   outliers left in because of max-ejection-percent
     * @param restorations                 ejections that ended
     */
    record OutlierStats(int backends, int ejectedNow, long consecutive5xxEjections, long gatewayFailureEjections,
                        long latencyEjections, long suppressed, long restorations) {

        /** Every ejection, by any rule. */
        public long ejections() {
            return consecutive5xxEjections + gatewayFailureEjections + latencyEjections;
        }
    }
}
