package io.sluice.algorithms.policy;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.concurrency.GradientLimit;
import io.sluice.algorithms.health.OutlierConfig;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything that decides how one cluster balances, in both runtimes: the strategy with its
 * wrappers, active health checks, passive outlier detection, attempt timeouts, retries and their
 * budget, session persistence, picker refresh, the peak-EWMA decay of its load signals and its
 * adaptive concurrency limit. The
 * proxy builds a cluster from it; the simulator builds every simulated load-balancer instance from
 * it; so a policy chosen in the simulator is the policy the proxy runs. Immutable, compared by value.
 *
 * <p>Every default and range lives beside its setting: {@link HealthCheckPolicy},
 * {@link OutlierConfig}, {@link Timeouts}, {@link RetryPolicy}, {@link AffinityPolicy},
 * {@link PickerRefresh}, and {@link #EWMA_DECAY} here. Without a section:
 * <pre>
 *   health-check        none: every backend counts as up
 *   outlier-detection   none (Envoy's default); present, it starts from Envoy's settings
 *   timeouts            connect 1s, response 30s
 *   retries             up to 2 retries in a 20% budget (at least 3 at once), timeouts only for
 *                       idempotent methods
 *   session-persistence none
 *   picker-refresh      1s, for strategies that change with time
 *   ewma-decay          10s (Finagle's)
 *   adaptive-concurrency off; enabled, {@link GradientLimit.Settings#defaults()}
 * </pre>
 */
public final class ClusterPolicy {
    /** {@code ewma-decay}: 1ms to 1h. */
    public static final Range EWMA_DECAY = Range.duration(1_000_000L, 3_600_000_000_000L);

    private final StrategySpec strategy;
    private final HealthCheckPolicy healthCheck;
    private final OutlierConfig outlierDetection;
    private final Timeouts timeouts;
    private final RetryPolicy retries;
    private final AffinityPolicy affinity;
    private final PickerRefresh pickerRefresh;
    private final long ewmaDecayNanos;
    private final GradientLimit.Settings adaptiveConcurrency;

    private ClusterPolicy(Builder b) {
        this.strategy = b.strategy;
        this.healthCheck = b.healthCheck;
        this.outlierDetection = b.outlierDetection;
        this.timeouts = b.timeouts;
        this.retries = b.retries;
        this.affinity = b.affinity;
        this.pickerRefresh = b.pickerRefresh;
        this.ewmaDecayNanos = b.ewmaDecayNanos;
        this.adaptiveConcurrency = b.adaptiveConcurrency;
    }

    /** A policy with {@code strategy} and every other setting at its default. */
    public static ClusterPolicy of(StrategySpec strategy) {
        return builder(strategy).build();
    }

    /** A builder with {@code strategy} and every other setting at its default. */
    public static Builder builder(StrategySpec strategy) {
        return new Builder(strategy);
    }

    /** A builder holding this policy, to change one setting. */
    public Builder toBuilder() {
        Builder b = new Builder(strategy);
        b.healthCheck = healthCheck;
        b.outlierDetection = outlierDetection;
        b.timeouts = timeouts;
        b.retries = retries;
        b.affinity = affinity;
        b.pickerRefresh = pickerRefresh;
        b.ewmaDecayNanos = ewmaDecayNanos;
        b.adaptiveConcurrency = adaptiveConcurrency;
        return b;
    }

    /** The same policy with another strategy (a "what if this cluster used X" run). */
    public ClusterPolicy withStrategy(StrategySpec other) {
        return toBuilder().strategy(other).build();
    }

    public StrategySpec strategy() {
        return strategy;
    }

    /** Active health checks, or empty for none. */
    public Optional<HealthCheckPolicy> healthCheck() {
        return Optional.ofNullable(healthCheck);
    }

    /** Passive outlier detection, or empty for none. */
    public Optional<OutlierConfig> outlierDetection() {
        return Optional.ofNullable(outlierDetection);
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public RetryPolicy retries() {
        return retries;
    }

    /** Session persistence ({@code session-persistence}). */
    public AffinityPolicy affinity() {
        return affinity;
    }

    public PickerRefresh pickerRefresh() {
        return pickerRefresh;
    }

    /** The time constant of each backend's peak-EWMA latency. */
    public long ewmaDecayNanos() {
        return ewmaDecayNanos;
    }

    /**
     * The adaptive concurrency limit ({@code adaptive-concurrency}) each instance keeps on the
     * cluster's requests in flight, or empty when it is off.
     */
    public Optional<GradientLimit.Settings> adaptiveConcurrency() {
        return Optional.ofNullable(adaptiveConcurrency);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterPolicy p && strategy.equals(p.strategy)
                && Objects.equals(healthCheck, p.healthCheck) && Objects.equals(outlierDetection, p.outlierDetection)
                && timeouts.equals(p.timeouts) && retries.equals(p.retries) && affinity.equals(p.affinity)
                && pickerRefresh.equals(p.pickerRefresh) && ewmaDecayNanos == p.ewmaDecayNanos
                && Objects.equals(adaptiveConcurrency, p.adaptiveConcurrency);
    }

    @Override
    public int hashCode() {
        return Objects.hash(strategy, healthCheck, outlierDetection, timeouts, retries, affinity, pickerRefresh,
                ewmaDecayNanos, adaptiveConcurrency);
    }

    /** One line for people: the strategy, then every setting that is not its default. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(strategy.toString());
        if (healthCheck != null) {
            s.append(", health checks ").append(healthCheck);
        }
        if (outlierDetection != null) {
            s.append(", outlier detection ").append(outlierDetection);
        }
        if (!timeouts.equals(Timeouts.defaults())) {
            s.append(", timeouts ").append(timeouts);
        }
        if (!retries.equals(RetryPolicy.defaults())) {
            s.append(", ").append(retries);
        }
        if (affinity.mode() != AffinityPolicy.Mode.NONE) {
            s.append(", ").append(affinity);
        }
        if (!pickerRefresh.equals(PickerRefresh.defaults())) {
            s.append(", picker refresh ").append(pickerRefresh);
        }
        if (ewmaDecayNanos != LoadBalancer.DEFAULT_EWMA_DECAY_NANOS) {
            s.append(", ewma-decay ").append(Durations.format(ewmaDecayNanos));
        }
        if (adaptiveConcurrency != null) {
            GradientLimit.Settings a = adaptiveConcurrency;
            s.append(", adaptive concurrency ").append(a.minLimit()).append("..").append(a.maxLimit())
                    .append(" tolerance ").append(a.tolerance());
        }
        return s.toString();
    }

    /** Collects settings; every section starts at its default. */
    public static final class Builder {
        private StrategySpec strategy;
        private HealthCheckPolicy healthCheck;
        private OutlierConfig outlierDetection;
        private Timeouts timeouts = Timeouts.defaults();
        private RetryPolicy retries = RetryPolicy.defaults();
        private AffinityPolicy affinity = AffinityPolicy.none();
        private PickerRefresh pickerRefresh = PickerRefresh.defaults();
        private long ewmaDecayNanos = LoadBalancer.DEFAULT_EWMA_DECAY_NANOS;
        private GradientLimit.Settings adaptiveConcurrency;

        private Builder(StrategySpec strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
        }

        public Builder strategy(StrategySpec spec) {
            this.strategy = Objects.requireNonNull(spec, "strategy");
            return this;
        }

        /** @param policy active health checks, or null for none */
        public Builder healthCheck(HealthCheckPolicy policy) {
            this.healthCheck = policy;
            return this;
        }

        /** @param config passive outlier detection, or null for none */
        public Builder outlierDetection(OutlierConfig config) {
            this.outlierDetection = config;
            return this;
        }

        public Builder timeouts(Timeouts t) {
            this.timeouts = Objects.requireNonNull(t, "timeouts");
            return this;
        }

        public Builder retries(RetryPolicy policy) {
            this.retries = Objects.requireNonNull(policy, "retries");
            return this;
        }

        public Builder affinity(AffinityPolicy policy) {
            this.affinity = Objects.requireNonNull(policy, "affinity");
            return this;
        }

        public Builder pickerRefresh(PickerRefresh refresh) {
            this.pickerRefresh = Objects.requireNonNull(refresh, "pickerRefresh");
            return this;
        }

        /** @throws SettingException when out of {@link #EWMA_DECAY} */
        public Builder ewmaDecay(long nanos) {
            this.ewmaDecayNanos = EWMA_DECAY.check("ewma-decay", nanos);
            return this;
        }

        /** @param settings the adaptive concurrency limit's, or null for none */
        public Builder adaptiveConcurrency(GradientLimit.Settings settings) {
            this.adaptiveConcurrency = settings;
            return this;
        }

        public ClusterPolicy build() {
            return new ClusterPolicy(this);
        }
    }
}
