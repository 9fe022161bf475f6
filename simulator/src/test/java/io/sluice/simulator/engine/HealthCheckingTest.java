package io.sluice.simulator.engine;

import static io.sluice.simulator.engine.BackendModelTest.MS;
import static io.sluice.simulator.engine.BackendModelTest.SECOND;
import static io.sluice.simulator.engine.BackendModelTest.constant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.algorithms.health.InitialState;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.standin.FixedArrivals;
import org.junit.jupiter.api.Test;

/**
 * Active health checks through the algorithms module's rise/fall state machine, and passive
 * outlier detection, in virtual time.
 *
 * <p>The scene of most tests: two backends, round robin, one request every millisecond (so 500/s
 * to each), 10 us of service, no network delay, a 5 ms connect timeout and no retries (so every
 * request sent to the crashed backend is one error). {@code s-0} crashes at 1 s and recovers at 2 s;
 * the run lasts 3 s. Checks: inter = fastinter = 100 ms, downinter 200 ms, 50 ms timeout, starting
 * fully up.
 *
 * <p>Timeline. Up, a check goes out 100 ms after the previous result, so the first check sent
 * after the crash leaves at some {@code t1} in [1 s, 1.1 s). Each failed check takes its 50 ms
 * timeout and the next leaves 100 ms (fastinter) later, so {@code fall} failures in a row end at
 * {@code D = t1 + 150 fall - 100}: until then round robin keeps sending s-0 every other request,
 * and each of those fails at the connect timeout. Down, s-0 is checked every 50 + 200 ms; the first
 * check after the recovery leaves at some {@code t2} in [2 s, 2.25 s) and passes, and the next
 * {@code rise - 1} checks follow at 100 ms (fastinter), so s-0 is back at {@code t2 + 100 (rise - 1)}.
 *
 * <p>{@code t1} and {@code t2} depend on the seed's random first-check offset, but not on rise or
 * fall: before the crash every check passes and the counter stays full, and while down it stays at
 * 0. So two runs that differ only in fall (or rise) differ by exactly the extra time computed
 * above, which the tests check to within a request or two (round robin's random start at each
 * picker rebuild, here each health change, can shift one request).
 */
class HealthCheckingTest {
    private static final long CRASH = SECOND;
    private static final long RECOVER = 2 * SECOND;

    private static HealthCheckPolicy.Builder checks(int rise, int fall) {
        return HealthCheckPolicy.builder().rise(rise).fall(fall).interval(100 * MS).fastinter(100 * MS)
                .downinter(200 * MS).timeout(50 * MS).initialState(InitialState.FULLY_UP);
    }

    private static SimulationResult crashAndRecover(HealthCheckPolicy checks) {
        return Simulation.of(SimulationConfig.builder()
                .backends(constant("s", 2, 10_000).build())
                .policy(BackendModelTest.policy("round-robin").timeouts(BackendModelTest.connect(5 * MS))
                        .retries(RetryPolicy.none()).healthCheck(checks).build())
                .workload(FixedArrivals.every(0, MS, 3000))
                .event(ScriptedEvent.crash("s-0", CRASH))
                .event(ScriptedEvent.recover("s-0", RECOVER))
                .durationNanos(3 * SECOND)
                .seed(3)
                .build()).run();
    }

    @Test
    void aCrashedBackendKeepsReceivingRequestsUntilFallChecksFail() {
        SimulationResult fall1 = crashAndRecover(checks(2, 1).build());
        SimulationResult fall3 = crashAndRecover(checks(2, 3).build());
        // Fall 1: D - crash = t1 + 50 ms - 1 s in [50, 150) ms, at 500/s: 25 to 75 failed requests.
        assertThat(fall1.outcomes().errors()).isBetween(24L, 76L);
        // Fall 3 detects 2 x (50 + 100) = 300 ms later: 150 more requests went to the dead backend.
        assertThat(fall3.outcomes().errors() - fall1.outcomes().errors()).isBetween(148L, 152L);
        for (SimulationResult r : new SimulationResult[] {fall1, fall3}) {
            assertThat(r.outcomes().unavailable()).isZero();
            assertThat(r.outcomes().succeeded() + r.outcomes().errors()).isEqualTo(3000);
        }
    }

    @Test
    void aRecoveredBackendReturnsAfterRisePassedChecks() {
        SimulationResult rise1 = crashAndRecover(checks(1, 2).build());
        SimulationResult rise3 = crashAndRecover(checks(3, 2).build());
        long s0Rise1 = rise1.backends().get(0).requests();
        long s0Rise3 = rise3.backends().get(0).requests();
        // Rise 3 returns 2 x 100 ms later than rise 1: 100 fewer requests for s-0 (the crash side is
        // the same, fall 2).
        assertThat(rise1.outcomes().errors()).isEqualTo(rise3.outcomes().errors());
        assertThat(s0Rise1 - s0Rise3).isBetween(98L, 102L);
        // Rise 1: s-0 is back within 250 ms of the recovery, so it serves at least 375 of the last
        // second's 500 requests; and nothing after the recovery fails.
        assertThat(rise1.backends().get(0).completed()).isGreaterThan(500 + 370);
        assertThat(rise1.outcomes().succeeded() + rise1.outcomes().errors()).isEqualTo(3000);
    }

    @Test
    void anInitialStateOfFullyDownWaitsForRisePasses() {
        // Both backends start fully down: the first check of each leaves within 200 ms (downinter),
        // the second 100 ms after it, so each is up by 300 ms. Until one is, requests find no backend.
        SimulationResult r = Simulation.of(SimulationConfig.builder()
                .backends(constant("s", 2, 10_000).build())
                .policy(BackendModelTest.policy("round-robin")
                        .healthCheck(checks(2, 2).initialState(InitialState.FULLY_DOWN).build()).build())
                .workload(FixedArrivals.every(0, MS, 1000))
                .durationNanos(SECOND)
                .seed(3)
                .build()).run();
        assertThat(r.outcomes().unavailable()).isBetween(100L, 300L);
        assertThat(r.outcomes().succeeded() + r.outcomes().unavailable()).isEqualTo(1000);
    }

    @Test
    void outlierDetectionEjectsACrashedBackendAfterConsecutiveFailures() {
        // No active checks; Envoy's consecutive-5xx rule at 5. Four backends, a request every ms, so
        // s-0 gets one every 4 ms, and each fails at the 5 ms connect timeout: the fifth failure
        // ejects it, by which time at most two more are in flight. Without detection all 250
        // requests s-0 gets in its crashed second fail.
        OutlierConfig outliers = OutlierConfig.builder().consecutive5xx(5).maxEjectionPercent(50)
                .interval(100 * MS).baseEjectionTime(10 * SECOND).build();
        SimulationResult with = Simulation.of(fourBackends(outliers)).run();
        SimulationResult without = Simulation.of(fourBackends(null)).run();
        assertThat(with.outcomes().errors()).isBetween(5L, 7L);
        assertThat(without.outcomes().errors()).isBetween(248L, 252L);
        assertThat(with.outcomes().succeeded() + with.outcomes().errors()).isEqualTo(3000);
    }

    @Test
    void anEjectionEndsAtTheFirstSweepAfterItsTime() {
        // Ejected within ~25 ms of the 1 s crash for 500 ms; swept every 100 ms, so restored by
        // about 1.6 s. The backend recovered at 1.2 s, so from then on it serves its quarter again:
        // about 1.4 s x 250/s = 350 more requests than if it had stayed out.
        OutlierConfig outliers = OutlierConfig.builder().consecutive5xx(5).maxEjectionPercent(50)
                .interval(100 * MS).baseEjectionTime(500 * MS).build();
        SimulationResult r = Simulation.of(fourBackends(outliers).toBuilder()
                .events(java.util.List.of(ScriptedEvent.crash("s-0", CRASH), ScriptedEvent.recover("s-0",
                        1200 * MS)))
                .build()).run();
        long s0 = r.backends().get(0).completed();
        // 250 before the crash + (3 - 1.5..1.65) s x 250/s after the restore.
        assertThat((double) s0).isCloseTo(250 + 1.4 * 250, within(30.0));
        assertThat(r.outcomes().errors()).isBetween(5L, 7L);
    }

    private static SimulationConfig fourBackends(OutlierConfig outliers) {
        return SimulationConfig.builder()
                .backends(constant("s", 4, 10_000).build())
                .policy(BackendModelTest.policy("round-robin").timeouts(BackendModelTest.connect(5 * MS))
                        .retries(RetryPolicy.none()).outlierDetection(outliers).build())
                .workload(FixedArrivals.every(0, MS, 3000))
                .event(ScriptedEvent.crash("s-0", CRASH))
                .event(ScriptedEvent.recover("s-0", RECOVER))
                .durationNanos(3 * SECOND)
                .seed(3)
                .build();
    }
}
