package io.sluice.simulator.engine;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.workload.WorkloadSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything one simulation run needs: the backends, the load-balancer tier and the
 * {@link ClusterPolicy} every instance of it runs (strategy, health checks, outlier detection,
 * timeouts, retries, session persistence, picker refresh: the object a proxy cluster runs), the
 * workload and the method its requests carry, scripted events, the run's length and its seed.
 * Immutable and validated; build with {@link #builder()} and run with {@link Simulation#of(SimulationConfig)}.
 *
 * <p>Time is virtual, in nanoseconds from the start of the run. The run measures requests that
 * arrive in {@code [warmUp, duration)}, then drains (up to {@link #drainLimitNanos()}) so those
 * requests end. Example:
 * <pre>{@code
 * SimulationConfig config = SimulationConfig.builder()
 *         .backends(BackendGroup.builder("api", 100).concurrency(4)
 *                 .serviceTime(Distribution.lognormal(5e6, 1.0)).build())
 *         .loadBalancer(LoadBalancerModel.builder().instances(3).build())
 *         .policy(ClusterPolicy.builder(StrategySpec.of("p2c-least-request"))
 *                 .timeouts(new Timeouts(1_000_000_000L, 2_000_000_000L)).build())
 *         .workload(poisson)
 *         .durationNanos(60_000_000_000L).warmUpNanos(10_000_000_000L)
 *         .seed(42)
 *         .build();
 * SimulationResult result = Simulation.of(config).run();
 * }</pre>
 */
public final class SimulationConfig {
    private final List<BackendGroup> backends;
    private final LoadBalancerModel loadBalancer;
    private final ClusterPolicy policy;
    private final StrategyRegistry registry;
    private final String requestMethod;
    private final Function<Environment, Strategy> customStrategy;
    private final String customStrategyName;
    private final WorkloadSpec workload;
    private final List<ScriptedEvent> events;
    private final long durationNanos;
    private final long warmUpNanos;
    private final long intervalNanos;
    private final long drainLimitNanos;
    private final long seed;
    private final String misbehavingDevices;

    private SimulationConfig(Builder b) {
        this.backends = List.copyOf(b.backends);
        this.loadBalancer = b.loadBalancer;
        this.policy = b.policy;
        this.registry = b.registry;
        this.requestMethod = b.requestMethod;
        this.customStrategy = b.customStrategy;
        this.customStrategyName = b.customStrategyName;
        this.workload = b.workload;
        this.events = List.copyOf(b.events);
        this.durationNanos = b.durationNanos;
        this.warmUpNanos = b.warmUpNanos;
        this.intervalNanos = b.intervalNanos > 0 ? b.intervalNanos : Math.min(1_000_000_000L, b.durationNanos);
        this.drainLimitNanos = b.drainLimitNanos;
        this.seed = b.seed;
        this.misbehavingDevices = b.misbehavingDevices;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to vary one setting (a seed sweep, a strategy comparison). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.backends.addAll(backends);
        b.loadBalancer = loadBalancer;
        b.policy = policy;
        b.registry = registry;
        b.requestMethod = requestMethod;
        b.customStrategy = customStrategy;
        b.customStrategyName = customStrategyName;
        b.workload = workload;
        b.events.addAll(events);
        b.durationNanos = durationNanos;
        b.warmUpNanos = warmUpNanos;
        b.intervalNanos = intervalNanos;
        b.drainLimitNanos = drainLimitNanos;
        b.seed = seed;
        b.misbehavingDevices = misbehavingDevices;
        return b;
    }

    /**
     * The device-id prefix of the misbehaving devices, or null: the result's well-behaved figures
     * ({@code SimulationResult.wellBehaved}) are of the devices without it.
     */
    public String misbehavingDevices() {
        return misbehavingDevices;
    }

    /** Backend groups in order; backend {@code i} of the run is the i-th backend across the groups. */
    public List<BackendGroup> backends() {
        return backends;
    }

    public LoadBalancerModel loadBalancer() {
        return loadBalancer;
    }

    /** The policy every load-balancer instance runs; its strategy is a placeholder for a custom strategy. */
    public ClusterPolicy policy() {
        return policy;
    }

    /** The strategy by name and parameters; null when a custom strategy factory was given. */
    public StrategySpec strategy() {
        return customStrategy != null ? null : policy.strategy();
    }

    /** Where the strategy (and its wrappers) come from. */
    public StrategyRegistry registry() {
        return registry;
    }

    /** What the strategy is called in reports. */
    public String strategyName() {
        return customStrategy != null ? customStrategyName : policy.strategy().toString();
    }

    /**
     * The HTTP method of the simulated requests: whether they are idempotent (a timeout is retried
     * only then, unless the policy says otherwise) and whether they carry a body (a request whose
     * body reached a backend is never sent again). {@code POST} by default, as IoT uplinks are.
     */
    public String requestMethod() {
        return requestMethod;
    }

    public WorkloadSpec workload() {
        return workload;
    }

    /** Scripted events in the order given (the engine orders them by time, ties in this order). */
    public List<ScriptedEvent> events() {
        return events;
    }

    /** Arrivals are generated in {@code [0, duration)}. */
    public long durationNanos() {
        return durationNanos;
    }

    /** Requests arriving before this are not measured. */
    public long warmUpNanos() {
        return warmUpNanos;
    }

    /** Length of one interval of the time series. */
    public long intervalNanos() {
        return intervalNanos;
    }

    /** How long after the duration the run may go on to let measured requests end. */
    public long drainLimitNanos() {
        return drainLimitNanos;
    }

    public long seed() {
        return seed;
    }

    /** Total backends across the groups. */
    public int backendCount() {
        return BackendGroup.totalCount(backends);
    }

    /** A strategy instance for one load balancer instance with its own environment. */
    Strategy createStrategy(Environment env) {
        return customStrategy != null ? customStrategy.apply(env) : registry.create(policy.strategy(), env);
    }

    /** One line: strategy, fleet, load balancers, workload. */
    public String describe() {
        return strategyName() + " | " + backends + " | " + loadBalancer + " | " + policyWithoutStrategy() + " | "
                + requestMethod + " | " + workload.describe();
    }

    private String policyWithoutStrategy() {
        String all = policy.toString();
        String strategy = policy.strategy().toString();
        return all.startsWith(strategy + ", ") ? all.substring(strategy.length() + 2)
                : all.equals(strategy) ? "default policy" : all;
    }

    /** Builds a {@link SimulationConfig}; every setting is checked at {@link #build()}. */
    public static final class Builder {
        private final List<BackendGroup> backends = new ArrayList<>();
        private LoadBalancerModel loadBalancer = LoadBalancerModel.single();
        private ClusterPolicy policy;
        private StrategyRegistry registry;
        private String requestMethod = "POST";
        private Function<Environment, Strategy> customStrategy;
        private String customStrategyName;
        private WorkloadSpec workload;
        private final List<ScriptedEvent> events = new ArrayList<>();
        private long durationNanos;
        private long warmUpNanos;
        private long intervalNanos;
        private long drainLimitNanos = 60_000_000_000L;
        private long seed = 1;
        private String misbehavingDevices;

        private Builder() {
        }

        /** Adds a group of backends (call again for a heterogeneous fleet). */
        public Builder backends(BackendGroup group) {
            backends.add(Objects.requireNonNull(group, "group"));
            return this;
        }

        /** Replaces every group. */
        public Builder backends(List<BackendGroup> groups) {
            backends.clear();
            groups.forEach(this::backends);
            return this;
        }

        public Builder loadBalancer(LoadBalancerModel model) {
            this.loadBalancer = Objects.requireNonNull(model, "loadBalancer");
            return this;
        }

        /** A policy of this strategy with every other setting at its default. */
        public Builder strategy(StrategySpec spec) {
            return policy(ClusterPolicy.of(Objects.requireNonNull(spec, "strategy")));
        }

        /** The policy, its strategy from {@link StrategyRegistry#standard()}: the same classes the proxy runs. */
        public Builder policy(ClusterPolicy p) {
            return policy(p, StrategyRegistry.standard());
        }

        /** The policy, its strategy from another registry (custom strategies on another class loader). */
        public Builder policy(ClusterPolicy p, StrategyRegistry from) {
            this.policy = Objects.requireNonNull(p, "policy");
            this.registry = Objects.requireNonNull(from, "registry");
            this.customStrategy = null;
            this.customStrategyName = null;
            return this;
        }

        /** The HTTP method the requests carry; {@code POST} by default. */
        public Builder requestMethod(String method) {
            this.requestMethod = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * A strategy that is not registered (a prototype under test): {@code factory} is called once
         * per load balancer instance with that instance's environment.
         */
        public Builder strategy(String name, Function<Environment, Strategy> factory) {
            this.customStrategy = Objects.requireNonNull(factory, "factory");
            this.customStrategyName = Objects.requireNonNull(name, "name");
            if (policy == null) {
                policy = ClusterPolicy.of(StrategySpec.of(name));
            }
            if (registry == null) {
                registry = StrategyRegistry.standard();
            }
            return this;
        }

        public Builder workload(WorkloadSpec spec) {
            this.workload = Objects.requireNonNull(spec, "workload");
            return this;
        }

        public Builder event(ScriptedEvent event) {
            events.add(Objects.requireNonNull(event, "event"));
            return this;
        }

        public Builder events(List<ScriptedEvent> list) {
            events.clear();
            list.forEach(this::event);
            return this;
        }

        public Builder durationNanos(long nanos) {
            this.durationNanos = nanos;
            return this;
        }

        public Builder warmUpNanos(long nanos) {
            this.warmUpNanos = nanos;
            return this;
        }

        /** Time-series interval; default {@code min(1 s, duration)}. */
        public Builder intervalNanos(long nanos) {
            this.intervalNanos = nanos;
            return this;
        }

        /** Default 60 s. */
        public Builder drainLimitNanos(long nanos) {
            this.drainLimitNanos = nanos;
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** @param prefix the device-id prefix of misbehaving devices, or null for none */
        public Builder misbehavingDevices(String prefix) {
            this.misbehavingDevices = prefix;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first bad or missing setting and what is allowed
         */
        public SimulationConfig build() {
            if (backends.isEmpty()) {
                throw new IllegalArgumentException("simulation: at least one backend group is required");
            }
            if (workload == null) {
                throw new IllegalArgumentException("simulation: a workload is required");
            }
            if (policy == null) {
                throw new IllegalArgumentException("simulation: a strategy is required");
            }
            if (requestMethod.isEmpty() || !io.sluice.algorithms.policy.AffinityPolicy.isToken(requestMethod)) {
                throw new IllegalArgumentException("simulation: request method '" + requestMethod + "' is not an HTTP"
                        + " method");
            }
            if (durationNanos <= 0) {
                throw new IllegalArgumentException("simulation: duration must be > 0 ns, got " + durationNanos);
            }
            if (warmUpNanos < 0 || warmUpNanos >= durationNanos) {
                throw new IllegalArgumentException("simulation: warm-up must be in [0, duration) = [0, "
                        + durationNanos + ") ns, got " + warmUpNanos);
            }
            if (intervalNanos < 0) {
                throw new IllegalArgumentException("simulation: interval must be > 0 ns (0: default), got "
                        + intervalNanos);
            }
            if (intervalNanos > 0 && durationNanos / intervalNanos > 1_000_000) {
                throw new IllegalArgumentException("simulation: interval " + intervalNanos + " ns makes more than"
                        + " 1000000 intervals in " + durationNanos + " ns; use a longer one");
            }
            if (drainLimitNanos < 0) {
                throw new IllegalArgumentException("simulation: drain limit must be >= 0 ns, got " + drainLimitNanos);
            }
            Set<String> ids = new HashSet<>();
            for (BackendGroup g : backends) {
                for (int i = 0; i < g.count(); i++) {
                    if (!ids.add(g.backendId(i))) {
                        throw new IllegalArgumentException("simulation: two backends have the id '" + g.backendId(i)
                                + "'; give the backend groups distinct names");
                    }
                }
            }
            for (ScriptedEvent e : events) {
                if (!ids.contains(e.backendId())) {
                    throw new IllegalArgumentException("simulation: scripted event " + e + " names an unknown backend '"
                            + e.backendId() + "'");
                }
            }
            if (customStrategy == null) {
                // Validates the name and every parameter now, so a bad scenario fails before it runs.
                registry.create(policy.strategy(), Environment.virtual(() -> 0L, 0L));
            }
            return new SimulationConfig(this);
        }
    }
}
