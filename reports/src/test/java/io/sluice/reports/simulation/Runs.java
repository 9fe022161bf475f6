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

    /**
     * A run over several seeds: p99 and mean intervals as {@code {mean, low, high}} in ms, the failed
     * share {@code {mean, low, high}}.
     */
    static Run withIntervals(String strategy, double[] failed, double[] p99, double[] mean, Double jain) {
        Run plain = run(strategy, null, failed[0], p99[0], mean[0], jain);
        SimulationResults.Confidence c = new SimulationResults.Confidence("student-t", 0.95, 5, interval(p99),
                interval(mean), interval(failed));
        return new Run(strategy, strategy, null, 1, plain.summary(), c, List.of(), plain.latencyHistogram(),
                List.of(), plain.timeSeries());
    }

    private static SimulationResults.Interval interval(double[] v) {
        return v.length == 1 ? new SimulationResults.Interval(v[0], null, null)
                : new SimulationResults.Interval(v[0], v[1], v[2]);
    }

    static Run run(String strategy, Double sweepValue, double failed, Double p99, Double mean, Double jain) {
        Summary summary = new Summary(1000, 1000, 0, 0, 0, 0, 10, failed, 0.0, 0.0,
                new Latency(mean, null, null, p99, null, null), jain, 1.0, null, null, Map.of());
        return new Run(strategy, strategy, sweepValue, 1, summary, null, List.of(),
                new LatencyHistogram(List.of(), List.of()),
                List.of(), new TimeSeries(1, List.of(), List.of(), List.of(), List.of(), List.of(), Map.of()));
    }
}
