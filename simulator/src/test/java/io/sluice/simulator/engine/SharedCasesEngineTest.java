package io.sluice.simulator.engine;

import static io.sluice.simulator.engine.BackendModelTest.MS;
import static io.sluice.simulator.engine.BackendModelTest.SECOND;
import static io.sluice.simulator.engine.BackendModelTest.constant;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.health.InitialState;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.policy.SharedCases;
import io.sluice.algorithms.policy.Timeouts;
import io.sluice.simulator.metrics.BackendResult;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.standin.FixedArrivals;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SharedCases} through the simulator's engine, in virtual time: each row becomes a small
 * simulation whose counts show what the engine decided. The engine models a request's body by its
 * method (POST, PUT and PATCH carry one) and has no malformed responses, so the rows it cannot
 * express are left out, and a test names them.
 */
class SharedCasesEngineTest {
    /** The retry rows the engine can express: see {@link #expressible}. */
    static Stream<SharedCases.RetryCase> retries() {
        return SharedCases.RETRIES.stream().filter(SharedCasesEngineTest::expressible);
    }

    /**
     * Whether the engine can make a row happen: it has no malformed responses, and a simulated
     * request carries a body exactly when its method is POST, PUT or PATCH.
     */
    static boolean expressible(SharedCases.RetryCase c) {
        return c.failure() != SharedCases.Failure.BAD_RESPONSE && c.body() == engineBody(c.method());
    }

    static Stream<SharedCases.HealthCase> health() {
        return SharedCases.HEALTH.stream();
    }

    static Stream<SharedCases.AffinityCase> affinity() {
        return SharedCases.AFFINITY.stream();
    }

    private static boolean engineBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    // ---- retries ---------------------------------------------------------------------------------

    /**
     * One request, at 1 ms, its every attempt failing the row's way: connect failures at crashed
     * backends; a reset by a crash while the backend holds it (the retries then meet crashed
     * backends, connect failures, which are always retried, so the count is the row's); timeouts at
     * backends slower than the response timeout; a 503 from backends whose one server is busy and
     * whose queue holds nothing. Its attempts are the retries counted plus one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("retries")
    void retryEligibility(SharedCases.RetryCase c) {
        int n = c.backends();
        ClusterPolicy.Builder policy = BackendModelTest.policy(QueueingValidationTest.ROUND_ROBIN)
                .timeouts(new Timeouts(50 * MS, 100 * MS)).retries(c.policy());
        BackendGroup.Builder group;
        FixedArrivals arrivals = FixedArrivals.at(MS);
        List<ScriptedEvent> events = new ArrayList<>();
        switch (c.failure()) {
            case CONNECT_FAILURE -> {
                group = constant("s", n, MS);
                for (int i = 0; i < n; i++) {
                    events.add(ScriptedEvent.crash("s-" + i, 0));
                }
            }
            case RESET -> {
                group = constant("s", n, 500 * MS);
                for (int i = 0; i < n; i++) {
                    events.add(ScriptedEvent.crash("s-" + i, 20 * MS));
                }
                policy.timeouts(new Timeouts(50 * MS, SECOND));
            }
            case TIMEOUT -> group = constant("s", n, SECOND);
            case STATUS_503 -> {
                // One request ahead on each backend (round robin) keeps its only server busy.
                group = constant("s", n, 500 * MS).concurrency(1).queueCapacity(0);
                policy.timeouts(new Timeouts(50 * MS, SECOND));
                long[] times = new long[n + 1];
                times[n] = MS;
                arrivals = FixedArrivals.at(times);
            }
            default -> throw new AssertionError(c.failure());
        }
        SimulationResult r = BackendModelTest.run(BackendModelTest.config(arrivals, group.build())
                .policy(policy.build()).requestMethod(c.method()).events(events));
        assertThat(r.outcomes().retries() + 1).as("attempts").isEqualTo(c.attempts());
        assertThat(r.outcomes().succeeded()).as("the case's request failed").isEqualTo(
                c.failure() == SharedCases.Failure.STATUS_503 ? n : 0);
    }

    /** The rows left out are only those two kinds, so a new row is run here unless it is one of them. */
    @org.junit.jupiter.api.Test
    void theEngineRunsEveryRetryRowButBadResponsesAndBodilessPosts() {
        assertThat(SharedCases.RETRIES.stream().filter(c -> !expressible(c)).map(SharedCases.RetryCase::name))
                .containsExactly("timeout, POST without a body: not retried (not idempotent)",
                        "timeout, POST without a body, idempotent-only false: retried",
                        "bad response, GET: retried (idempotent)",
                        "bad response, POST without a body: not retried");
    }

    // ---- health checks ---------------------------------------------------------------------------

    /**
     * One backend, checked every 100 ms (50 ms timeout), failing by being crashed from the start;
     * a request every millisecond and no retries. Before the backend is up, requests find no backend;
     * while it is up and crashed, they fail. When the state flips is measured against a reference
     * run of the same seed that flips after exactly one check (same first-check offset), a check
     * cycle being the interval plus the failed check's timeout.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("health")
    void healthTransitions(SharedCases.HealthCase c) {
        SimulationResult r = healthRun(c.policy(), c.passing());
        long served = r.outcomes().succeeded() + r.outcomes().errors();
        long unavailable = r.outcomes().unavailable();
        assertThat(served + unavailable).isEqualTo(1000);
        // Passing: down at first means requests found no backend; failing: up at first means they failed.
        boolean upAtStart = c.passing() ? unavailable == 0 : r.outcomes().errors() > 0;
        assertThat(upAtStart).as("up before the first check").isEqualTo(c.upAtStart());

        long flipAt = upAtStart ? (unavailable == 0 ? -1 : served) : (served == 0 ? -1 : unavailable);
        int flip = 0;
        if (flipAt >= 0) {
            HealthCheckPolicy.Builder oneCheck = c.passing()
                    ? HealthCheckPolicy.builder().initialState(InitialState.FULLY_DOWN).rise(1).fall(c.fall())
                    : HealthCheckPolicy.builder().initialState(InitialState.FULLY_UP).rise(c.rise()).fall(1);
            SimulationResult ref = healthRun(oneCheck, c.passing());
            long refAt = c.passing() ? ref.outcomes().unavailable() : ref.outcomes().succeeded() + ref.outcomes().errors();
            long cycleMs = c.passing() ? 100 : 150;
            flip = 1 + (int) Math.round((flipAt - refAt) / (double) cycleMs);
        }
        assertThat(flip).as("checks until the state flips (0: never)").isEqualTo(c.checksToFlip());
    }

    private static SimulationResult healthRun(HealthCheckPolicy.Builder checks, boolean passing) {
        SimulationConfig.Builder b = BackendModelTest.config(FixedArrivals.every(0, MS, 1000),
                        constant("s", 1, MS).concurrency(1000).build())
                .policy(BackendModelTest.policy(QueueingValidationTest.ROUND_ROBIN)
                        .timeouts(new Timeouts(10 * MS, SECOND)).retries(RetryPolicy.none())
                        .healthCheck(checks.interval(100 * MS).timeout(50 * MS).build()).build());
        if (!passing) {
            b.event(ScriptedEvent.crash("s-0", 0));
        }
        return BackendModelTest.run(b);
    }

    // ---- session affinity through churn ----------------------------------------------------------

    /**
     * Device {@code device-1} sends a request every 10 ms for 600 ms: 20 a phase. Its first backend
     * crashes at 195 ms and recovers at 395 ms; checks every millisecond (rise 1, fall 1) mark it
     * down and up before the next phase starts. The engine's affinity counts give the moves, the
     * backends' request counts where the phases went.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("affinity")
    void affinityThroughChurn(SharedCases.AffinityCase c) {
        String home = null;
        SimulationResult probe = affinityRun(c, null);
        for (BackendResult b : probe.backends()) {
            if (b.requests() == 1) {
                home = b.id();
            }
        }
        assertThat(home).as("the first request's backend").isNotNull();
        SimulationResult r = affinityRun(c, home);
        long moves = r.affinity().requestsWithPrevious() - r.affinity().hits();
        long homeRequests = 0;
        long maxOther = 0;
        for (BackendResult b : r.backends()) {
            if (b.id().equals(home)) {
                homeRequests = b.requests();
            } else {
                maxOther = Math.max(maxOther, b.requests());
            }
        }
        int phase = SharedCases.PHASE_REQUESTS;
        switch (c.expected()) {
            case STAYS_MOVED -> {
                assertThat(moves).as("moves").isEqualTo(1);
                assertThat(homeRequests).as("requests on the first backend").isEqualTo(phase);
                assertThat(maxOther).as("requests on the new one").isEqualTo(2L * phase);
            }
            case GOES_HOME -> {
                assertThat(moves).as("moves").isEqualTo(2);
                assertThat(homeRequests).as("requests on the first backend").isEqualTo(2L * phase);
                assertThat(maxOther).as("requests on the other").isEqualTo(phase);
            }
            case SPREAD -> assertThat(moves).as("moves").isGreaterThan(2);
            default -> throw new AssertionError(c.expected());
        }
    }

    /** With {@code home} null: one request only, to find its backend. */
    private static SimulationResult affinityRun(SharedCases.AffinityCase c, String home) {
        int phase = SharedCases.PHASE_REQUESTS;
        FixedArrivals arrivals = (home == null ? FixedArrivals.at(0) : FixedArrivals.every(0, 10 * MS, 3 * phase))
                .fromDevices("device-1");
        SimulationConfig.Builder b = BackendModelTest.config(arrivals, constant("s", 3, MS).build())
                .policy(BackendModelTest.policy(c.strategy()).affinity(c.policy())
                        .healthCheck(HealthCheckPolicy.builder().rise(1).fall(1).interval(MS).timeout(MS).build())
                        .build());
        if (home != null) {
            b.event(ScriptedEvent.crash(home, 195 * MS)).event(ScriptedEvent.recover(home, 395 * MS));
        }
        return BackendModelTest.run(b);
    }
}
