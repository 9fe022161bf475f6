package io.sluice.reports.simulation;

import io.sluice.reports.simulation.SimulationResults.Latency;
import io.sluice.reports.simulation.SimulationResults.LatencyHistogram;
import io.sluice.reports.simulation.SimulationResults.Run;
import io.sluice.reports.simulation.SimulationResults.Summary;
import io.sluice.reports.simulation.SimulationResults.TimeSeries;
import java.util.List;
import java.util.Map;

/** Runs with only what the recommendation reads, for rule tests. */
final class Runs {
    private Runs() {
    }

    /**
     * @param failed  the error rate (timeouts and rejections 0)
     * @param p99     {@code null} for a run that completed nothing
     */
    static Run run(String strategy, double failed, Double p99, Double mean, Double jain) {
        return run(strategy, null, failed, p99, mean, jain);
    }

    static Run run(String strategy, Double sweepValue, double failed, Double p99, Double mean, Double jain) {
        Summary summary = new Summary(1000, 1000, 0, 0, 0, 0, 10, failed, 0.0, 0.0,
                new Latency(mean, null, null, p99, null, null), jain, 1.0, null, null, Map.of());
        return new Run(strategy, strategy, sweepValue, 1, summary, new LatencyHistogram(List.of(), List.of()),
                List.of(), new TimeSeries(1, List.of(), List.of(), List.of(), List.of(), List.of(), Map.of()));
    }
}
