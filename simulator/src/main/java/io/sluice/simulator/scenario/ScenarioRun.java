package io.sluice.simulator.scenario;

import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.engine.SimulationConfig;
import java.util.Objects;

/**
 * One simulation of a scenario: a strategy at one sweep point, ready to run.
 *
 * @param label      the strategy's label
 * @param spec       the strategy as configured
 * @param sweepValue the sweep parameter's value for this run, or null without a sweep
 * @param config     everything the engine needs, seed included
 */
public record ScenarioRun(String label, StrategySpec spec, Double sweepValue, SimulationConfig config) {
    public ScenarioRun {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(config, "config");
    }
}
