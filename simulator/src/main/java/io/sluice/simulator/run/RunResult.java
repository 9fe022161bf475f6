package io.sluice.simulator.run;

import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.scenario.ScenarioRun;
import java.util.Map;
import java.util.Objects;

/**
 * One finished simulation of a scenario.
 *
 * @param run          what ran: label, strategy, sweep value, configuration
 * @param result       what it measured
 * @param skippedLines malformed trace lines its workload skipped ({@code skip-bad-lines}); 0 for synthetic workloads
 * @param requestsByType the measured window's arrivals by message type name (numbers first, then words,
 *                       see {@code TypeTally}); empty when the workload carries no types
 */
public record RunResult(ScenarioRun run, SimulationResult result, long skippedLines, Map<String, Long> requestsByType) {
    public RunResult {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(requestsByType, "requestsByType");
    }
}
