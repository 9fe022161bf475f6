package io.sluice.simulator.model;

import io.sluice.algorithms.HealthState;

/**
 * PLACEHOLDER tracker of {@link HealthCheckPolicy#placeholderConsecutiveFailures(int)}, to be
 * replaced by the algorithms module's rise/fall state machine (TODO(health-merge)).
 */
final class ConsecutiveFailures implements HealthCheckPolicy.Tracker {
    private final int fall;
    private int failures;

    ConsecutiveFailures(int fall) {
        this.fall = fall;
    }

    @Override
    public HealthState onCheck(boolean passed, long nowNanos) {
        failures = passed ? 0 : failures + 1;
        return failures >= fall ? HealthState.UNHEALTHY : HealthState.HEALTHY;
    }
}
