package io.sluice.simulator.model;

import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.health.OutlierConfig;
import java.util.Objects;

/**
 * The simulated load-balancer tier: how many instances (each with its own picker, its own in-flight
 * counts and its own health view), the network between them and the backends, timeouts, retries,
 * how stale the server-reported utilisation is, active health checking and passive outlier
 * detection. Immutable; build with
 * {@link #builder()}.
 *
 * <p>Requests are spread over the instances uniformly at random (a DNS or ECMP spread in front).
 */
public final class LoadBalancerModel {
    private final int instances;
    private final Distribution networkDelay;
    private final long requestTimeoutNanos;
    private final long connectTimeoutNanos;
    private final double retryBudgetRatio;
    private final int maxAttempts;
    private final boolean retryOnTimeout;
    private final long utilisationReportIntervalNanos;
    private final long ewmaDecayNanos;
    private final HealthCheckModel healthCheck;
    private final OutlierConfig outlierDetection;
    private final long pickerRefreshIntervalNanos;

    private LoadBalancerModel(Builder b) {
        this.instances = b.instances;
        this.networkDelay = b.networkDelay;
        this.requestTimeoutNanos = b.requestTimeoutNanos;
        this.connectTimeoutNanos = b.connectTimeoutNanos;
        this.retryBudgetRatio = b.retryBudgetRatio;
        this.maxAttempts = b.maxAttempts;
        this.retryOnTimeout = b.retryOnTimeout;
        this.utilisationReportIntervalNanos = b.utilisationReportIntervalNanos;
        this.ewmaDecayNanos = b.ewmaDecayNanos;
        this.healthCheck = b.healthCheck;
        this.outlierDetection = b.outlierDetection;
        this.pickerRefreshIntervalNanos = b.pickerRefreshIntervalNanos;
    }

    /**
     * One instance, no network delay, no timeout, no retries, no utilisation reports, no health
     * checks, no outlier detection.
     */
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

    /** Per-attempt timeout (each retry gets a fresh one, like Envoy's per-try timeout); 0 = none. */
    public long requestTimeoutNanos() {
        return requestTimeoutNanos;
    }

    /** How long a request sent to a crashed backend takes to fail (no answer: a black hole). */
    public long connectTimeoutNanos() {
        return connectTimeoutNanos;
    }

    /**
     * Retries allowed as a fraction of requests: every new request deposits this many tokens in a
     * budget (capped at {@code max(10, 100 * ratio)} tokens, so a burst of failures cannot drain a
     * long-saved budget), every retry spends one. 0 disables retries (Finagle's RetryBudget idea).
     */
    public double retryBudgetRatio() {
        return retryBudgetRatio;
    }

    /** Attempts per request including the first, &gt;= 1. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether a timed-out attempt is retried (errors and rejections always are, budget allowing). */
    public boolean retryOnTimeout() {
        return retryOnTimeout;
    }

    /**
     * Every this often, each backend's utilisation over the last period (busy server time over
     * capacity) is pushed to every instance with {@code BackendLoad.reportUtilisation}; the period
     * is how stale that shared view is. 0 = never reported.
     */
    public long utilisationReportIntervalNanos() {
        return utilisationReportIntervalNanos;
    }

    /** Decay time of each instance's peak-EWMA latency. */
    public long ewmaDecayNanos() {
        return ewmaDecayNanos;
    }

    /** Active health checking, or null for none (backends stay healthy in every view). */
    public HealthCheckModel healthCheck() {
        return healthCheck;
    }

    /**
     * Passive outlier detection on each instance (Envoy's algorithm, {@code OutlierDetector}), or
     * null for none. Each instance runs its own detector on the answers it sees: a success is
     * {@code SUCCESS}, a rejection (queue full, a 503) {@code GATEWAY_ERROR}, a reset, a connect
     * timeout or a request timeout {@code LOCAL_ORIGIN_FAILURE}, each with the attempt's latency.
     * The detector's sweep runs every {@link io.sluice.algorithms.health.OutlierConfig#intervalNanos()}
     * of virtual time, and ejections end at the first sweep after their time is up, as in Envoy.
     * An ejected backend is {@code EJECTED} in that instance's view unless its active checks
     * already hold it {@code UNHEALTHY}.
     */
    public OutlierConfig outlierDetection() {
        return outlierDetection;
    }

    /**
     * Every this often each instance rebuilds its picker ({@code LoadBalancer.refresh()}), as the
     * proxy does on a timer, so wrappers whose output changes with time (slow start) move in
     * virtual time. Default 1 s; 0 = only on membership and health changes.
     */
    public long pickerRefreshIntervalNanos() {
        return pickerRefreshIntervalNanos;
    }

    @Override
    public String toString() {
        return instances + " LB instance(s), network " + networkDelay.describe()
                + (requestTimeoutNanos > 0 ? ", timeout " + requestTimeoutNanos + "ns" : "")
                + (retryBudgetRatio > 0 ? ", retry budget " + retryBudgetRatio + " x" + maxAttempts : "")
                + (utilisationReportIntervalNanos > 0 ? ", util report every " + utilisationReportIntervalNanos
                + "ns" : "")
                + (healthCheck != null ? ", " + healthCheck : "")
                + (outlierDetection != null ? ", outlier detection " + outlierDetection : "");
    }

    /** Builds a {@link LoadBalancerModel}. */
    public static final class Builder {
        private int instances = 1;
        private Distribution networkDelay = Distribution.constant(0);
        private long requestTimeoutNanos;
        private long connectTimeoutNanos = 1_000_000_000L;
        private double retryBudgetRatio;
        private int maxAttempts = 2;
        private boolean retryOnTimeout;
        private long utilisationReportIntervalNanos;
        private long ewmaDecayNanos = LoadBalancer.DEFAULT_EWMA_DECAY_NANOS;
        private HealthCheckModel healthCheck;
        private OutlierConfig outlierDetection;
        private long pickerRefreshIntervalNanos = 1_000_000_000L;

        private Builder() {
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

        /** @param nanos per-attempt timeout, &gt;= 0 (0: none) */
        public Builder requestTimeoutNanos(long nanos) {
            if (nanos < 0) {
                throw new IllegalArgumentException("request timeout must be >= 0 ns (0: none), got " + nanos);
            }
            this.requestTimeoutNanos = nanos;
            return this;
        }

        public Builder connectTimeoutNanos(long nanos) {
            if (nanos <= 0) {
                throw new IllegalArgumentException("connect timeout must be > 0 ns, got " + nanos);
            }
            this.connectTimeoutNanos = nanos;
            return this;
        }

        /**
         * @param ratio       retries per request allowed on average, in [0, 1]
         * @param maxAttempts attempts per request including the first, in [1, 10]
         */
        public Builder retries(double ratio, int maxAttempts) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("retry budget ratio must be in [0, 1], got " + ratio);
            }
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("max attempts must be in [1, 10], got " + maxAttempts);
            }
            this.retryBudgetRatio = ratio;
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder retryOnTimeout(boolean retry) {
            this.retryOnTimeout = retry;
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

        public Builder ewmaDecayNanos(long nanos) {
            if (nanos <= 0) {
                throw new IllegalArgumentException("EWMA decay must be > 0 ns, got " + nanos);
            }
            this.ewmaDecayNanos = nanos;
            return this;
        }

        /** @param model health checking, or null for none */
        public Builder healthCheck(HealthCheckModel model) {
            this.healthCheck = model;
            return this;
        }

        /** @param config passive outlier detection on every instance, or null for none */
        public Builder outlierDetection(OutlierConfig config) {
            this.outlierDetection = config;
            return this;
        }

        /** @param nanos period of picker rebuilds, &gt;= 0 (0: never on a timer) */
        public Builder pickerRefreshIntervalNanos(long nanos) {
            if (nanos < 0) {
                throw new IllegalArgumentException("picker refresh interval must be >= 0 ns (0: never), got " + nanos);
            }
            this.pickerRefreshIntervalNanos = nanos;
            return this;
        }

        public LoadBalancerModel build() {
            return new LoadBalancerModel(this);
        }
    }
}
