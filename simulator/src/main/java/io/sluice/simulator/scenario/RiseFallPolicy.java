package io.sluice.simulator.scenario;

import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.CheckResult;
import io.sluice.algorithms.health.HealthCheckConfig;
import io.sluice.algorithms.health.InitialState;
import io.sluice.simulator.model.HealthCheckPolicy;

/**
 * The health-check verdicts of a scenario: HAProxy's rise/fall counter from
 * {@code io.sluice.algorithms.health}, the one the proxy runs, fed the simulated check results.
 * Backends start fully up, so a crash is noticed after {@code fall} failed checks from the first
 * one, and a recovered backend comes back after {@code rise} passed checks in a row.
 *
 * <p>Kept beside the scenario reader until the simulator's model offers this adapter itself
 * (TODO(health-merge) in {@link HealthCheckPolicy}); then scenarios should use that one.
 */
final class RiseFallPolicy {
    private RiseFallPolicy() {
    }

    static HealthCheckPolicy of(int rise, int fall, long intervalNanos) {
        HealthCheckConfig config = HealthCheckConfig.builder().rise(rise).fall(fall)
                .inter(Math.max(HealthCheckConfig.MIN_INTERVAL_NANOS, intervalNanos))
                .initialState(InitialState.FULLY_UP).build();
        return now -> {
            ActiveHealthCheck check = ActiveHealthCheck.create(config, now);
            return (passed, at) -> check.onResult(passed ? CheckResult.PASS : CheckResult.FAIL, at).healthState();
        };
    }
}
