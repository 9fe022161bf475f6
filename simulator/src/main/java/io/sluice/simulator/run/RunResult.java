package io.sluice.simulator.run;

import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.scenario.ScenarioRun;
import java.util.Objects;

/**
 * One finished simulation of a scenario.
 *
 * @param run          what ran: label, strategy, sweep value, configuration
 * @param result       what it measured
 * @param skippedLines malformed trace lines its workload skipped ({@code skip-bad-lines}); 0 for synthetic workloads
 */
public record RunResult(ScenarioRun run, SimulationResult result, long skippedLines) {
    public RunResult {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(result, "result");
    }
}
