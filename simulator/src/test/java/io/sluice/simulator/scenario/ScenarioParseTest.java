package io.sluice.simulator.scenario;

import static io.sluice.simulator.scenario.ScenarioErrorsTest.BACKENDS;
import static io.sluice.simulator.scenario.ScenarioErrorsTest.DURATION;
import static io.sluice.simulator.scenario.ScenarioErrorsTest.WORKLOAD;
import static io.sluice.simulator.scenario.ScenarioErrorsTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.health.InitialState;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.policy.Timeouts;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Discipline;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.ScriptedEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every scenario field reaches the model; defaults; runs in scenario order; overrides. */
class ScenarioParseTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    static String resource(String name) throws IOException {
        try (InputStream in = ScenarioParseTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Scenario example() throws IOException {
        return Scenarios.parse(resource("scenarios/scenario-example.yaml"), "scenario-example", "example.yaml", null,
                Scenarios.Options.defaults());
    }

    @Test
    void theCommentedExampleSetsEveryField() throws IOException {
        Scenario s = example();
        assertThat(s.name()).isEqualTo("scenario-example");
        assertThat(s.source()).isEqualTo("example.yaml");
        assertThat(s.description()).startsWith("Every scenario key in one file:");
        assertThat(s.yaml()).isEqualTo(resource("scenarios/scenario-example.yaml"));
        assertThat(s.seed()).isEqualTo(42);
        assertThat(s.durationNanos()).isEqualTo(10 * S);
        assertThat(s.warmUpNanos()).isEqualTo(2 * S);
        assertThat(s.intervalNanos()).isEqualTo(500 * MS);
        assertThat(s.drainLimitNanos()).isEqualTo(30 * S);
        assertThat(s.requestMethod()).isEqualTo("GET");
        assertThat(s.policySource()).isNull();

        // Groups: big, small split by speed into runs of equal speed with continuing ids, odd, measured, fixed.
        List<BackendGroup> g = s.backends();
        List<String> ids = new ArrayList<>();
        for (BackendGroup group : g) {
            for (int i = 0; i < group.count(); i++) {
                ids.add(group.backendId(i) + "@" + group.speed());
            }
        }
        assertThat(ids).containsExactly("big-0@1.5", "big-1@1.5", "small-0@1.0", "small-1@1.0", "small-2@0.8",
                "small-3@0.5", "odd-0@1.0", "measured-0@1.0", "edge-a@1.0");
        BackendGroup big = g.get(0);
        assertThat(big.concurrency()).isEqualTo(8);
        assertThat(big.serviceTime().describe()).isEqualTo("lognormal(mean=5ms, sigma=1.0)");
        assertThat(big.discipline()).isEqualTo(Discipline.FIFO);
        assertThat(big.queueCapacity()).isEqualTo(100);
        assertThat(big.zone()).isEqualTo("zone-a");
        assertThat(big.weight()).isEqualTo(12);
        assertThat(big.healthCheckWorkNanos()).isEqualTo(200_000L);
        BackendGroup small = g.get(1);
        assertThat(small.concurrency()).isEqualTo(2);
        assertThat(small.serviceTime().describe()).isEqualTo("exponential(mean=5ms)");
        assertThat(small.discipline()).isEqualTo(Discipline.PROCESSOR_SHARING);
        assertThat(small.queueCapacity()).isEqualTo(BackendGroup.UNBOUNDED);
        assertThat(small.zone()).isEqualTo("zone-b");
        assertThat(small.weight()).isEqualTo(2);
        assertThat(g.get(4).serviceTime().describe()).isEqualTo("pareto(mean=5ms, shape=2.5)");
        assertThat(g.get(5).serviceTime().describe()).isEqualTo("empirical(5 samples, mean=6.4ms)");
        assertThat(g.get(6).serviceTime().describe()).isEqualTo("constant(4ms)");
        assertThat(g.get(6).concurrency()).isEqualTo(1);
        assertThat(g.get(6).zone()).isEqualTo("default");
        assertThat(s.backendCount()).isEqualTo(9);

        assertThat(s.events()).extracting(ScriptedEvent::toString).containsExactly(
                "CRASH small-1 at 4000000000ns", "RECOVER small-1 at 7000000000ns",
                "SLOWDOWN x10.0 big-0 3000000000..5000000000ns", "STALL odd-0 6000000000..6300000000ns");

        LoadBalancerModel lb = s.loadBalancer();
        assertThat(lb.instances()).isEqualTo(2);
        assertThat(lb.networkDelay().describe()).isEqualTo("exponential(mean=200us)");
        assertThat(lb.utilisationReportIntervalNanos()).isEqualTo(100 * MS);
        assertThat(lb.loadView().intervalNanos()).isEqualTo(50 * MS);
        assertThat(lb.loadView().stalenessNanos()).isEqualTo(500 * MS);
        assertThat(lb.loadView().delay().describe()).isEqualTo("exponential(mean=5ms)");
        assertThat(lb.loadView().consumerLagNanos()).isEqualTo(MS);
        assertThat(lb.loadView().inOutage(5 * S)).isTrue();
        assertThat(lb.loadView().inOutage(6 * S)).isFalse();
        // The policy: the same objects a proxy cluster with these sections would run.
        ClusterPolicy p = s.policy();
        assertThat(p.timeouts()).isEqualTo(new Timeouts(500 * MS, S));
        assertThat(p.retries()).isEqualTo(RetryPolicy.builder().maxRetries(2).budgetPercent(20)
                .minRetryConcurrency(3).idempotentOnly(false).build());
        assertThat(p.healthCheck()).contains(HealthCheckPolicy.builder().interval(100 * MS).fastinter(50 * MS)
                .downinter(200 * MS).timeout(50 * MS).rise(2).fall(3).initialState(InitialState.UP)
                .type(HealthCheckPolicy.Type.HTTP).build());
        assertThat(p.outlierDetection()).contains(OutlierConfig.builder().consecutive5xx(5)
                .consecutiveGatewayFailure(0).interval(S).baseEjectionTime(2 * S).maxEjectionTime(20 * S)
                .maxEjectionPercent(30).alwaysEjectOneHost(false).latencyFactor(3).latencyMinimumRequests(50)
                .latencyMinimumHosts(3).ewmaDecay(10 * S).build());
        assertThat(p.affinity()).isEqualTo(AffinityPolicy.builder().mode(AffinityPolicy.Mode.HEADER)
                .name("x-device-id").stickTable(false).idleTtl(30 * 60 * S).maxEntries(100_000).stripes(16).build());
        assertThat(p.pickerRefresh().periodNanos()).isEqualTo(S);
        assertThat(p.ewmaDecayNanos()).isEqualTo(10 * S);
        // Each entry runs that policy with its own strategy.
        assertThat(s.strategies()).allSatisfy(st -> assertThat(st.policy()).isEqualTo(p.withStrategy(st.spec())));

        assertThat(s.strategies()).extracting(ScenarioStrategy::label)
                .containsExactly("round-robin", "p2c-3", "least-conn-slow-start");
        assertThat(s.strategies().get(1).spec().name()).isEqualTo("p2c-least-request");
        assertThat(s.strategies().get(1).spec().params()).isEqualTo(Map.of("choices", 3L));
        assertThat(s.strategies().get(2).spec().wrappers()).extracting(w -> w.name())
                .containsExactly("panic-threshold", "slow-start");
        assertThat(s.strategies().get(2).spec().wrappers().get(1).params()).isEqualTo(Map.of("window", "2s"));

        assertThat(s.workload().describe()).isEqualTo("poisson 4000/s, 2000 devices");
        assertThat(s.sweep()).isEqualTo(new Sweep(Sweep.Parameter.LOAD, List.of(0.5, 0.8)));
        // The example's comment works out C = 6726 requests/s.
        assertThat(s.capacityPerSecond()).isCloseTo(4800 + 1320 + 200 + 156.25 + 250, within(1e-6));
        assertThat(s.describeBackends()).isEqualTo("9 backends: 2 x big (8 servers, lognormal(mean=5ms, sigma=1.0),"
                + " speed 1.5, queue 100, zone zone-a, weight 12); 4 x small (2 servers, exponential(mean=5ms), speed"
                + " [1, 1, 0.8, 0.5], ps, zone zone-b, weight 2); 1 x odd (1 server, pareto(mean=5ms, shape=2.5),"
                + " speed 1); 1 x measured (1 server, empirical(5 samples, mean=6.4ms), speed 1); 1 x fixed (1 server,"
                + " constant(4ms), speed 1); small-1 crashes at 4s; small-1 recovers at 7s; big-0 slows x10 at 3s for"
                + " 2s; odd-0 stalls at 6s for 300ms");
    }

    @Test
    void leftOutKeysTakeTheirDefaults() {
        Scenario s = parse(DURATION + BACKENDS + WORKLOAD);
        assertThat(s.seed()).isEqualTo(1);
        assertThat(s.seeds()).isEqualTo(Scenario.DEFAULT_SEEDS);
        assertThat(s.runs()).allSatisfy(r -> assertThat(r.configs()).extracting(c -> c.seed())
                .containsExactlyElementsOf(s.seedList()));
        assertThat(s.description()).isEmpty();
        assertThat(s.warmUpNanos()).isZero();
        assertThat(s.intervalNanos()).isEqualTo(S);
        assertThat(s.drainLimitNanos()).isEqualTo(60 * S);
        BackendGroup api = s.backends().get(0);
        assertThat(api.concurrency()).isEqualTo(1);
        assertThat(api.speed()).isEqualTo(1.0);
        assertThat(api.discipline()).isEqualTo(Discipline.FIFO);
        assertThat(api.queueCapacity()).isEqualTo(BackendGroup.UNBOUNDED);
        assertThat(api.zone()).isEqualTo("default");
        assertThat(api.weight()).isEqualTo(1);
        assertThat(s.events()).isEmpty();
        LoadBalancerModel lb = s.loadBalancer();
        assertThat(lb.instances()).isEqualTo(1);
        assertThat(lb.networkDelay().mean()).isZero();
        assertThat(lb.utilisationReportIntervalNanos()).isZero();
        // Every policy default is the policy model's: the same as a proxy cluster's without the sections.
        assertThat(s.policy()).isEqualTo(ClusterPolicy.of(StrategySpec.of("round-robin")));
        assertThat(s.requestMethod()).isEqualTo("POST");
        // No strategies key: every registered strategy, by name.
        assertThat(s.strategies()).extracting(ScenarioStrategy::label)
                .isEqualTo(StrategyRegistry.standard().strategyNames());
        assertThat(parse(DURATION + BACKENDS + WORKLOAD + "strategies: all\n").strategies())
                .extracting(ScenarioStrategy::label).isEqualTo(StrategyRegistry.standard().strategyNames());
        assertThat(s.strategies()).allSatisfy(st -> {
            assertThat(st.spec().name()).isEqualTo(st.label());
            assertThat(st.spec().params()).isEmpty();
            assertThat(st.spec().wrappers()).isEmpty();
        });
        assertThat(s.sweep()).isNull();
        // The default interval divides the warm-up, so the time series starts right after it.
        assertThat(parse(DURATION + "warm-up: 1500ms\n" + BACKENDS + WORKLOAD).intervalNanos()).isEqualTo(500 * MS);
        assertThat(parse(DURATION + "warm-up: 1s\n" + BACKENDS + WORKLOAD).intervalNanos()).isEqualTo(S);
        // A short run gets an interval of its whole length.
        assertThat(parse("duration: 300ms\n" + BACKENDS + WORKLOAD).intervalNanos()).isEqualTo(300 * MS);
    }

    @Test
    void aConstantNetworkDelayMayBeAPlainDurationAndQueuesMayBeUnboundedByName() {
        Scenario s = parse(DURATION + "backends:\n  - {name: a, queue-capacity: unbounded, service-time:"
                + " {distribution: constant, mean: 1ms}}\n  - {name: b, queue-capacity: 0, service-time: {distribution:"
                + " constant, mean: 1ms}}\n" + WORKLOAD + "load-balancer: {network-delay: 500us, retries: {}}\n");
        assertThat(s.loadBalancer().networkDelay().describe()).isEqualTo("constant(500us)");
        assertThat(s.backends().get(0).queueCapacity()).isEqualTo(BackendGroup.UNBOUNDED);
        assertThat(s.backends().get(1).queueCapacity()).isZero();
        // An empty retries section: the policy model's defaults.
        assertThat(s.policy().retries()).isEqualTo(RetryPolicy.defaults());
    }

    @Test
    void healthCheckSectionConfiguresTheRiseFallStateMachine() {
        // The verdicts themselves are the algorithms module's HAProxy state machine (tested there and
        // end to end in HealthCheckingTest); the scenario only has to hand it the right settings.
        Scenario s = parse(DURATION + BACKENDS + WORKLOAD + """
                load-balancer:
                  health-check: {interval: 500ms, timeout: 200ms, rise: 4, fall: 5}
                """);
        HealthCheckPolicy hc = s.policy().healthCheck().orElseThrow();
        assertThat(hc.checks().rise()).isEqualTo(4);
        assertThat(hc.checks().fall()).isEqualTo(5);
        assertThat(hc.checks().interNanos()).isEqualTo(500_000_000L);
        assertThat(hc.timeoutNanos()).isEqualTo(200_000_000L);
        assertThat(hc.checks().initialState()).isEqualTo(InitialState.UP);
    }

    @Test
    void runsAreStrategyMajorAndTheLoadSweepSetsTheOfferedRate() {
        // 2 backends x 1 server at 1 ms: C = 2000/s; load 0.5 offers 1000/s, load 0.9 1800/s.
        Scenario s = parse(DURATION + BACKENDS + WORKLOAD + "strategies: [round-robin, random]\n"
                + "sweep: {parameter: load, values: [0.5, 0.9]}\n");
        assertThat(s.capacityPerSecond()).isEqualTo(2000.0);
        List<ScenarioRun> runs = s.runs();
        assertThat(runs).extracting(r -> r.label() + "@" + r.sweepValue())
                .containsExactly("round-robin@0.5", "round-robin@0.9", "random@0.5", "random@0.9");
        assertThat(runs.get(0).config().workload().meanRatePerSecond()).isCloseTo(1000, within(1e-9));
        assertThat(runs.get(1).config().workload().meanRatePerSecond()).isCloseTo(1800, within(1e-9));
        assertThat(runs).allSatisfy(r -> assertThat(r.config().seed()).isEqualTo(1));
    }

    @Test
    void theRateMultiplierScalesTheWorkloadsOwnRate() {
        Scenario s = parse(DURATION + BACKENDS + WORKLOAD + "strategies: [random]\n"
                + "sweep: {parameter: rate-multiplier, values: [1, 2.5]}\n");
        assertThat(s.runs()).extracting(r -> r.config().workload().meanRatePerSecond())
                .containsExactly(1000.0, 2500.0);
    }

    @Test
    void withoutASweepThereIsOneRunPerStrategyInTheOrderGiven() {
        Scenario s = parse(DURATION + BACKENDS + WORKLOAD + "strategies: [random, round-robin,"
                + " {name: random, label: random-2}]\n");
        assertThat(s.runs()).extracting(r -> r.label() + "@" + r.sweepValue())
                .containsExactly("random@null", "round-robin@null", "random-2@null");
    }

    @Test
    void theSeedAndTheStrategiesCanBeOverridden() {
        Scenario s = parse(DURATION + BACKENDS + WORKLOAD + "seed: 5\nstrategies: [random,"
                + " {name: p2c-least-request, label: p2c-4, params: {choices: 4}}]\n");
        Scenario t = s.withSeed(9).withStrategies(List.of("p2c-4", "round-robin"));
        assertThat(t.seed()).isEqualTo(9);
        assertThat(t.strategies()).extracting(ScenarioStrategy::label).containsExactly("p2c-4", "round-robin");
        assertThat(t.strategies().get(0).spec().params()).isEqualTo(Map.of("choices", 4L));
        assertThat(t.runs()).allSatisfy(r -> assertThat(r.config().seed()).isEqualTo(9));
        assertThat(s.seed()).isEqualTo(5);
        // The seeds derive from the first, so another first seed moves them all; the count can be overridden.
        assertThat(t.seedList()).doesNotContainAnyElementsOf(s.seedList());
        assertThat(s.withSeeds(2).seedList()).containsExactlyElementsOf(s.seedList().subList(0, 2));
        assertThat(parse(DURATION + BACKENDS + WORKLOAD + "seeds: 3\n").seeds()).isEqualTo(3);
        assertThatThrownBy(() -> s.withSeeds(0)).isInstanceOf(ScenarioException.class)
                .hasMessage("--seeds: 0 is out of range; a whole number from 1 to 1000");

        String names = String.join(", ", StrategyRegistry.standard().strategyNames());
        assertThatThrownBy(() -> s.withStrategies(List.of("random", "fastest")))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("unknown strategy 'fastest'; valid strategies: " + names + "; this scenario's labels: p2c-4");
        assertThatThrownBy(() -> s.withStrategies(List.of("random", "random")))
                .hasMessage("--strategies: 'random' is listed twice");
        assertThatThrownBy(() -> s.withStrategies(List.of()))
                .hasMessage("--strategies: give at least one strategy; valid strategies: " + names);
    }

    @Test
    void skipBadLinesReachesEveryTraceHoweverNested(@TempDir Path dir) throws IOException {
        // Both traces have a malformed line: without the option the scenario reads (lines are read at
        // run time) but running stops at the bad line; with it, both traces skip it.
        Files.writeString(dir.resolve("a.csv"), "time,device\n0,a\nbad\n5,b\n");
        Files.writeString(dir.resolve("b.csv"), "time,device\n0,c\nbad\n7,d\n");
        String yaml = DURATION + BACKENDS + "strategies: [random]\n" + """
                workload:
                  kind: mixture
                  sources:
                    - {kind: trace, path: a.csv, time-unit: offset-ms}
                    - kind: diurnal
                      amplitude: 0.5
                      source: {kind: trace, path: b.csv, time-unit: offset-ms, skip-bad-lines: false}
                """;
        Scenario skipping = Scenarios.parse(yaml, "t", "t.yaml", dir, Scenarios.Options.defaults()
                .withSkipBadLines(true));
        var results = new io.sluice.simulator.run.Runner(1, io.sluice.simulator.run.Progress.NONE)
                .run(skipping.runs());
        assertThat(results.get(0).skippedLines()).isEqualTo(2);
        Scenario strict = Scenarios.parse(yaml, "t", "t.yaml", dir, Scenarios.Options.defaults());
        assertThatThrownBy(() -> new io.sluice.simulator.run.Runner(1, io.sluice.simulator.run.Progress.NONE)
                .run(strict.runs())).hasMessageContaining("a.csv");
    }

    @Test
    void aFileScenarioIsNamedAfterTheFileAndResolvesTracesBesideIt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("fleet.csv"), "time,device\n0,a\n5,b\n10,a\n");
        Path file = dir.resolve("my-run.yaml");
        Files.writeString(file, DURATION + BACKENDS + "workload: {kind: trace, path: fleet.csv, time-unit: offset-ms}\n"
                + "strategies: [random]\n");
        Scenario s = Scenarios.load(file.toString(), Scenarios.Options.defaults());
        assertThat(s.name()).isEqualTo("my-run");
        assertThat(s.source()).isEqualTo(file.toString());
        assertThat(s.offeredRatePerSecond()).isNaN();
        assertThat(s.workload().describe()).contains("fleet.csv");
    }

    @Test
    void anArgumentThatIsNeitherAFileNorABuiltinListsTheBuiltins() {
        assertThatThrownBy(() -> Scenarios.load("campus", Scenarios.Options.defaults()))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("no scenario file or built-in scenario named 'campus'; built-ins: campusiot-fleet,"
                        + " poisson-baseline, backend-crash, reconnect-storm, synchronised-access,"
                        + " runaway-firmware, shared-load-view (./sluice simulate --list)");
        assertThatThrownBy(() -> Scenarios.load("missing.yaml", Scenarios.Options.defaults()))
                .hasMessage("scenario file 'missing.yaml' not found");
        assertThatThrownBy(() -> Scenarios.builtin("nope", Scenarios.Options.defaults()))
                .hasMessage("no built-in scenario named 'nope'; built-ins: campusiot-fleet, poisson-baseline,"
                        + " backend-crash, reconnect-storm, synchronised-access, runaway-firmware, shared-load-view");
    }

    @Test
    void theCatalogListsEveryBuiltinWithOneSentence() {
        assertThat(Scenarios.builtins()).extracting(BuiltinScenario::name)
                .containsExactly("campusiot-fleet", "poisson-baseline", "backend-crash", "reconnect-storm",
                        "synchronised-access", "runaway-firmware", "shared-load-view");
        assertThat(Scenarios.builtins()).allSatisfy(b -> {
            assertThat(b.summary()).isNotBlank().endsWith(".").doesNotContain("\n");
            assertThat(b.summary().length()).isLessThan(110);
        });
        assertThat(Scenarios.firstSentence("One. Two.")).isEqualTo("One.");
        assertThat(Scenarios.firstSentence("No stop")).isEqualTo("No stop");
        assertThat(Scenarios.firstSentence("Load 0.5 to\n  0.9. Next")).isEqualTo("Load 0.5 to 0.9.");
    }
}
