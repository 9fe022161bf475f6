package io.sluice.cli;

import io.sluice.reports.ReportGenerator;
import io.sluice.reports.ReportInputException;
import io.sluice.simulator.output.ResultsJson;
import io.sluice.simulator.run.RunResult;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice demo}: the first thing a new user runs. Replays the built-in CampusIoT scenario
 * (real LoRaWAN frames amplified to a 10,000-device fleet over a heterogeneous backend pool, one
 * backend slowing down mid-run) through every registered strategy, writes the results and the
 * HTML report, and prints where the report is.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
                "Replay the CampusIoT trace (10,000 devices) through every routing strategy, then write the HTML"
                        + " report that says which one to deploy.",
                "Writes results/demo/results.json and results/demo/report/index.html unless --out says otherwise."})
final class DemoCommand implements Runnable {
    /** The built-in scenario the demo runs. */
    static final String SCENARIO = "campusiot-fleet";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: results/demo).")
    Path out = Path.of("results", "demo");

    @CommandLine.Option(names = "--seed", paramLabel = "N", description = "Override the scenario's seed.")
    Long seed;

    @CommandLine.Option(names = "--seeds", paramLabel = "N",
            description = "Seeds per strategy (default: the scenario's, see its seeds key).")
    Integer seeds;

    @CommandLine.Option(names = "--threads", paramLabel = "N",
            description = "Simulations run at once (default: all cores). Results do not depend on it.")
    Integer threads;

    @Override
    public void run() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (threads != null && threads < 1) {
            throw new CliException("--threads must be >= 1, got " + threads);
        }
        Scenario scenario = Scenarios.load(SCENARIO, Scenarios.Options.defaults());
        if (seed != null) {
            scenario = scenario.withSeed(seed);
        }
        if (seeds != null) {
            scenario = scenario.withSeeds(seeds);
        }
        stderr.println("sluice demo: " + SCENARIO + ", " + scenario.runs().size() + " strategies x "
                + scenario.seeds() + " seeds...");
        stderr.flush();
        List<RunResult> results = SimulateCommand.runAll(scenario, threads, stdout, stderr);
        Path resultsFile;
        try {
            resultsFile = ResultsJson.write(out, scenario, results);
        } catch (IOException e) {
            throw new CliException("cannot write " + out.resolve(ResultsJson.FILE_NAME) + ": " + e.getMessage(), e);
        }
        Path index;
        try {
            index = ReportGenerator.generate(List.of(resultsFile), out.resolve("report"));
        } catch (ReportInputException | java.io.UncheckedIOException e) {
            throw new CliException("could not write the report: " + e.getMessage(), e);
        }
        stdout.println("results: " + resultsFile);
        stdout.println("report:  " + index.toAbsolutePath().normalize());
        stdout.flush();
    }
}
