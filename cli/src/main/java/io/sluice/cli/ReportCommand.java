package io.sluice.cli;

import io.sluice.reports.ReportGenerator;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice report RESULTS... [--out DIR]}: one static HTML report ({@code index.html}) from
 * simulator results and JMH JSON files, through {@link ReportGenerator}. A bad input prints one
 * line naming the file and the JSON path of the field, and exits 1:
 * <pre>{@code sluice: results.json: runs[2].summary.latencyMs.p99: expected a number, got "abc"}</pre>
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {
                "Turn simulator results (results.json, or the folder holding it) and JMH JSON into one"
                        + " self-contained HTML report: which strategy to deploy and why, latency percentiles,"
                        + " latency over time, load per backend, latency against load for sweeps, pick cost.",
                "The report opens offline from disk and makes no network request."})
final class ReportCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(arity = "1..*", paramLabel = "RESULTS",
            description = "Results files: simulator results.json (or its folder), JMH JSON (-rf json).")
    List<Path> inputs;

    @CommandLine.Option(names = "--out", paramLabel = "DIR",
            description = "Output directory for index.html (default: results/report-<yyyyMMdd-HHmmss>).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = out != null ? out : Path.of("results", "report-" + LocalDateTime.now().format(STAMP));
        try {
            Path index = ReportGenerator.generate(inputs, dir);
            stdout.println("Wrote " + index.toAbsolutePath().normalize());
            stdout.flush();
            return 0;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            // ReportInputException (an IllegalArgumentException) already names the file and the field.
            err.println("sluice: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
