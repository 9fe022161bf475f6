package io.sluice.cli;

import io.sluice.simulator.output.ComparisonTable;
import io.sluice.simulator.output.ResultsJson;
import io.sluice.simulator.run.Progress;
import io.sluice.simulator.run.RunResult;
import io.sluice.simulator.run.Runner;
import io.sluice.simulator.scenario.BuiltinScenario;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import io.sluice.simulator.workload.WorkloadException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice simulate}: runs a scenario (a YAML file or a built-in) through every strategy it
 * names, in parallel on all cores, prints the comparison table and writes {@code results.json}
 * (schema in {@code docs/results-schema.md}) for {@code sluice report}.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {
                "Replay a workload through a model of your backends with every routing strategy and compare them.",
                "SCENARIO is a YAML file (format: simulator/src/main/resources/scenarios/scenario-example.yaml)"
                        + " or a built-in name (--list).",
                "With --proxy-config the load balancers run that proxy config's cluster (strategy, health checks,"
                        + " outlier detection, timeouts, retries, session persistence) over the scenario's capacity"
                        + " model, backends matched by id; --compare runs a proposed config beside it on the same"
                        + " traffic, and the report shows the two side by side.",
                "Writes results/<scenario>-<seed>/results.json unless --out says otherwise."})
final class SimulateCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO",
            description = "A scenario file or a built-in scenario name.")
    String scenario;

    @CommandLine.Option(names = "--strategies", split = ",", paramLabel = "a,b,c",
            description = "Compare only these strategies (registered names or the scenario's labels), in this order.")
    List<String> strategies;

    @CommandLine.Option(names = "--seed", paramLabel = "N", description = "Override the scenario's seed.")
    Long seed;

    @CommandLine.Option(names = "--seeds", paramLabel = "N",
            description = "Simulate each strategy with N seeds (the scenario's seed and N-1 derived from it) and"
                    + " report 95%% confidence intervals over them (default: the scenario's seeds, else "
                    + io.sluice.simulator.scenario.Scenario.DEFAULT_SEEDS + ").")
    Integer seeds;

    @CommandLine.Option(names = "--out", paramLabel = "DIR",
            description = "Folder for results.json (default: results/<scenario>-<seed>).")
    Path out;

    @CommandLine.Option(names = "--list", description = "List the built-in scenarios and exit.")
    boolean list;

    @CommandLine.Option(names = "--skip-bad-lines",
            description = "Skip malformed trace lines and count them, instead of stopping at the first one.")
    boolean skipBadLines;

    @CommandLine.Option(names = "--proxy-config", paramLabel = "FILE",
            description = "Simulate this proxy config's cluster as the load-balancer tier (instead of the scenario's"
                    + " load-balancer policy or its proxy-config).")
    Path proxyConfig;

    @CommandLine.Option(names = "--cluster", paramLabel = "NAME",
            description = "The proxy config's cluster to simulate, when it has more than one.")
    String cluster;

    @CommandLine.Option(names = "--compare", paramLabel = "PROPOSED",
            description = "A proposed proxy config: run it and the current one (--proxy-config or the scenario's)"
                    + " on the same traffic and seed, and report the difference.")
    Path compare;

    @CommandLine.Option(names = "--threads", paramLabel = "N",
            description = "Simulations run at once (default: all cores). Results do not depend on it.")
    Integer threads;

    @Override
    public void run() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (list) {
            printList(stdout);
            return;
        }
        if (scenario == null) {
            throw new CliException("give a scenario file or a built-in scenario name; built-ins: "
                    + String.join(", ", Scenarios.builtinNames()) + " (./sluice simulate --list)");
        }
        if (threads != null && threads < 1) {
            throw new CliException("--threads must be >= 1, got " + threads);
        }
        if (compare != null && strategies != null) {
            throw new CliException("--compare runs the current and the proposed config only; leave out --strategies");
        }
        if (cluster != null && proxyConfig == null) {
            throw new CliException("--cluster names a cluster of --proxy-config; give --proxy-config too");
        }
        Scenarios.Options options = Scenarios.Options.defaults().withSkipBadLines(skipBadLines);
        if (proxyConfig != null) {
            options = options.withProxyConfig(proxyConfig, cluster);
        }
        if (compare != null) {
            options = options.withProposed(compare);
        }
        Scenario s = Scenarios.load(scenario, options);
        if (seed != null) {
            s = s.withSeed(seed);
        }
        if (seeds != null) {
            s = s.withSeeds(seeds);
        }
        if (strategies != null) {
            s = s.withStrategies(strategies);
        }
        List<RunResult> results = runAll(s, threads, stdout, stderr);
        Path dir = out != null ? out : defaultOutDir(s);
        try {
            Path file = ResultsJson.write(dir, s, results);
            stdout.println("results written to " + file);
            stdout.flush();
        } catch (IOException e) {
            throw new CliException("cannot write " + dir.resolve(ResultsJson.FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs every run of the scenario on {@code threads} threads (null: all cores), prints the
     * comparison table and any skipped-line count, and returns the results in scenario order.
     */
    static List<RunResult> runAll(Scenario s, Integer threads, PrintWriter stdout, PrintWriter stderr) {
        Progress progress = onTerminal() ? Progress.terminal(System.err) : Progress.NONE;
        Runner runner = new Runner(threads != null ? threads : Runner.defaultThreads(), progress);
        List<RunResult> results;
        try {
            results = runner.run(s.runs());
        } catch (WorkloadException e) {
            throw new CliException(e.getMessage().replace("(set skip-bad-lines: true to skip",
                    "(pass --skip-bad-lines, or set skip-bad-lines: true in the trace, to skip"), e);
        }
        stdout.print(ComparisonTable.render(s, results));
        stdout.flush();
        long skipped = 0;
        for (RunResult r : results) {
            skipped = Math.max(skipped, r.skippedLines());
        }
        if (skipped > 0) {
            stderr.println("sluice: skipped " + skipped + " malformed trace line" + (skipped == 1 ? "" : "s")
                    + " (skip-bad-lines)");
            stderr.flush();
        }
        return results;
    }

    /**
     * Whether a person is watching: a console exists (Java 17: stdin and stdout are terminals) and,
     * on Java 22 and later where a console may exist without one, it says it is a terminal.
     */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) console.getClass().getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    /** {@code results/<scenario>-<seed>}, relative to the working directory. */
    static Path defaultOutDir(Scenario s) {
        return Path.of("results", s.name() + "-" + s.seed());
    }

    private static void printList(PrintWriter out) {
        List<BuiltinScenario> builtins = Scenarios.builtins();
        int width = 0;
        for (BuiltinScenario b : builtins) {
            width = Math.max(width, b.name().length());
        }
        for (BuiltinScenario b : builtins) {
            out.println(b.name() + " ".repeat(width - b.name().length()) + "  " + b.summary());
        }
        out.flush();
    }
}
