package io.sluice.simulator.scenario;

import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.config.Problems;
import io.sluice.config.policy.PolicyReader;
import io.sluice.config.policy.StrategySection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The validation pass of a scenario's {@code strategies:}: {@code all}, or entries each a strategy
 * name or a mapping (name, label, params, wrappers), checked by the same {@link PolicyReader} a
 * proxy cluster's {@code strategy} is. Each entry runs the scenario's policy with its strategy.
 */
final class StrategiesReader {
    private static final String ALLOWED = "'all', or a list of strategy names or {name, label, params, wrappers}"
            + " mappings";

    private final Problems problems;
    private final StrategyRegistry registry;
    private final PolicyReader policies;

    StrategiesReader(Problems problems, StrategyRegistry registry) {
        this.problems = problems;
        this.registry = registry;
        this.policies = new PolicyReader(problems, registry);
    }

    /**
     * @param absentMeansAll what a scenario without the key compares: every strategy, or (with a
     *                       proxy config) none besides the config's own
     * @param taken          labels already in use (the proxy config's run)
     */
    List<ScenarioStrategy> read(List<StrategySection> entries, ClusterPolicy base, boolean absentMeansAll,
                                Set<String> taken) {
        List<ScenarioStrategy> out = new ArrayList<>();
        if (entries == null) {
            if (problems.isBad("strategies")) {
                problems.value("strategies", null, List.of(), ALLOWED);
                return out;
            }
            return absentMeansAll ? all(base) : out;
        }
        String written = problems.written("strategies");
        if (written != null) {
            if (written.trim().equalsIgnoreCase("all")) {
                return all(base);
            }
            problems.error("strategies", "'" + written + "' is not allowed; " + ALLOWED);
            return out;
        }
        if (entries.isEmpty()) {
            problems.error("strategies", "[] is not allowed; " + ALLOWED);
            return out;
        }
        Set<String> labels = new LinkedHashSet<>(taken);
        for (int i = 0; i < entries.size(); i++) {
            String path = Problems.index("strategies", i);
            StrategySection s = entries.get(i);
            if (s == null) {
                problems.value(path, null, s, "a strategy name or a {name, label, params, wrappers} mapping");
                continue;
            }
            StrategySpec spec = policies.strategy(path, s, true);
            String lp = Problems.join(path, "label");
            String label = s.label() == null ? (spec == null ? null : spec.name()) : s.label().trim();
            if (s.label() != null && label.isEmpty()) {
                problems.error(lp, "empty; give a label or leave it out (the strategy name)");
                continue;
            }
            if (spec == null) {
                continue;
            }
            if (!labels.add(label)) {
                problems.error(path, "the label '" + label + "' is used twice; give each entry its own label");
                continue;
            }
            out.add(new ScenarioStrategy(label, base.withStrategy(spec)));
        }
        return out;
    }

    private List<ScenarioStrategy> all(ClusterPolicy base) {
        List<ScenarioStrategy> out = new ArrayList<>();
        for (String n : registry.strategyNames()) {
            out.add(new ScenarioStrategy(n, base.withStrategy(StrategySpec.of(n))));
        }
        if (out.isEmpty()) {
            problems.error("strategies", "no strategy is registered");
        }
        return out;
    }
}
