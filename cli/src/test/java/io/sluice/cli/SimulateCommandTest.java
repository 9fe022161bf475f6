package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.StrategyRegistry;
import io.sluice.simulator.scenario.Scenarios;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice simulate} end to end: output, files, every kind of bad input and its exit code. */
class SimulateCommandTest {
    private static final String SCENARIO = """
            description: A small trace over three backends.
            seed: 4
            duration: 2s
            warm-up: 500ms
            backends: [{name: api, count: 3, servers: 2, service-time: {distribution: exponential, mean: 2ms}}]
            strategies: [round-robin, {name: p2c-least-request, label: p2c}]
            workload: {kind: poisson, rate: 800, devices: 100}
            """;

    /** What one command printed and returned. */
    record Outcome(int exit, String out, String err) {
    }

    private static synchronized Outcome sluice(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = SluiceCommand.execute(args);
            return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void runsAScenarioPrintsTheTableAndWritesTheResults(@TempDir Path dir) throws IOException {
        Path file = write(dir, "small.yaml", SCENARIO);
        Path out = dir.resolve("out");
        Outcome o = sluice("simulate", file.toString(), "--out", out.toString(), "--threads", "2");
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.err()).isEmpty();
        assertThat(o.out()).startsWith("small (seed 4, " + io.sluice.simulator.scenario.Scenario.DEFAULT_SEEDS
                + " seeds each): 2 runs, 1.5s measured after 0.5s warm-up; poisson 800/s, 100 devices\nstrategy ");
        assertThat(o.out()).contains("\nround-robin ").contains("\np2c ")
                .endsWith("results written to " + out.resolve("results.json") + "\n");
        String json = Files.readString(out.resolve("results.json"));
        assertThat(json).contains("\"schema\": \"sluice.simulation-results\"", "\"seed\": 4",
                "\"source\": \"" + file + "\"");

        // Another run, one thread and the default of every option: the same bytes.
        Path again = dir.resolve("again");
        assertThat(sluice("simulate", file.toString(), "--out", again.toString(), "--threads", "1").exit()).isZero();
        assertThat(Files.readAllBytes(again.resolve("results.json"))).isEqualTo(Files.readAllBytes(
                out.resolve("results.json")));
    }

    @Test
    void seedAndStrategiesOverrideTheScenario(@TempDir Path dir) throws IOException {
        Path file = write(dir, "small.yaml", SCENARIO);
        Path out = dir.resolve("out");
        Outcome o = sluice("simulate", file.toString(), "--seed", "9", "--seeds", "2", "--strategies", "p2c,random",
                "--out", out.toString());
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("small (seed 9, 2 seeds each): 2 runs").contains("\np2c ")
                .contains("\nrandom ").doesNotContain("round-robin");
        assertThat(Files.readString(out.resolve("results.json"))).contains("\"seed\": 9", "\"seeds\": 2");
        Outcome one = sluice("simulate", file.toString(), "--seeds", "1", "--out", dir.resolve("one").toString());
        assertThat(one.out()).startsWith("small (seed 4): 2 runs");
        Outcome bad = sluice("simulate", file.toString(), "--seeds", "0");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("--seeds: 0 is out of range; a whole number from 1 to 1000");
    }

    @Test
    void theDefaultOutputFolderIsNamedAfterTheScenarioAndSeed() {
        assertThat(SimulateCommand.defaultOutDir(Scenarios.builtin("backend-crash", Scenarios.Options.defaults())))
                .isEqualTo(Path.of("results", "backend-crash-11"));
    }

    @Test
    void listShowsEveryBuiltinWithOneLine() {
        Outcome o = sluice("simulate", "--list");
        assertThat(o.exit()).isZero();
        assertThat(o.out().lines()).hasSize(7);
        assertThat(o.out().lines().map(l -> l.split(" ")[0])).containsExactly("campusiot-fleet", "poisson-baseline",
                "backend-crash", "reconnect-storm", "synchronised-access", "runaway-firmware",
                "shared-load-view");
        assertThat(o.out()).contains("campusiot-fleet      Real CampusIoT LoRaWAN uplinks from 10,000 devices");
    }

    @Test
    void aMissingFileIsOneClearLineAndExitOne() {
        Outcome o = sluice("simulate", "no-such-scenario.yaml");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("sluice: scenario file 'no-such-scenario.yaml' not found\n");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void anUnknownBuiltinListsTheBuiltins() {
        Outcome o = sluice("simulate", "campus");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("sluice: no scenario file or built-in scenario named 'campus'; built-ins:"
                + " campusiot-fleet, poisson-baseline, backend-crash, reconnect-storm, synchronised-access,"
                + " runaway-firmware, shared-load-view (./sluice simulate --list)\n");
    }

    @Test
    void noScenarioAtAllSaysWhatToGive() {
        Outcome o = sluice("simulate");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).startsWith("sluice: give a scenario file or a built-in scenario name; built-ins: ");
    }

    @Test
    void anUnknownStrategyListsTheValidNames(@TempDir Path dir) throws IOException {
        Path file = write(dir, "small.yaml", SCENARIO);
        Outcome o = sluice("simulate", file.toString(), "--strategies", "round-robin,fastest");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("sluice: unknown strategy 'fastest'; valid strategies: "
                + String.join(", ", StrategyRegistry.standard().strategyNames()) + "; this scenario's labels: p2c\n");
    }

    @Test
    void anInvalidScenarioNamesTheFileAndTheYamlPath(@TempDir Path dir) throws IOException {
        Path file = write(dir, "bad.yaml", SCENARIO.replace("servers: 2", "servers: 0"));
        Outcome o = sluice("simulate", file.toString());
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("sluice: " + file + ":5: backends[0].servers: 0 is out of range; a whole"
                + " number from 1 to 1000000\n");
    }

    @Test
    void everyProblemOfAScenarioIsOneLineWithItsLine(@TempDir Path dir) throws IOException {
        Path file = write(dir, "bad.yaml", SCENARIO.replace("servers: 2", "servers: 0").replace("seed: 4", "seed: x")
                .replace("warm-up:", "warmup:"));
        Outcome o = sluice("simulate", file.toString());
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err().lines()).containsExactly(
                "sluice: " + file + ":2: seed: 'x' is not a whole number; a whole number from -9223372036854775808"
                        + " to 9223372036854775807",
                file + ":4: warmup: renamed: write warm-up",
                file + ":5: backends[0].servers: 0 is out of range; a whole number from 1 to 1000000");
    }

    /** A proxy config whose cluster "api" has the scenario's three backends, by id. */
    private static final String PROXY = """
            listeners: [{name: web, bind: 127.0.0.1:8080, routes: [{cluster: api}]}]
            clusters:
              - name: api
                strategy: round-robin
                backends:
                  - {id: api-0, address: 10.0.0.1:80}
                  - {id: api-1, address: 10.0.0.2:80}
                  - {id: api-2, address: 10.0.0.3:80}
                retries: {max-retries: 0}
            """;

    @Test
    void aProxyConfigIsTheLoadBalancerTier(@TempDir Path dir) throws IOException {
        Path scenario = write(dir, "small.yaml", SCENARIO.replace("strategies: [round-robin, {name: p2c-least-request,"
                + " label: p2c}]\n", ""));
        Path proxy = write(dir, "sluice.yaml", PROXY);
        Path out = dir.resolve("out");
        Outcome o = sluice("simulate", scenario.toString(), "--proxy-config", proxy.toString(), "--seeds", "1",
                "--out", out.toString());
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("small (seed 4): 1 run").contains("\ncurrent ");
        String json = Files.readString(out.resolve("results.json"));
        assertThat(json).contains("\"strategy\": \"current\"", "\"spec\": \"round-robin\"", "\"comparison\": null");
    }

    @Test
    void compareRunsTheCurrentAndTheProposedConfigAndTheReportShowsTheDifference(@TempDir Path dir)
            throws IOException {
        Path scenario = write(dir, "small.yaml", SCENARIO.replace("strategies: [round-robin, {name: p2c-least-request,"
                + " label: p2c}]\n", ""));
        Path current = write(dir, "sluice.yaml", PROXY);
        Path proposed = write(dir, "proposed.yaml", PROXY.replace("strategy: round-robin", "strategy: p2c-least-request"));
        Path out = dir.resolve("out");
        Outcome o = sluice("simulate", scenario.toString(), "--proxy-config", current.toString(), "--compare",
                proposed.toString(), "--out", out.toString());
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("small (seed 4, " + io.sluice.simulator.scenario.Scenario.DEFAULT_SEEDS
                + " seeds each): 2 runs").contains("\ncurrent ").contains("\nproposed ");
        String json = Files.readString(out.resolve("results.json"));
        assertThat(json).contains("\"comparison\": {", "\"current\": \"round-robin, no retries\"",
                "\"proposed\": \"p2c-least-request, no retries\"");
        Path report = dir.resolve("report");
        Outcome r = sluice("report", out.resolve("results.json").toString(), "--out", report.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String html = Files.readString(report.resolve("index.html"));
        assertThat(html).contains("Current vs proposed config: small", "data-table=\"comparison\"",
                "With the proposed config, p99 ");
    }

    @Test
    void proxyConfigMistakesAreClearErrors(@TempDir Path dir) throws IOException {
        Path scenario = write(dir, "small.yaml", SCENARIO);
        Path proxy = write(dir, "sluice.yaml", PROXY.replace("id: api-2", "id: api-9"));
        Outcome o = sluice("simulate", scenario.toString(), "--proxy-config", proxy.toString());
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).contains("backends: cluster 'api' of the proxy config has backends the capacity model does"
                + " not define: api-9")
                .contains("backends: the capacity model defines backends cluster 'api' of the proxy config does not"
                        + " have: api-2");
        Outcome bad = sluice("simulate", scenario.toString(), "--proxy-config",
                write(dir, "bad.yaml", PROXY.replace("max-retries: 0", "max-retries: 99")).toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains(dir.resolve("bad.yaml") + ":9: clusters[0].retries.max-retries: 99 is out of"
                + " range; a whole number from 0 to 10");
        assertThat(sluice("simulate", scenario.toString(), "--compare", proxy.toString()).err())
                .contains("--compare needs the current proxy config: give --proxy-config, or a scenario with a"
                        + " proxy-config key");
        assertThat(sluice("simulate", scenario.toString(), "--cluster", "api").err())
                .isEqualTo("sluice: --cluster names a cluster of --proxy-config; give --proxy-config too\n");
        assertThat(sluice("simulate", scenario.toString(), "--proxy-config", proxy.toString(), "--cluster", "web")
                .err()).contains("proxy-cluster: 'web' is not a cluster of the proxy config; clusters: api");
    }

    private static final String TRACE_SCENARIO = """
            duration: 1s
            backends: [{name: api, count: 2, service-time: {distribution: constant, mean: 1ms}}]
            workload: {kind: trace, path: fleet.csv, time-unit: offset-ms}
            strategies: [round-robin]
            """;

    @Test
    void aMalformedTraceLineNamesFileLineAndField(@TempDir Path dir) throws IOException {
        write(dir, "fleet.csv", "time,device\n0,a\nsoon,b\n200,c\n");
        Path file = write(dir, "trace.yaml", TRACE_SCENARIO);
        Outcome o = sluice("simulate", file.toString(), "--out", dir.resolve("out").toString());
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).startsWith("sluice: ").contains("fleet.csv:3: field 'time': ")
                .contains("(pass --skip-bad-lines, or set skip-bad-lines: true in the trace, to skip and count such"
                        + " lines)")
                .endsWith("\n");
        assertThat(o.err().lines()).hasSize(1);
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void skipBadLinesCountsWhatItSkipped(@TempDir Path dir) throws IOException {
        write(dir, "fleet.csv", "time,device\n0,a\nsoon,b\n200,c\n300,\n");
        Path file = write(dir, "trace.yaml", TRACE_SCENARIO);
        Outcome o = sluice("simulate", file.toString(), "--skip-bad-lines", "--out", dir.resolve("out").toString());
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.err()).isEqualTo("sluice: skipped 2 malformed trace lines (skip-bad-lines)\n");
        assertThat(dir.resolve("out/results.json")).exists();
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(sluice("simulate", "x.yaml", "--no-such-option").exit()).isEqualTo(2);
        assertThat(sluice("simulate", "x.yaml", "--seed", "abc").exit()).isEqualTo(2);
    }

    @Test
    void threadsMustBePositive(@TempDir Path dir) throws IOException {
        Outcome o = sluice("simulate", write(dir, "small.yaml", SCENARIO).toString(), "--threads", "0");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("sluice: --threads must be >= 1, got 0\n");
    }
}
