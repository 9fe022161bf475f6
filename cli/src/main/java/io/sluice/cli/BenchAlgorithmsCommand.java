package io.sluice.cli;

import io.sluice.algorithms.StrategyRegistry;
import io.sluice.reports.jmh.JmhResult;
import io.sluice.reports.jmh.JmhResults;
import io.sluice.cli.bench.PickCostTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice bench algorithms}: the pick cost of every registered strategy, measured by JMH
 * ({@code io.sluice.benchmarks.PickBenchmark}) in child JVMs and summarised as a
 * {@link PickCostTable}.
 *
 * <p>Four JMH runs at most: 1 and 2 threads (JMH's thread count is per run), each with equal
 * weights for every selected strategy (its pick and a retry's pick) and with weights 1..10 for the
 * selected strategies whose pick depends on weights ({@link #WEIGHT_DEPENDENT}), those that sample
 * also with {@code sampling=uniform} ({@link #SAMPLING_VARIANTS}). Only registered strategies are
 * passed to JMH; a requested name that is not registered is skipped with a note.
 */
@Command(name = "algorithms", mixinStandardHelpOptions = true,
        description = {
                "Measure the pick cost of each registered strategy with JMH: median ns per pick at 10, 100 and 1000"
                        + " backends, with 1 and with 2 threads, and how throughput scales from 1 to 2 threads.",
                "Builds the benchmarks first if they are missing or stale. Writes JMH's JSON and summary.md to the"
                        + " output directory and prints the table; numbers that miss their targets end in '!'."})
final class BenchAlgorithmsCommand implements Callable<Integer> {
    /** Strategies also measured with unequal weights, since their pick (or its data structure) depends on them. */
    static final List<String> WEIGHT_DEPENDENT = List.of("weighted-round-robin", "weighted-random",
            "least-connections", "p2c-least-request", "p2c-peak-ewma", "response-time-weighted", "p2c-utilisation",
            "ring-hash", "maglev", "rendezvous", "bounded-load");

    /** Strategies measured a second time under unequal weights with their other sampling. */
    static final List<String> SAMPLING_VARIANTS = List.of("p2c-least-request", "p2c-peak-ewma", "p2c-utilisation");

    /** A pick and a retry's pick. */
    static final String BENCHMARK_REGEX = "^io\\.sluice\\.benchmarks\\.PickBenchmark\\.(pick|retry)$";
    /** A pick only (the unequal-weights runs). */
    static final String PICK_REGEX = "^io\\.sluice\\.benchmarks\\.PickBenchmark\\.pick$";
    static final String BACKENDS = "10,100,1000";
    static final String EQUAL_WEIGHTS = "1";
    static final String UNEQUAL_WEIGHTS = "1..10";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--quick", description = "Smoke-test profile (a few seconds a trial, rough numbers)"
            + " instead of 1 fork, 2 x 1 s warmup, 5 x 1 s measured.")
    boolean quick;

    @CommandLine.Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (default: results/bench-<yyyyMMdd-HHmmss>).")
    Path out;

    @CommandLine.Option(names = "--strategies", split = ",", paramLabel = "NAME",
            description = "Strategies to measure, comma-separated (default: every registered one).")
    List<String> strategies;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StrategyRegistry registry = StrategyRegistry.standard();
        List<String> selected = select(registry.strategyNames(), strategies, err);
        List<String> weighted = new ArrayList<>(selected.stream().filter(WEIGHT_DEPENDENT::contains).toList());
        for (String name : selected) {
            if (SAMPLING_VARIANTS.contains(name)) {
                weighted.add(name + "[sampling=uniform]");
            }
        }
        JmhProfile profile = quick ? JmhProfile.QUICK : JmhProfile.STANDARD;
        Path dir = (out != null ? out : BenchCommand.defaultOutDir()).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliException("cannot create the output directory " + dir + ": " + e.getMessage(), e);
        }

        BenchmarksJar jar = BenchmarksJar.fromLauncher();
        jar.buildIfStale(err);

        int backendCounts = BACKENDS.split(",").length;
        int trials = 2 * (2 * selected.size() + weighted.size()) * backendCounts;
        err.printf("sluice: %d %s (%s)%s, %s each, about %d s in all; results in %s%n", selected.size(),
                selected.size() == 1 ? "strategy" : "strategies", String.join(", ", selected), weighted.isEmpty() ? "" : ", " + weighted.size() + " also with weights "
                        + UNEQUAL_WEIGHTS, profile.describe(), profile.estimateSeconds(trials), dir);
        List<Path> files = new ArrayList<>();
        for (int threads = 1; threads <= 2; threads++) {
            files.add(runJmh(jar, profile, BENCHMARK_REGEX, selected, EQUAL_WEIGHTS, threads,
                    dir.resolve("pick-t" + threads + ".json"), err));
            if (!weighted.isEmpty()) {
                files.add(runJmh(jar, profile, PICK_REGEX, weighted, UNEQUAL_WEIGHTS, threads,
                        dir.resolve("pick-weighted-t" + threads + ".json"), err));
            }
        }

        List<JmhResult> results = new ArrayList<>();
        for (Path f : files) {
            if (Files.isRegularFile(f)) {
                results.addAll(JmhResults.read(f));
            }
        }
        PickCostTable table = PickCostTable.of(results, registry.strategyNames());
        if (table.rows().isEmpty()) {
            throw new CliException("JMH produced no results (see its output above); JSON in " + dir);
        }
        String markdown = table.toMarkdown();
        writeSummary(dir.resolve("summary.md"), markdown, profile, results, files);
        stdout.println();
        stdout.println("Pick cost (" + profile.name() + " profile; " + Runtime.getRuntime().availableProcessors()
                + " CPUs):");
        stdout.println();
        stdout.print(markdown);
        stdout.println();
        stdout.println("Wrote " + dir.resolve("summary.md") + " and the JMH JSON beside it.");
        stdout.flush();
        return 0;
    }

    /**
     * The registered strategies among {@code requested} (all registered ones when null), in
     * registration order; unregistered names are skipped with a note on {@code err}.
     *
     * @throws CliException when nothing is left to measure
     */
    static List<String> select(List<String> registered, List<String> requested, PrintWriter err) {
        String known = registered.isEmpty() ? "none" : String.join(", ", registered);
        if (requested == null) {
            if (registered.isEmpty()) {
                throw new CliException("nothing to benchmark: no strategy is registered");
            }
            return registered;
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : requested) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (registered.contains(trimmed)) {
                wanted.add(trimmed);
            } else {
                err.println("sluice: skipping '" + trimmed + "': no such strategy is registered (registered: " + known
                        + ")");
            }
        }
        err.flush();
        if (wanted.isEmpty()) {
            throw new CliException("nothing to benchmark: none of the requested strategies is registered"
                    + " (registered: " + known + ")");
        }
        return registered.stream().filter(wanted::contains).toList();
    }

    /** The JMH arguments of one run; package-private so a test can check them without running JMH. */
    static List<String> jmhArguments(JmhProfile profile, String regex, List<String> strategies, String weights,
                                     int threads, Path resultFile) {
        List<String> args = new ArrayList<>(List.of(regex,
                "-p", "strategy=" + String.join(",", strategies),
                "-p", "backends=" + BACKENDS,
                "-p", "weights=" + weights,
                "-t", Integer.toString(threads),
                "-bm", "avgt", "-tu", "ns"));
        args.addAll(profile.jmhOptions());
        args.addAll(List.of("-rf", "json", "-rff", resultFile.toString()));
        return args;
    }

    private static Path runJmh(BenchmarksJar jar, JmhProfile profile, String regex, List<String> strategies,
                               String weights, int threads, Path resultFile, PrintWriter err) {
        err.printf("%nsluice: JMH, %d thread%s, weights %s: %s%n", threads, threads == 1 ? "" : "s", weights,
                String.join(", ", strategies));
        err.flush();
        int exit = jar.run(jmhArguments(profile, regex, strategies, weights, threads, resultFile));
        if (exit != 0) {
            throw new CliException("JMH failed (exit " + exit + ", " + threads + " thread(s), weights " + weights
                    + "); see its output above");
        }
        return resultFile;
    }

    private static void writeSummary(Path file, String table, JmhProfile profile, List<JmhResult> results,
                                     List<Path> jsonFiles) {
        String jdk = results.stream().map(JmhResult::jdkVersion).filter(v -> !v.isEmpty()).findFirst().orElse("?");
        StringBuilder md = new StringBuilder()
                .append("# Pick cost per strategy\n\n")
                .append("Measured ").append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
                .append(" by `sluice bench algorithms` (JMH `PickBenchmark`, average time per pick or retry): ")
                .append(profile.name()).append(" profile, ").append(profile.describe()).append("; JDK ").append(jdk)
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs.\n")
                .append("Equal weights (1) unless the row says otherwise; hashing strategies pick for 1024 distinct"
                        + " keys in turn, the others for requests without a key.\n\n")
                .append(table)
                .append("\nJMH JSON: ");
        List<String> names = jsonFiles.stream().filter(Files::isRegularFile).map(p -> "`" + p.getFileName() + "`")
                .toList();
        md.append(String.join(", ", names)).append(".\n");
        try {
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
