package io.sluice.simulator.scenario;

import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.engine.SimulationConfig;
import java.util.List;
import java.util.Objects;

/**
 * One run of a scenario: a strategy at one sweep point, ready to simulate once per seed.
 *
 * @param label      the strategy's label
 * @param spec       the strategy as configured
 * @param sweepValue the sweep parameter's value for this run, or null without a sweep
 * @param configs    everything the engine needs, one per seed of {@link Scenario#seedList()}, in that order;
 *                   they differ only in their seed
 * @param protection which side of a {@code compare-protection} this run is, or null without one
 */
public record ScenarioRun(String label, StrategySpec spec, Double sweepValue, List<SimulationConfig> configs,
                          Protection protection) {
    /**
     * One side of a protection comparison.
     *
     * @param strategy the label of the strategy both sides run
     * @param enabled  whether this side has the rate limits and the adaptive concurrency limit
     */
    public record Protection(String strategy, boolean enabled) {
        public Protection {
            Objects.requireNonNull(strategy, "strategy");
        }
    }

    /** A run outside any protection comparison. */
    public ScenarioRun(String label, StrategySpec spec, Double sweepValue, List<SimulationConfig> configs) {
        this(label, spec, sweepValue, configs, null);
    }

    public ScenarioRun {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(spec, "spec");
        configs = List.copyOf(configs);
        if (configs.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one seed");
        }
    }

    /** The configuration with the scenario's own (first) seed. */
    public SimulationConfig config() {
        return configs.get(0);
    }
}
