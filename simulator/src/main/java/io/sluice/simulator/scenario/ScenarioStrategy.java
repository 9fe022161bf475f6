package io.sluice.simulator.scenario;

import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.simulator.model.BackendGroup;
import java.util.List;
import java.util.Objects;

/**
 * One entry a scenario compares: the label its runs are reported under and the whole cluster
 * policy to run, strategy included. Entries of a {@code strategies:} list share every setting but
 * the strategy; a {@code --compare} run's two entries may differ in anything.
 *
 * @param label    what users read in tables and reports; the strategy name unless the scenario chose one
 * @param policy   the strategy, its wrappers, and everything around it
 * @param backends the backends as this entry's load balancers see them (a proxy config's weights and
 *                 zones over the scenario's capacity model), or null for the scenario's own
 */
public record ScenarioStrategy(String label, ClusterPolicy policy, List<BackendGroup> backends) {
    public ScenarioStrategy {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(policy, "policy");
        backends = backends == null ? null : List.copyOf(backends);
    }

    /** An entry over the scenario's own backends. */
    public ScenarioStrategy(String label, ClusterPolicy policy) {
        this(label, policy, null);
    }

    /** The strategy by name, with its parameters and wrappers. */
    public StrategySpec spec() {
        return policy.strategy();
    }
}
