package io.sluice.simulator.run;

import io.sluice.simulator.metrics.Confidence;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.scenario.ScenarioRun;
import java.util.List;
import java.util.Objects;

/**
 * One finished run of a scenario: a strategy (at one sweep value) simulated once per seed.
 *
 * @param run          what ran: label, strategy, sweep value, one configuration per seed
 * @param seeds        what each seed's simulation measured, in the order of {@code run.configs()}
 * @param skippedLines malformed trace lines its workload skipped ({@code skip-bad-lines}) in one pass over
 *                     the trace (every seed reads the same lines); 0 for synthetic workloads
 */
public record RunResult(ScenarioRun run, List<SimulationResult> seeds, long skippedLines) {
    public RunResult {
        Objects.requireNonNull(run, "run");
        seeds = List.copyOf(seeds);
        if (seeds.size() != run.configs().size()) {
            throw new IllegalArgumentException("run " + run.label() + " has " + run.configs().size()
                    + " seeds but " + seeds.size() + " results");
        }
    }

    /** The seeds taken together ({@link SimulationResult#pooled}); the only result with one seed. */
    public SimulationResult result() {
        return SimulationResult.pooled(seeds);
    }

    /** 95 % intervals of p99, mean latency and failed share over the seeds. */
    public Confidence confidence() {
        return Confidence.of(seeds);
    }
}
