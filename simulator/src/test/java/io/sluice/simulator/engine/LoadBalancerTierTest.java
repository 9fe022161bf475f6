package io.sluice.simulator.engine;

import static io.sluice.simulator.engine.BackendModelTest.MS;
import static io.sluice.simulator.engine.BackendModelTest.SECOND;
import static io.sluice.simulator.engine.BackendModelTest.config;
import static io.sluice.simulator.engine.BackendModelTest.constant;
import static io.sluice.simulator.engine.BackendModelTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.algorithms.policy.PickerRefresh;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.policy.Timeouts;
import io.sluice.simulator.metrics.IntervalSample;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.standin.FixedArrivals;
import io.sluice.simulator.standin.PoissonWorkload;
import io.sluice.simulator.standin.StandInProviders;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load-balancer tier running a cluster policy: connect failures, timeouts, retries (which
 * failures, how many, where to) and their budget, health checks in a fleet (their rise/fall timing
 * is {@link HealthCheckingTest}'s), session persistence and affinity accounting, stale utilisation
 * reports, probes in virtual time, several instances, the picker-refresh rule.
 */
class LoadBalancerTierTest {
    /**
     * Rise 2, fall 2, every 100 ms (inter = fastinter = downinter), 50 ms timeout, HAProxy's
     * initial state (up, but one failed check brings it down until the first pass fills the counter).
     */
    static final HealthCheckPolicy CHECKS = HealthCheckPolicy.builder().rise(2).fall(2).interval(100 * MS)
            .timeout(50 * MS).build();

    /** Header persistence on the device id, the key given to hashing strategies only (Envoy's hash_policy). */
    static final AffinityPolicy DEVICE_KEY = AffinityPolicy.builder().mode(AffinityPolicy.Mode.HEADER)
            .name("x-device-id").stickTable(false).build();

    private static ClusterPolicy.Builder policy(String strategy) {
        return BackendModelTest.policy(strategy);
    }

    @Test
    void requestsToACrashedBackendFailAfterTheConnectTimeoutUntilDetected() {
        // Round robin over 2 backends, one crashed from t = 0, no health checks, no retries: every
        // other request fails, each after the 50 ms connect timeout.
        SimulationResult r = run(config(FixedArrivals.every(0, 10 * MS, 100), constant("s", 2, MS).build())
                .policy(BackendModelTest.noRetries(50 * MS))
                .event(ScriptedEvent.crash("s-1", 0)));
        assertThat(r.outcomes().requests()).isEqualTo(100);
        assertThat(r.outcomes().errors()).isEqualTo(50);
        assertThat(r.outcomes().errorRate()).isEqualTo(0.5);
        assertThat(r.backends().get(1).requests()).isEqualTo(50);
        assertThat(r.backends().get(1).completed()).isZero();
    }

    @Test
    void connectFailuresAreRetriedOnAnotherBackend() {
        // Same, with the default retries: each attempt on the crashed s-1 fails at the connect timeout
        // and is retried on s-0 (never on s-1 again) where it succeeds after 50 ms + 1 ms. Retry picks
        // advance the round-robin cursor too, so not exactly every other first attempt lands on s-1;
        // every one that does is retried once. A connect failure's retry takes no place in the budget.
        SimulationResult r = run(config(FixedArrivals.every(0, 10 * MS, 100), constant("s", 2, MS).build())
                .policy(policy(QueueingValidationTest.ROUND_ROBIN).timeouts(BackendModelTest.connect(50 * MS))
                        .retries(RetryPolicy.builder().budgetPercent(0).minRetryConcurrency(0).build()).build())
                .event(ScriptedEvent.crash("s-1", 0)));
        assertThat(r.outcomes().succeeded()).isEqualTo(100);
        assertThat(r.outcomes().errors()).isZero();
        assertThat(r.backends().get(1).requests()).isBetween(30L, 70L);
        assertThat(r.outcomes().retries()).isEqualTo(r.backends().get(1).requests());
        assertThat(r.backends().get(0).requests()).isEqualTo(100);
        assertThat(r.latency().maxNanos()).isEqualTo(BackendModelTest.hdr(51 * MS));
    }

    @Test
    void resetsAreRetriedWhenNoBodyWasSentAndWithinTheBudget() {
        // A request every 2 ms until 998 ms, round robin over s-0 (1 ms) and hold-0, which keeps each
        // request 100 ms (with servers enough for all) and crashes at 999 ms with the last 100 ms of its
        // share in hand, 25 requests: each is reset. A GET (no body) reset is retried on s-0 as the
        // budget allows: all of them at 100%; at the default 20% of the 25 or 26 under way,
        // max(3, floor(26 x 0.2)) = 5 at once, and the resets all arrive in the same instant. A POST
        // whose body hold-0 received is not retried; with a budget of nothing (0%, none always
        // allowed) no reset is.
        long heldAtCrash = run(resets("GET", RetryPolicy.builder().budgetPercent(100).build())).outcomes().retries();
        assertThat(heldAtCrash).as("the requests hold-0 held when it crashed").isBetween(24L, 26L);
        assertThat(run(resets("GET", RetryPolicy.defaults())).outcomes().retries()).isEqualTo(5);
        SimulationResult post = run(resets("POST", RetryPolicy.defaults()));
        assertThat(post.outcomes().retries()).isZero();
        assertThat(post.outcomes().errors()).isEqualTo(heldAtCrash);
        SimulationResult spent = run(resets("GET", RetryPolicy.builder().budgetPercent(0).minRetryConcurrency(0)
                .build()));
        assertThat(spent.outcomes().retries()).isZero();
        assertThat(spent.outcomes().errors()).isEqualTo(heldAtCrash);
    }

    private static SimulationConfig.Builder resets(String method, RetryPolicy retries) {
        return config(FixedArrivals.every(0, 2 * MS, 500), constant("s", 1, MS).build(),
                constant("hold", 1, 100 * MS).concurrency(1000).build())
                .policy(policy(QueueingValidationTest.ROUND_ROBIN).retries(retries).build())
                .requestMethod(method)
                .event(ScriptedEvent.crash("hold-0", 999 * MS));
    }

    @Test
    void attemptsSlowerThanTheTimeoutTimeOut() {
        // 10 ms service, 5 ms timeout, one request every 20 ms: each times out, none errs, and a
        // POST's timeout is not retried.
        SimulationResult r = run(config(FixedArrivals.every(0, 20 * MS, 10), constant("s", 1, 10 * MS).build())
                .policy(policy(QueueingValidationTest.ROUND_ROBIN).timeouts(new Timeouts(MS, 5 * MS)).build()));
        assertThat(r.outcomes().timeouts()).isEqualTo(10);
        assertThat(r.outcomes().timeoutRate()).isEqualTo(1.0);
        assertThat(r.outcomes().succeeded()).isZero();
        assertThat(r.outcomes().retries()).isZero();
        // The backend still did the work: busy 10 x 10 ms of 1 s.
        assertThat(r.backends().get(0).utilisation()).isCloseTo(0.1, offset(1e-9));
    }

    @Test
    void timedOutAttemptsAreRetriedForIdempotentRequestsOrWhenAsked() {
        // Round robin over [slow (100 ms), fast (1 ms)], a request every 200 ms. A first attempt on
        // slow times out at 5 ms and the retry takes the next position, fast: 5 + 1 = 6 ms; the
        // retry advanced the cursor, so the next request starts on slow again. A first attempt on
        // fast takes 1 ms and leaves the cursor on slow. So whatever the random start, at most the
        // first request lands on fast and every other one is retried: 3 or 4 retries, and the mean
        // is (6 retries + 1 (4 - retries)) / 4 ms. So for a GET, and with idempotent-only false for a
        // method that is not idempotent but has no body (a POST with a body never: its body was sent).
        for (SimulationConfig.Builder b : List.of(slowFast(RetryPolicy.defaults()).requestMethod("GET"),
                slowFast(RetryPolicy.builder().idempotentOnly(false).build()).requestMethod("PURGE"))) {
            SimulationResult r = run(b);
            assertThat(r.outcomes().succeeded()).isEqualTo(4);
            assertThat(r.outcomes().timeouts()).isZero();
            long retried = r.outcomes().retries();
            assertThat(retried).isBetween(3L, 4L);
            assertThat(r.latency().meanNanos()).isEqualTo((6.0 * retried + (4 - retried)) / 4 * MS);
        }
        // A POST's timeouts are not retried, even with idempotent-only false: the requests alternate,
        // and the two sent to slow time out.
        for (RetryPolicy p : List.of(RetryPolicy.defaults(), RetryPolicy.builder().idempotentOnly(false).build())) {
            SimulationResult noRetry = run(slowFast(p));
            assertThat(noRetry.outcomes().timeouts()).isEqualTo(2);
            assertThat(noRetry.outcomes().succeeded()).isEqualTo(2);
        }
    }

    private static SimulationConfig.Builder slowFast(RetryPolicy retries) {
        return config(FixedArrivals.every(0, 200 * MS, 4), constant("slow", 1, 100 * MS).build(),
                constant("fast", 1, MS).build())
                .policy(policy(QueueingValidationTest.ROUND_ROBIN).timeouts(new Timeouts(MS, 5 * MS)).retries(retries)
                        .build());
    }

    @Test
    void aRetryNeverGoesBackToTheBackendThatFailedItEvenUnderAHash() {
        // Rendezvous with the device key over 2 backends, s-1 crashed: a device placed on s-1 fails
        // there and its retry goes to s-0 although the hash keeps answering s-1.
        SimulationResult r = run(SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 2).serviceTime(Distribution.constant(MS)).build())
                .policy(policy("rendezvous").affinity(DEVICE_KEY).timeouts(BackendModelTest.connect(5 * MS)).build())
                .workload(PoissonWorkload.withDevices(200, 50))
                .event(ScriptedEvent.crash("s-1", 0))
                .durationNanos(2 * SECOND));
        assertThat(r.outcomes().retries()).isPositive();
        assertThat(r.outcomes().errors()).isZero();
        assertThat(r.outcomes().succeeded()).isEqualTo(r.outcomes().requests());
    }

    @Test
    void healthChecksTakeACrashedBackendOutAndPutItBack() {
        // 4 backends, random routing, 1000/s; s-0 crashes at 1 s and recovers at 3 s. A check goes
        // out 100 ms after the previous result and times out after 50 ms; fall 2: the first check
        // sent after the crash (within 100 ms) times out 50 ms later, the next 150 ms after that,
        // so s-0 is down 200 to 300 ms after the crash: 250/s x 0.2..0.3 s = 50..75 errors.
        // Down, it is checked every 150 ms; rise 2: the first pass after the recovery (within
        // 150 ms) and another 100 ms later bring it back by 3.25 s.
        SimulationResult r = run(SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 4).serviceTime(Distribution.exponential(MS)).build())
                .policy(policy(QueueingValidationTest.RANDOM).timeouts(BackendModelTest.connect(20 * MS))
                        .retries(RetryPolicy.none()).healthCheck(CHECKS).build())
                .workload(PoissonWorkload.of(1000))
                .event(ScriptedEvent.crash("s-0", SECOND))
                .event(ScriptedEvent.recover("s-0", 3 * SECOND))
                .durationNanos(5 * SECOND)
                .intervalNanos(250 * MS)
                .seed(11));
        assertThat(r.outcomes().errors()).isBetween(10L, 90L);
        for (IntervalSample s : r.intervals()) {
            if (s.startNanos() >= 1500 * MS) {
                assertThat(s.failed()).as("failures in %s", s).isZero();
            }
            if (s.startNanos() >= 1500 * MS && s.endNanos() <= 3 * SECOND) {
                assertThat(s.utilisation()[0]).as("crashed s-0 idle in %s", s).isZero();
            }
            if (s.startNanos() >= 3250 * MS) {
                assertThat(s.utilisation()[0]).as("recovered s-0 busy again in %s", s).isGreaterThan(0.1);
            }
        }
    }

    @Test
    void aSlowBackendFailsItsChecksByTimeout() {
        // Checks cost 1 ms of work; slowed down 100x a check takes 100 ms > the 50 ms timeout, so s-0
        // goes down during its slowdown (2 s .. 8 s) and round robin sends it (almost) nothing.
        SimulationResult r = run(config(FixedArrivals.every(0, MS, 10_000),
                constant("s", 2, 100_000).healthCheckWorkNanos(MS).build())
                .policy(policy(QueueingValidationTest.ROUND_ROBIN).healthCheck(CHECKS).build())
                .event(ScriptedEvent.slowdown("s-0", 100, 2 * SECOND, 8 * SECOND))
                .durationNanos(10 * SECOND));
        // Without checks s-0 would get 5000; with them it gets about 1000 (before the slowdown) +
        // ~125 (detection) + 1000 (after), well under 3000.
        assertThat(r.backends().get(0).requests()).isBetween(1500L, 3000L);
        assertThat(r.outcomes().succeeded()).isEqualTo(10_000);
    }

    @Test
    void withEveryBackendDownRequestsAreUnavailable() {
        SimulationResult r = run(config(FixedArrivals.every(0, 10 * MS, 100), constant("s", 1, MS).build())
                .policy(policy(QueueingValidationTest.ROUND_ROBIN).timeouts(BackendModelTest.connect(5 * MS))
                        .healthCheck(CHECKS).build())
                .event(ScriptedEvent.crash("s-0", 0)));
        // HAProxy's initial state: the first check (within 100 ms) times out 50 ms later and one
        // failure is enough, so at most 15 requests fail as errors; the rest find no backend.
        assertThat(r.outcomes().unavailable()).isGreaterThan(60);
        assertThat(r.outcomes().errors() + r.outcomes().unavailable()).isEqualTo(100);
        assertThat(r.outcomes().unavailableRate()).isGreaterThan(0.6);
    }

    /**
     * client-cert affinity, which the proxy keys on the TLS client certificate, is in the simulator
     * the device id, as header affinity is: the same seed gives the same run, request for request.
     */
    @Test
    void clientCertAffinityRunsAsTheDeviceKeyLikeHeaderAffinity() {
        AffinityPolicy cert = AffinityPolicy.builder().mode(AffinityPolicy.Mode.CLIENT_CERT)
                .identity(AffinityPolicy.Identity.SUBJECT).stickTable(false).build();
        SimulationResult[] runs = new SimulationResult[2];
        for (int i = 0; i < 2; i++) {
            runs[i] = run(SimulationConfig.builder()
                    .backends(BackendGroup.builder("s", 4).serviceTime(Distribution.exponential(MS)).build())
                    .policy(policy("rendezvous").affinity(i == 0 ? DEVICE_KEY : cert).build())
                    .workload(PoissonWorkload.withDevices(1000, 100))
                    .durationNanos(2 * SECOND)
                    .warmUpNanos(SECOND / 2));
        }
        assertThat(runs[1].affinity().devices()).isEqualTo(100);
        assertThat(runs[1].affinity().hitRate()).isEqualTo(1.0);
        for (int b = 0; b < 4; b++) {
            assertThat(runs[1].backends().get(b).requests()).isEqualTo(runs[0].backends().get(b).requests());
        }
    }

    @Test
    void aHashingStrategyKeepsEveryDeviceOnItsBackend() {
        SimulationResult r = run(SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 4).serviceTime(Distribution.exponential(MS)).build())
                .policy(policy("rendezvous").affinity(DEVICE_KEY).build())
                .workload(PoissonWorkload.withDevices(1000, 100))
                .durationNanos(2 * SECOND)
                .warmUpNanos(SECOND / 2));
        assertThat(r.affinity().devices()).isEqualTo(100);
        assertThat(r.affinity().hitRate()).isEqualTo(1.0);
        assertThat(r.affinity().devicesMoved()).isZero();
    }

    @Test
    void randomRoutingLandsOnTheSameBackendOneTimeInN() {
        // P(same backend as the previous request) = 1/4 for uniform random routing over 4. About
        // 1500 requests with a previous one: standard error sqrt(0.25 * 0.75 / 1500) = 0.011; tolerance 0.04.
        SimulationResult r = run(SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 4).serviceTime(Distribution.exponential(MS)).build())
                .strategy(StrategySpec.of(QueueingValidationTest.RANDOM))
                .workload(PoissonWorkload.withDevices(1000, 100))
                .durationNanos(2 * SECOND)
                .warmUpNanos(SECOND / 2));
        assertThat(r.affinity().requestsWithPrevious()).isGreaterThan(1400);
        assertThat(r.affinity().hitRate()).isCloseTo(0.25, offset(0.04));
        assertThat(r.affinity().devicesMoved()).isEqualTo(100);
        assertThat(r.affinity().devicesMovedByFailure()).isZero();
    }

    @Test
    void sessionsMovedByFailureAreTheDevicesOfTheFailedBackend() {
        // Rendezvous hashing over s-0..s-3; s-0 crashes at 1 s and is marked down within 300 ms.
        // Rendezvous moves only the keys of the backend that left, so the devices that moved are
        // exactly those rendezvous placed on s-0 (every device sends several requests a second),
        // and every one of them moved because of the failure. The expected set comes from the
        // same strategy, asked directly.
        int devices = 100;
        Picker placement = StrategyRegistry.standard().create(StrategySpec.of("rendezvous"),
                Environment.virtual(() -> 0L, 0L)).newPicker(fourHealthyBackends());
        long expected = 0;
        for (int i = 0; i < devices; i++) {
            String id = "dev-" + i;
            if (placement.pick(RequestContext.ofHash(id, Hashing.hash64(id))).id().equals("s-0")) {
                expected++;
            }
        }
        SimulationResult r = run(SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 4).serviceTime(Distribution.exponential(MS)).build())
                .policy(policy("rendezvous").affinity(DEVICE_KEY).timeouts(BackendModelTest.connect(20 * MS))
                        .healthCheck(CHECKS).build())
                .workload(PoissonWorkload.withDevices(1000, devices))
                .event(ScriptedEvent.crash("s-0", SECOND))
                .durationNanos(3 * SECOND)
                .warmUpNanos(SECOND / 2));
        assertThat(expected).isBetween(10L, 40L);
        assertThat(r.affinity().devicesMovedByFailure()).isEqualTo(expected);
        assertThat(r.affinity().devicesMoved()).isEqualTo(expected);
        assertThat(r.affinity().hitRate()).isLessThan(1.0);
    }

    private static EndpointSet fourHealthyBackends() {
        Environment env = Environment.virtual(() -> 0L, 0L);
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            list.add(Endpoint.healthy(Backend.of("s-" + i, "s-" + i + ":80"), env));
        }
        return EndpointSet.of(list);
    }

    @Test
    void staleUtilisationReportsMakeAUtilisationStrategyHerd() {
        // p2c-utilisation over 10 backends at 50% load: two distinct candidates, the lower reported
        // utilisation wins (reports count as fresh for 5 s). Reported every 1 ms the view follows
        // the load. Reported every 500 ms the ranking is frozen for half a second: the backend
        // reported least busy wins every pick it is drawn for, 2/10 of them, so it runs at
        // rho = 0.2 x 5000/s x 1 ms = 1.0, the next at 0.89, 0.78... until the next report reshuffles
        // the herd. The run-long request shares stay even (the herd moves), but latency grows with
        // staleness: measured 1.5 ms fresh, 3.9 ms at 100 ms, 5.0 ms at 500 ms.
        SimulationResult fresh = run(herdConfig(MS));
        SimulationResult stale = run(herdConfig(100 * MS));
        SimulationResult staler = run(herdConfig(500 * MS));
        assertThat(stale.latency().meanNanos()).isGreaterThan(2 * fresh.latency().meanNanos());
        assertThat(staler.latency().meanNanos()).isGreaterThan(stale.latency().meanNanos());
        assertThat(staler.latency().p99Nanos()).isGreaterThan(3 * fresh.latency().p99Nanos());
    }

    private static SimulationConfig.Builder herdConfig(long reportEvery) {
        return SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 10).serviceTime(Distribution.exponential(MS)).build())
                .strategy(StrategySpec.of("p2c-utilisation"))
                .workload(PoissonWorkload.of(5000))
                .loadBalancer(LoadBalancerModel.builder().utilisationReportIntervalNanos(reportEvery).build())
                .durationNanos(5 * SECOND)
                .warmUpNanos(SECOND);
    }

    @Test
    void probesAreAnsweredInVirtualTime() {
        // The probing stand-in probes once per pick; with a 1 ms one-way delay every answer is
        // still out when the next few picks are made, but all are answered and routing works.
        SimulationResult r = run(SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 4).serviceTime(Distribution.exponential(MS)).build())
                .strategy(StrategySpec.of("test-probing"))
                .workload(PoissonWorkload.of(2000))
                .loadBalancer(LoadBalancerModel.builder().networkDelay(Distribution.constant(MS)).build())
                .durationNanos(2 * SECOND));
        assertThat(r.probes()).isEqualTo(r.outcomes().requests());
        assertThat(r.outcomes().succeeded()).isEqualTo(r.outcomes().requests());
        // Latency includes the two 1 ms hops.
        assertThat(r.latency().meanNanos()).isGreaterThan(3 * MS);
    }

    @Test
    void eachInstanceBalancesOnItsOwnPartialView() {
        // Power of two choices on each instance's own in-flight counts. With one instance the counts
        // are the truth; with 20 instances each sees 1/20 of the load and its picks approach random
        // routing (10 ms at rho 0.9), so the mean latency rises clearly.
        SimulationResult one = run(instancesConfig(1));
        SimulationResult twenty = run(instancesConfig(20));
        assertThat(twenty.latency().meanNanos()).isGreaterThan(1.3 * one.latency().meanNanos());
        assertThat(twenty.outcomes().succeeded()).isEqualTo(twenty.outcomes().requests());
    }

    private static SimulationConfig.Builder instancesConfig(int instances) {
        return SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 10).serviceTime(Distribution.exponential(MS)).build())
                .strategy(StrategySpec.of(QueueingValidationTest.POWER_OF_D))
                .workload(PoissonWorkload.of(9000))
                .loadBalancer(LoadBalancerModel.builder().instances(instances).build())
                .durationNanos(20 * SECOND)
                .warmUpNanos(2 * SECOND)
                .seed(5);
    }

    @Test
    void onlyAStrategyThatChangesWithTimeIsRebuiltOnTheRefreshTimer() {
        // Round robin inside the test-ticking wrapper (which says it changes with time and counts its
        // pickers), refreshed every 100 ms over 1 s: rebuilds at 100, 200, ... 900 ms (9) after the
        // initial build, per instance; with 2 instances, 2 + 18 = 20 builds.
        StrategySpec ticking = new StrategySpec(QueueingValidationTest.ROUND_ROBIN, java.util.Map.of(),
                List.of(new StrategySpec.WrapperSpec("test-ticking", java.util.Map.of())));
        assertThat(ticks(ClusterPolicy.builder(ticking).pickerRefresh(new PickerRefresh(100 * MS)).build()))
                .isEqualTo(20);
        // picker-refresh 0 turns the timer off: the initial builds only.
        assertThat(ticks(ClusterPolicy.builder(ticking).pickerRefresh(new PickerRefresh(0)).build())).isEqualTo(2);
    }

    @Test
    void aStrategyThatDoesNotChangeWithTimeIsNeverRebuiltOnATimer() {
        java.util.concurrent.atomic.AtomicInteger builds = new java.util.concurrent.atomic.AtomicInteger();
        SimulationResult r = run(config(FixedArrivals.at(0), constant("s", 2, MS).build())
                .strategy("counting", env -> new io.sluice.algorithms.Strategy() {
                    @Override
                    public String name() {
                        return "counting";
                    }

                    @Override
                    public io.sluice.algorithms.Picker newPicker(io.sluice.algorithms.EndpointSet set) {
                        builds.incrementAndGet();
                        return ctx -> set.available().get(0);
                    }
                })
                .loadBalancer(LoadBalancerModel.builder().instances(2).build()));
        assertThat(r.outcomes().succeeded()).isEqualTo(1);
        assertThat(builds.get()).as("one build per instance").isEqualTo(2);
    }

    private static int ticks(ClusterPolicy policy) {
        StandInProviders.Ticking.BUILDS.set(0);
        SimulationResult r = run(config(FixedArrivals.at(0), constant("s", 2, MS).build()).policy(policy)
                .loadBalancer(LoadBalancerModel.builder().instances(2).build()));
        assertThat(r.outcomes().succeeded()).isEqualTo(1);
        return StandInProviders.Ticking.BUILDS.get();
    }
}
