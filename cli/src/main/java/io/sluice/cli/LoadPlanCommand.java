package io.sluice.cli;

import io.sluice.simulator.engine.RandomStreams;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code sluice load-plan SCENARIO --out FILE}: the scenario's arrivals (the stream the simulator
 * draws for its seed, traces with their time compression and amplification applied) as a CSV
 * {@code offset_us,device}, which the Gatling simulation of {@code load-tests/} turns into an
 * open-model injection profile and a device-id feeder.
 */
@Command(name = "load-plan", mixinStandardHelpOptions = true, versionProvider = SluiceCommand.Version.class,
        description = {"Write a scenario's arrivals as CSV (offset_us,device) for the Gatling simulation in"
                + " load-tests/ (see load-tests/README.md)."})
final class LoadPlanCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "SCENARIO", description = "A scenario file or built-in name.")
    String scenario;

    @CommandLine.Option(names = "--out", paramLabel = "FILE", required = true, description = "The CSV to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        Scenario s = ValidateCommand.load(scenario);
        long n = 0;
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
             ArrayStreamHolder h = new ArrayStreamHolder(s)) {
            w.write("offset_us,device\n");
            Arrival a = new Arrival();
            while (h.stream.next(a) && a.timeNanos < s.durationNanos()) {
                w.write(Long.toString(a.timeNanos / 1000));
                w.write(',');
                w.write(a.deviceId == null ? "" : a.deviceId);
                w.write('\n');
                n++;
            }
        }
        spec.commandLine().getOut().println("wrote " + n + " arrivals over " + s.durationNanos() / 1_000_000_000.0
                + " s to " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static final class ArrayStreamHolder implements AutoCloseable {
        final ArrivalStream stream;

        ArrayStreamHolder(Scenario s) {
            stream = s.workload().open(RandomStreams.seed(s.seed(), "workload"), s.durationNanos());
        }

        @Override
        public void close() {
            stream.close();
        }
    }
}
