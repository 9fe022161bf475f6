package io.sluice.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.simulator.output.ResultsJson;
import io.sluice.simulator.output.ResultsSchemaRules;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.ScenarioRun;
import io.sluice.simulator.scenario.Scenarios;
import io.sluice.simulator.workload.WorkloadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results are the same bytes whatever the number of threads and however often the scenario runs;
 * another seed changes them; runs come back in scenario order; a failing run's error reaches the
 * caller. The scenario switches on every feature that draws random numbers or keeps state (several
 * load balancers, network jitter, timeouts, retries, health checks, probes, utilisation reports,
 * every kind of scripted event, devices, both disciplines, a wrapper, a sweep, two seeds), so any
 * shared or unseeded state between parallel runs would show as different bytes.
 */
class RunnerTest {
    static final String SCENARIO = """
            description: Every feature at once, briefly.
            seed: 17
            seeds: 2
            duration: 3s
            warm-up: 500ms
            interval: 250ms
            backends:
              - {name: a, count: 3, servers: 2, service-time: {distribution: lognormal, mean: 2ms}, queue-capacity: 20,
                 weight: 2, zone: z1}
              - {name: b, count: 2, service-time: {distribution: pareto, mean: 2ms}, speed: [1.5, 0.7],
                 discipline: ps}
            events:
              - {kind: crash, backend: a-1, at: 1s}
              - {kind: recover, backend: a-1, at: 2s}
              - {kind: slowdown, backend: b-0, at: 500ms, duration: 1s, factor: 5}
              - {kind: stall, backend: a-2, at: 2500ms, duration: 200ms}
            load-balancer:
              instances: 3
              network-delay: {distribution: exponential, mean: 100us}
              timeout: 50ms
              retries: {max-attempts: 3, budget: 0.2, on-timeout: true}
              health-check: {interval: 100ms, timeout: 50ms, rise: 2, fall: 2}
              utilisation-report-interval: 100ms
            strategies:
              - p2c-least-request
              - {name: prequal, params: {probe-rate: 2, max-probe-age: 500ms}}
              - ring-hash
              - {name: random, label: rnd-slow, wrappers: [{name: slow-start, params: {window: 1s}}]}
            workload: {kind: poisson, rate: 2000, devices: 500}
            sweep: {parameter: load, values: [0.5, 0.8]}
            """;

    static Scenario scenario() {
        return Scenarios.parse(SCENARIO, "everything", "everything.yaml", null, Scenarios.Options.defaults());
    }

    static byte[] run(Scenario s, int threads) {
        return ResultsJson.bytes(s, new Runner(threads, Progress.NONE).run(s.runs()));
    }

    @Test
    void resultsAreTheSameBytesWhateverTheThreadCountAndRepeatable() {
        Scenario s = scenario();
        byte[] one = run(s, 1);
        byte[] four = run(s, 4);
        byte[] again = run(s, 4);
        assertThat(four).isEqualTo(one);
        assertThat(again).isEqualTo(one);

        JsonNode root = ResultsSchemaRules.check(one);
        // The run did exercise the features: failures from the crash and the stall, retries, sessions.
        JsonNode runs = root.get("runs");
        assertThat(runs.size()).isEqualTo(8);
        long retries = 0;
        long moved = 0;
        for (JsonNode r : runs) {
            retries += r.at("/summary/retries").asLong();
            moved += r.at("/summary/affinity/sessionsMoved").asLong();
            assertThat(r.at("/summary/requests").asLong()).isGreaterThan(2000);
        }
        assertThat(retries).isPositive();
        assertThat(moved).isPositive();
    }

    @Test
    void anotherSeedGivesOtherBytes() {
        Scenario s = scenario();
        byte[] a = run(s.withStrategies(List.of("p2c-least-request")), 2);
        byte[] b = run(s.withStrategies(List.of("p2c-least-request")).withSeed(18), 2);
        assertThat(b).isNotEqualTo(a);
        JsonNode ja = ResultsSchemaRules.check(a);
        JsonNode jb = ResultsSchemaRules.check(b);
        assertThat(jb.at("/scenario/seed").asLong()).isEqualTo(18);
        assertThat(jb.at("/runs/0/summary/requests").asLong()).isNotEqualTo(ja.at("/runs/0/summary/requests").asLong());
    }

    @Test
    void eachSeedOfARunIsTheSameSimulationAsThatSeedAlone() {
        Scenario s = scenario().withStrategies(List.of("prequal")).withSeeds(3);
        List<Long> seeds = s.seedList();
        assertThat(seeds).hasSize(3).doesNotHaveDuplicates().startsWith(17L);
        RunResult pooled = new Runner(2, Progress.NONE).run(s.runs()).get(0);
        for (int k = 0; k < 3; k++) {
            RunResult alone = new Runner(1, Progress.NONE).run(s.withSeed(seeds.get(k)).withSeeds(1).runs()).get(0);
            assertThat(pooled.seeds().get(k)).as("seed %d", seeds.get(k)).isEqualTo(alone.result());
        }
        // Pooling sums the seeds' requests and merges their latencies.
        long requests = pooled.seeds().stream().mapToLong(r -> r.outcomes().requests()).sum();
        assertThat(pooled.result().outcomes().requests()).isEqualTo(requests);
        assertThat(pooled.result().latency().count())
                .isEqualTo(pooled.seeds().stream().mapToLong(r -> r.latency().count()).sum());
        // The interval is over the per-seed p99s.
        double[] p99 = pooled.seeds().stream().mapToDouble(r -> r.latency().p99Nanos()).toArray();
        assertThat(pooled.confidence().p99Nanos()).isEqualTo(io.sluice.simulator.metrics.Interval.studentT(p99));
        assertThat(pooled.confidence().p99Nanos().bounded()).isTrue();
    }

    @Test
    void resultsComeBackInScenarioOrder() {
        Scenario s = scenario();
        List<ScenarioRun> runs = s.runs();
        List<RunResult> results = new Runner(3, Progress.NONE).run(runs);
        assertThat(results).hasSize(8);
        for (int i = 0; i < runs.size(); i++) {
            assertThat(results.get(i).run()).isSameAs(runs.get(i));
            assertThat(results.get(i).result().seed()).isEqualTo(17);
            assertThat(results.get(i).seeds()).extracting(r -> r.seed()).containsExactlyElementsOf(s.seedList());
            assertThat(results.get(i).skippedLines()).isZero();
        }
        assertThat(results).extracting(r -> r.run().label() + "@" + r.run().sweepValue()).containsExactly(
                "p2c-least-request@0.5", "p2c-least-request@0.8", "prequal@0.5", "prequal@0.8", "ring-hash@0.5",
                "ring-hash@0.8", "rnd-slow@0.5", "rnd-slow@0.8");
        // The load sweep: 0.8 offers 1.6 times the arrivals of 0.5 (capacity 4100/s: 2050/s and 3280/s).
        double ratio = (double) results.get(1).result().outcomes().requests() / results.get(0).result().outcomes()
                .requests();
        assertThat(ratio).isBetween(1.5, 1.7);
    }

    private static Scenario trace(Path dir, boolean skip) throws IOException {
        Files.writeString(dir.resolve("fleet.csv"), "time,device\n0,a\n100,b\n200,c\nsoon,d\n300,a\n400,\n500,b\n");
        Path file = dir.resolve("trace.yaml");
        Files.writeString(file, """
                duration: 1s
                backends: [{name: api, count: 2, service-time: {distribution: constant, mean: 1ms}}]
                workload: {kind: trace, path: fleet.csv, time-unit: offset-ms}
                strategies: [round-robin, random]
                """);
        return Scenarios.load(file.toString(), Scenarios.Options.defaults().withSkipBadLines(skip));
    }

    @Test
    void aMalformedTraceLineStopsTheRunNamingFileLineAndField(@TempDir Path dir) throws IOException {
        Scenario s = trace(dir, false);
        assertThatThrownBy(() -> new Runner(2, Progress.NONE).run(s.runs()))
                .isInstanceOf(WorkloadException.class)
                .hasMessageContaining("fleet.csv:5: field 'time': ")
                .hasMessageContaining("skip-bad-lines");
    }

    @Test
    void skippedLinesAreCountedPerRun(@TempDir Path dir) throws IOException {
        Scenario s = trace(dir, true);
        List<RunResult> results = new Runner(2, Progress.NONE).run(s.runs());
        // Line 5 has no time, line 7 no device: counted once per run, not once per seed.
        assertThat(results).extracting(RunResult::skippedLines).containsExactly(2L, 2L);
        // Every seed replays the same five requests of the trace.
        assertThat(results.get(0).seeds()).hasSize(s.seeds())
                .allSatisfy(r -> assertThat(r.outcomes().requests()).isEqualTo(5));
        assertThat(results.get(0).result().outcomes().requests()).isEqualTo(5L * s.seeds());
    }

    @Test
    void threadsMustBePositive() {
        assertThatThrownBy(() -> new Runner(0, Progress.NONE))
                .hasMessage("runner threads must be >= 1, got 0");
    }

    @Test
    void progressIsReportedAndFinished() {
        List<Progress.Snapshot> updates = new java.util.concurrent.CopyOnWriteArrayList<>();
        Progress.Snapshot[] last = new Progress.Snapshot[1];
        Progress recorder = new Progress() {
            @Override
            public void update(Snapshot snapshot) {
                updates.add(snapshot);
            }

            @Override
            public void finish(Snapshot snapshot) {
                last[0] = snapshot;
            }
        };
        Scenario s = scenario().withStrategies(List.of("random"));
        new Runner(1, recorder).run(s.runs());
        assertThat(last[0].fraction()).isEqualTo(1.0);
        // Two sweep values x two seeds: four simulations.
        assertThat(last[0].runsDone()).isEqualTo(4);
        assertThat(last[0].runs()).isEqualTo(4);
        assertThat(last[0].eventsPerSecond()).isPositive();
        assertThat(last[0].etaNanos()).isZero();
        updates.forEach(u -> assertThat(u.fraction()).isBetween(0.0, 1.0));
    }

    @Test
    void theTerminalLineShowsPercentRateAndEta() {
        assertThat(TerminalProgress.line(new Progress.Snapshot(0.425, 3, 16, 12_345_678, 1_000_000_000L,
                37_000_000_000L))).isEqualTo(" 42% (3/16 runs) 12.35M events/s, ETA 0:37");
        assertThat(TerminalProgress.line(new Progress.Snapshot(0, 0, 2, 0, 0, -1)))
                .isEqualTo("  0% (0/2 runs) 0 events/s, ETA ?");
        assertThat(TerminalProgress.clock(3_723_000_000_000L)).isEqualTo("1:02:03");
        assertThat(TerminalProgress.si(950)).isEqualTo("950");
        assertThat(TerminalProgress.si(12_300)).isEqualTo("12.3k");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Progress p = Progress.terminal(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        p.update(new Progress.Snapshot(0.5, 1, 2, 1000, 1, 1_000_000_000L));
        p.finish(new Progress.Snapshot(1, 2, 2, 1000, 2, 0));
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(out).startsWith("\r 50% (1/2 runs) 1.0k events/s, ETA 0:01").endsWith("\r");
    }
}
