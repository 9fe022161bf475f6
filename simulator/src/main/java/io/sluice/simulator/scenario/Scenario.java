package io.sluice.simulator.scenario;

import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.simulator.engine.SimulationConfig;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.workload.WorkloadSpec;
import io.sluice.simulator.workload.Workloads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated scenario: a backend fleet, a load-balancer tier and the cluster policy it runs (from
 * the scenario's {@code load-balancer} section or from a proxy config), scripted events, a workload,
 * the strategies (or whole policies) to compare and an optional {@link Sweep}, with the run's
 * length and seed. Immutable; read one with {@link Scenarios}, vary it with {@link #withSeed},
 * {@link #withStrategies} and {@link #compare}, and get the simulations to run, in scenario order,
 * from {@link #runs()}.
 *
 * <p>Scenario order is strategy-major: every sweep value of the first strategy, then of the second,
 * and so on. Every run uses the scenario's seed, so all strategies see the same arrivals (common
 * random numbers: differences between them are the strategies', not the workload's noise).
 */
public final class Scenario {
    private final String name;
    private final String description;
    private final String source;
    private final String yaml;
    private final long seed;
    private final long durationNanos;
    private final long warmUpNanos;
    private final long intervalNanos;
    private final long drainLimitNanos;
    private final List<BackendGroup> backends;
    private final List<String> backendSummary;
    private final LoadBalancerModel loadBalancer;
    private final ClusterPolicy policy;
    private final String requestMethod;
    private final String policySource;
    private final boolean comparison;
    private final List<ScriptedEvent> events;
    private final WorkloadSpec workload;
    private final List<ScenarioStrategy> strategies;
    private final Sweep sweep;
    private final StrategyRegistry registry;

    Scenario(String name, String description, String source, String yaml, long seed, long durationNanos,
             long warmUpNanos, long intervalNanos, long drainLimitNanos, List<BackendGroup> backends,
             List<String> backendSummary, LoadBalancerModel loadBalancer, ClusterPolicy policy, String requestMethod,
             String policySource, boolean comparison, List<ScriptedEvent> events, WorkloadSpec workload,
             List<ScenarioStrategy> strategies, Sweep sweep, StrategyRegistry registry) {
        this.name = Objects.requireNonNull(name);
        this.description = Objects.requireNonNull(description);
        this.source = Objects.requireNonNull(source);
        this.yaml = Objects.requireNonNull(yaml);
        this.seed = seed;
        this.durationNanos = durationNanos;
        this.warmUpNanos = warmUpNanos;
        this.intervalNanos = intervalNanos;
        this.drainLimitNanos = drainLimitNanos;
        this.backends = List.copyOf(backends);
        this.backendSummary = List.copyOf(backendSummary);
        this.loadBalancer = Objects.requireNonNull(loadBalancer);
        this.policy = Objects.requireNonNull(policy);
        this.requestMethod = Objects.requireNonNull(requestMethod);
        this.policySource = policySource;
        this.comparison = comparison;
        this.events = List.copyOf(events);
        this.workload = Objects.requireNonNull(workload);
        this.strategies = List.copyOf(strategies);
        this.sweep = sweep;
        this.registry = Objects.requireNonNull(registry);
    }

    private Scenario with(long newSeed, List<ScenarioStrategy> newStrategies, boolean newComparison) {
        return new Scenario(name, description, source, yaml, newSeed, durationNanos, warmUpNanos, intervalNanos,
                drainLimitNanos, backends, backendSummary, loadBalancer, policy, requestMethod, policySource,
                newComparison, events, workload, newStrategies, sweep, registry);
    }

    /** The same scenario with another sweep (null for none); the readers build it this way. */
    Scenario withSweep(Sweep newSweep) {
        return new Scenario(name, description, source, yaml, seed, durationNanos, warmUpNanos, intervalNanos,
                drainLimitNanos, backends, backendSummary, loadBalancer, policy, requestMethod, policySource,
                comparison, events, workload, strategies, newSweep, registry);
    }

    /** The same scenario with another seed. */
    public Scenario withSeed(long newSeed) {
        return with(newSeed, strategies, comparison);
    }

    /**
     * The current policy and a proposed one on the same traffic, capacity model and seed: two runs,
     * labelled {@link #CURRENT} and {@link #PROPOSED}, that the report shows side by side.
     */
    Scenario compare(ScenarioStrategy current, ScenarioStrategy proposed) {
        return with(seed, List.of(current, proposed), true);
    }

    /** The labels of a comparison's two runs. */
    public static final String CURRENT = "current";
    public static final String PROPOSED = "proposed";

    /**
     * The same scenario comparing only the named strategies, in the order given. A name that is
     * the label of one of the scenario's strategies selects it (with its parameters and wrappers);
     * any other registered strategy name runs with default parameters.
     *
     * @throws ScenarioException for an empty list, a repeated name, or a name that is neither,
     *                           listing the valid names
     */
    public Scenario withStrategies(List<String> names) {
        if (names.isEmpty()) {
            throw new ScenarioException("--strategies: give at least one strategy; valid strategies: "
                    + String.join(", ", registry.strategyNames()));
        }
        Map<String, ScenarioStrategy> byLabel = new LinkedHashMap<>();
        for (ScenarioStrategy s : strategies) {
            byLabel.put(s.label(), s);
        }
        List<ScenarioStrategy> chosen = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String raw : names) {
            String n = raw.trim();
            if (seen.contains(n)) {
                throw new ScenarioException("--strategies: '" + n + "' is listed twice");
            }
            seen.add(n);
            ScenarioStrategy s = byLabel.get(n);
            if (s == null) {
                if (!registry.strategyNames().contains(n)) {
                    List<String> labels = new ArrayList<>(byLabel.keySet());
                    labels.removeAll(registry.strategyNames());
                    throw new ScenarioException("unknown strategy '" + n + "'; valid strategies: "
                            + String.join(", ", registry.strategyNames())
                            + (labels.isEmpty() ? "" : "; this scenario's labels: " + String.join(", ", labels)));
                }
                s = new ScenarioStrategy(n, policy.withStrategy(StrategySpec.of(n)));
            }
            chosen.add(s);
        }
        return with(seed, chosen, false);
    }

    /**
     * Every simulation of the scenario in scenario order: strategy-major, then sweep values.
     *
     * @throws IllegalArgumentException if a strategy cannot be built (cannot happen for a parsed scenario)
     */
    public List<ScenarioRun> runs() {
        List<ScenarioRun> out = new ArrayList<>();
        for (ScenarioStrategy s : strategies) {
            if (sweep == null) {
                out.add(new ScenarioRun(s.label(), s.spec(), null, config(s, workload)));
            } else {
                for (double v : sweep.values()) {
                    out.add(new ScenarioRun(s.label(), s.spec(), v, config(s, sweptWorkload(v))));
                }
            }
        }
        return out;
    }

    /** The workload at sweep value {@code v}; see {@link Sweep} for the definitions. */
    WorkloadSpec sweptWorkload(double v) {
        double factor = switch (sweep.parameter()) {
            case LOAD -> v * capacityPerSecond() / workload.meanRatePerSecond();
            case RATE_MULTIPLIER -> v;
        };
        return Workloads.timeScaled(workload, factor);
    }

    private SimulationConfig config(ScenarioStrategy s, WorkloadSpec w) {
        return SimulationConfig.builder()
                .backends(s.backends() != null ? s.backends() : backends)
                .loadBalancer(loadBalancer)
                .events(events)
                .policy(s.policy(), registry)
                .requestMethod(requestMethod)
                .workload(w)
                .durationNanos(durationNanos)
                .warmUpNanos(warmUpNanos)
                .intervalNanos(intervalNanos)
                .drainLimitNanos(drainLimitNanos)
                .seed(seed)
                .build();
    }

    /**
     * Nominal capacity of the fleet in requests per second: {@code sum over backends of servers *
     * speed / E[S]}, {@code E[S]} the mean service time in seconds. The denominator of the
     * {@link Sweep.Parameter#LOAD load} sweep.
     */
    public double capacityPerSecond() {
        double c = 0;
        for (BackendGroup g : backends) {
            c += g.count() * g.concurrency() * g.speed() / (g.serviceTime().mean() / 1e9);
        }
        return c;
    }

    /** Built-in name, or the file name without its extension. */
    public String name() {
        return name;
    }

    /** The scenario's own paragraph about itself; empty when it has none. */
    public String description() {
        return description;
    }

    /** {@code builtin:<name>}, or the path as the user gave it. */
    public String source() {
        return source;
    }

    /** The scenario text exactly as read. */
    public String yaml() {
        return yaml;
    }

    public long seed() {
        return seed;
    }

    /** Arrivals are generated in {@code [0, duration)}. */
    public long durationNanos() {
        return durationNanos;
    }

    /** Requests arriving before this are not measured. */
    public long warmUpNanos() {
        return warmUpNanos;
    }

    /** Length of one interval of the time series; the warm-up is a whole number of them. */
    public long intervalNanos() {
        return intervalNanos;
    }

    public long drainLimitNanos() {
        return drainLimitNanos;
    }

    /** The fleet as backend groups in order (a group with several speeds is several groups). */
    public List<BackendGroup> backends() {
        return backends;
    }

    /** Total backends. */
    public int backendCount() {
        return BackendGroup.totalCount(backends);
    }

    /** The fleet and its scripted events in one line, for people. */
    public String describeBackends() {
        StringBuilder s = new StringBuilder();
        s.append(backendCount()).append(backendCount() == 1 ? " backend: " : " backends: ")
                .append(String.join("; ", backendSummary));
        for (ScriptedEvent e : events) {
            s.append("; ").append(EventsReader.describe(e));
        }
        return s.toString();
    }

    public LoadBalancerModel loadBalancer() {
        return loadBalancer;
    }

    /**
     * The policy the scenario's load-balancer tier runs; each entry of {@link #strategies()} is it
     * with the entry's strategy (a comparison's entries are whole policies of their own).
     */
    public ClusterPolicy policy() {
        return policy;
    }

    /** The HTTP method of the simulated requests ({@code request-method}). */
    public String requestMethod() {
        return requestMethod;
    }

    /**
     * Where the policy came from: {@code proxy-config <file> cluster <name>}, or null when it is the
     * scenario's own {@code load-balancer} section.
     */
    public String policySource() {
        return policySource;
    }

    /** Whether this is a {@link #compare} of a current and a proposed policy. */
    public boolean isComparison() {
        return comparison;
    }

    public List<ScriptedEvent> events() {
        return events;
    }

    /** The workload as the scenario defines it, before any sweep scaling. */
    public WorkloadSpec workload() {
        return workload;
    }

    /** The workload's mean rate in requests per second before sweep scaling; NaN when unknown (traces). */
    public double offeredRatePerSecond() {
        return workload.meanRatePerSecond();
    }

    public List<ScenarioStrategy> strategies() {
        return strategies;
    }

    /** The sweep, or null for one run per strategy. */
    public Sweep sweep() {
        return sweep;
    }

    /** Where the strategies come from. */
    public StrategyRegistry registry() {
        return registry;
    }

    @Override
    public String toString() {
        return name + " (" + source + ", seed " + seed + ")";
    }
}
