package io.sluice.simulator.model;

import io.sluice.algorithms.HealthState;

/**
 * Turns a backend's stream of active health check results into a health state: the seam where the
 * HAProxy-style rise/fall state machine of {@code io.sluice.algorithms.health} plugs in. The
 * simulator only schedules the checks (see {@link HealthCheckModel}) and applies the verdicts to
 * each load balancer's view with {@code LoadBalancer.setHealth}.
 *
 * <p>TODO(health-merge): once {@code io.sluice.algorithms.health} is merged, add a factory here
 * that adapts its rise/fall state machine (one tracker per load balancer instance and backend,
 * fed {@code passed} and the virtual time), make it the default of {@link HealthCheckModel}, and
 * delete {@link #placeholderConsecutiveFailures(int)}.
 */
@FunctionalInterface
public interface HealthCheckPolicy {
    /** The health of one backend as one load balancer instance sees it, fed every check result in order. */
    interface Tracker {
        /**
         * @param passed   whether the check was answered in time
         * @param nowNanos when the result arrived, virtual time
         * @return the health after this result
         */
        HealthState onCheck(boolean passed, long nowNanos);
    }

    /** A fresh tracker for one (load balancer, backend) pair; backends start healthy. */
    Tracker newTracker(long nowNanos);

    /**
     * PLACEHOLDER, only to test the check scheduling until the real state machine is merged
     * (TODO(health-merge)): down after {@code fall} consecutive failed checks, up again on the first
     * passed one. No rise count, no hysteresis: do not rely on it for conclusions.
     */
    static HealthCheckPolicy placeholderConsecutiveFailures(int fall) {
        if (fall < 1) {
            throw new IllegalArgumentException("fall must be >= 1, got " + fall);
        }
        return now -> new ConsecutiveFailures(fall);
    }
}
