package io.sluice.simulator.scenario;

import io.sluice.algorithms.StrategySpec;
import java.util.Objects;

/**
 * One strategy a scenario compares: the label its runs are reported under and what to build.
 *
 * @param label what users read in tables and reports; the strategy name unless the scenario chose one
 * @param spec  the strategy by name, with its parameters and wrappers
 */
public record ScenarioStrategy(String label, StrategySpec spec) {
    public ScenarioStrategy {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(spec, "spec");
    }
}
