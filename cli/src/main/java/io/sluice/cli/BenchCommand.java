package io.sluice.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice bench}: the benchmark suites. Each suite is a subcommand; add one by listing its
 * class in {@code subcommands} below. They share {@link BenchmarksJar} (build and run the JMH jar),
 * {@link JmhProfile} and {@link #defaultOutDir()}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark suite and summarise it. Results go to results/bench-<time>/ unless --out says"
                + " otherwise.",
        subcommands = {
                BenchAlgorithmsCommand.class,
                BenchProxyCommand.class,
                BenchOverloadCommand.class
        })
final class BenchCommand implements Runnable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code results/bench-<yyyyMMdd-HHmmss>}, relative to the working directory, local time now. */
    static Path defaultOutDir() {
        return defaultOutDir("bench");
    }

    /** {@code results/<suite>-<yyyyMMdd-HHmmss>}, relative to the working directory, local time now. */
    static Path defaultOutDir(String suite) {
        return Path.of("results", suite + "-" + LocalDateTime.now().format(STAMP));
    }
}
