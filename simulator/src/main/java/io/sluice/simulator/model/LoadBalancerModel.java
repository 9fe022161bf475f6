package io.sluice.simulator.model;

import io.sluice.algorithms.Durations;
import io.sluice.config.proxy.Protection;
import java.util.List;
import java.util.Objects;

/**
 * The simulated load-balancer tier as the scenario models it: how many instances (each with its own
 * picker, its own in-flight counts, its own health view and its own retry budget), the network
 * between them and the backends, and how stale the server-reported utilisation is. What each
 * instance does with requests (strategy, health checks, outlier detection, timeouts, retries,
 * session persistence, picker refresh) is the cluster's {@link io.sluice.algorithms.policy.ClusterPolicy},
 * the very object a proxy cluster runs. Immutable; build with {@link #builder()}.
 *
 * <p>Requests are spread over the instances uniformly at random (a DNS or ECMP spread in front).
 *
 * <p>The tier's {@link #rateLimits()} are a proxy route's {@code rate-limits}, read by the proxy's
 * own reader: each instance holds its own budgets (a local limit, as each proxy of a fleet without
 * a shared channel does) and checks every request against them before it picks.
 */
public final class LoadBalancerModel {
    private final int instances;
    private final Distribution networkDelay;
    private final long utilisationReportIntervalNanos;
    private final List<Protection.RateLimitRule> rateLimits;
    private final LoadViewModel loadView;

    private LoadBalancerModel(Builder b) {
        this.instances = b.instances;
        this.networkDelay = b.networkDelay;
        this.utilisationReportIntervalNanos = b.utilisationReportIntervalNanos;
        this.rateLimits = List.copyOf(b.rateLimits);
        this.loadView = b.loadView;
    }

    /** The same tier without rate limits: the unprotected side of a protection comparison. */
    public LoadBalancerModel withoutRateLimits() {
        return builder().instances(instances).networkDelay(networkDelay)
                .utilisationReportIntervalNanos(utilisationReportIntervalNanos).loadView(loadView).build();
    }

    /** Applied in order to every request at its instance; empty for none. */
    public List<Protection.RateLimitRule> rateLimits() {
        return rateLimits;
    }

    /** The load view the instances share through the control plane, or null: each sees only its own load. */
    public LoadViewModel loadView() {
        return loadView;
    }

    /** One instance, no network delay, no utilisation reports. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults of {@link #builder()}. */
    public static LoadBalancerModel single() {
        return builder().build();
    }

    public int instances() {
        return instances;
    }

    /** One-way delay between a load balancer and a backend, drawn independently for each hop. */
    public Distribution networkDelay() {
        return networkDelay;
    }

    /**
     * Every this often, each backend's utilisation over the last period (busy server time over
     * capacity) is pushed to every instance with {@code BackendLoad.reportUtilisation}; the period
     * is how stale that shared view is. 0 = never reported.
     */
    public long utilisationReportIntervalNanos() {
        return utilisationReportIntervalNanos;
    }

    @Override
    public String toString() {
        return instances + " LB instance(s), network " + networkDelay.describe()
                + (utilisationReportIntervalNanos > 0 ? ", util report every "
                + Durations.format(utilisationReportIntervalNanos) : "")
                + (rateLimits.isEmpty() ? "" : ", rate limits " + String.join(", ",
                rateLimits.stream().map(r -> r.name()).toList()))
                + (loadView != null ? ", " + loadView : "");
    }

    /** Builds a {@link LoadBalancerModel}. */
    public static final class Builder {
        private int instances = 1;
        private Distribution networkDelay = Distribution.constant(0);
        private long utilisationReportIntervalNanos;
        private List<Protection.RateLimitRule> rateLimits = List.of();
        private LoadViewModel loadView;

        private Builder() {
        }

        /** @param rules applied in order to every request; empty for none */
        public Builder rateLimits(List<Protection.RateLimitRule> rules) {
            this.rateLimits = List.copyOf(rules);
            return this;
        }

        /** @param view the shared load view, or null for none */
        public Builder loadView(LoadViewModel view) {
            this.loadView = view;
            return this;
        }

        public Builder instances(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("load balancer instances must be >= 1, got " + n);
            }
            this.instances = n;
            return this;
        }

        public Builder networkDelay(Distribution oneWay) {
            this.networkDelay = Objects.requireNonNull(oneWay, "networkDelay");
            return this;
        }

        /** @param nanos period of utilisation reports, &gt;= 0 (0: never) */
        public Builder utilisationReportIntervalNanos(long nanos) {
            if (nanos < 0) {
                throw new IllegalArgumentException("utilisation report interval must be >= 0 ns (0: never), got "
                        + nanos);
            }
            this.utilisationReportIntervalNanos = nanos;
            return this;
        }

        public LoadBalancerModel build() {
            return new LoadBalancerModel(this);
        }
    }
}
