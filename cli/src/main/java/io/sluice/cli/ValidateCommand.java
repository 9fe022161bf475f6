package io.sluice.cli;

import io.sluice.cli.validate.Validation;
import io.sluice.cli.validate.ValidationReport;
import io.sluice.config.ConfigException;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import io.sluice.algorithms.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sluice validate SCENARIO}: each strategy in the simulator and for real (emulated backends,
 * the proxy, an open-model load generator), one report side by side. See {@link Validation}.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = SluiceCommand.Version.class,
        description = {"Run a scenario in the simulator and for real (emulated backends on 127.0.0.1, the proxy in"
                + " this JVM, an open-model load generator) for each strategy; write validation.html and"
                + " validation.json with predicted and measured side by side.",
                "Built-ins: validation-loopback (Poisson) and validation-campusiot (the CampusIoT trace), sized for a 2-core machine. Any scenario file or"
                        + " built-in of `sluice simulate` works; the first seed is used."})
final class ValidateCommand implements Callable<Integer> {
    static final String BUILTIN = "validation-loopback";
    /** The built-in validation scenarios, shipped in the cli jar under {@code validation/}. */
    static final java.util.List<String> BUILTINS = java.util.List.of(BUILTIN, "validation-campusiot");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "SCENARIO", defaultValue = BUILTIN,
            description = "A scenario file or built-in name (default: ${DEFAULT-VALUE}).")
    String scenario;

    @CommandLine.Option(names = "--strategies", split = ",", paramLabel = "NAME",
            description = "Strategies to compare (default: the scenario's).")
    List<String> strategies;

    @CommandLine.Option(names = "--duration", paramLabel = "TIME",
            description = "Offered load per strategy, e.g. 20s (default: the scenario's duration).")
    String duration;

    @CommandLine.Option(names = "--warm-up", paramLabel = "TIME",
            description = "Not measured at the start of each run (default: the scenario's warm-up).")
    String warmUp;

    @CommandLine.Option(names = "--calibration-samples", paramLabel = "N", defaultValue = "400",
            description = "Sequential requests measured per calibration path (default: ${DEFAULT-VALUE}).")
    int calibrationSamples;

    @CommandLine.Option(names = "--out", paramLabel = "DIR", defaultValue = "results/validation",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @CommandLine.Option(names = "--proxy-bench", paramLabel = "FILE",
            description = "Add a section from ./sluice bench proxy's proxy-bench.json.")
    Path proxyBench;

    @CommandLine.Option(names = "--gatling", paramLabel = "DIR",
            description = "Add a section from a Gatling run (its report folder, or load-tests/target/gatling for the"
                    + " newest run).")
    Path gatling;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Scenario s;
        try {
            s = load(scenario);
            if (strategies != null) {
                s = s.withStrategies(strategies);
            }
            s = s.withSeeds(1);
        } catch (ConfigException e) {
            err.println("sluice: " + String.join("\n  ", e.lines()));
            err.flush();
            return 1;
        }
        long d = duration == null ? s.durationNanos() : parse("--duration", duration);
        long w = warmUp == null ? s.warmUpNanos() : parse("--warm-up", warmUp);
        if (w >= d) {
            throw new CliException("--warm-up (" + Durations.format(w) + ") must be shorter than --duration ("
                    + Durations.format(d) + ")");
        }
        err.println("sluice validate: " + s.name() + ", " + s.strategies().size() + " strategies, "
                + Durations.format(d) + " each; measured on this machine as it is (a busy machine skews the real side)");
        err.flush();
        String extra;
        try {
            extra = (proxyBench == null ? "" : io.sluice.cli.validate.ExtraSections.proxyBench(proxyBench))
                    + (gatling == null ? "" : io.sluice.cli.validate.ExtraSections.gatling(gatling));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        Validation.Result r = new Validation(err).run(s, d, w, calibrationSamples);
        ValidationReport.write(r, out, extra);
        spec.commandLine().getOut().println("wrote " + out.resolve("validation.html") + " and "
                + out.resolve("validation.json"));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static long parse(String option, String text) {
        try {
            return Durations.parseNanos(text, option);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** The built-in validation scenario, or whatever {@code sluice simulate} accepts. */
    static Scenario load(String name) {
        if (BUILTINS.contains(name)) {
            try (InputStream in = ValidateCommand.class.getClassLoader()
                    .getResourceAsStream("validation/" + name + ".yaml")) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return Scenarios.parse(text, name, "builtin:" + name, null, Scenarios.Options.defaults());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Scenarios.load(name, Scenarios.Options.defaults());
    }
}
