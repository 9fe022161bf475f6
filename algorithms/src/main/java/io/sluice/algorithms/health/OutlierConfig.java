package io.sluice.algorithms.health;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;

import java.util.Locale;
import java.util.Objects;

/**
 * Settings of an {@link OutlierDetector}. Names and defaults follow Envoy's
 * {@code config.cluster.v3.OutlierDetection} where Envoy has the setting:
 *
 * <pre>
 *   consecutive-5xx               5     failures in a row that eject (0: rule off)
 *   consecutive-gateway-failure   0     gateway failures in a row that eject (0: off; Envoy detects
 *                                       them by default but enforces 0%, so it never ejects either)
 *   interval                      10s   between sweeps (restores, multiplier decay, latency rule)
 *   base-ejection-time            30s   ejection time is this times the back-off multiplier...
 *   max-ejection-time             300s  ...capped here
 *   max-ejection-percent          10    at most this share of the backends ejected at once
 *   always-eject-one-host         false allow one ejection even when the percentage allows none
 * </pre>
 *
 * and Sluice's latency rule, which Envoy does not have (its request-volume and host-count floors
 * are borrowed from Envoy's success-rate rule). It is off by default, so that turning outlier
 * detection on does what an Envoy user expects and nothing more:
 *
 * <pre>
 *   latency-factor                0     eject when peak-EWMA latency &gt; factor x cluster median (0: off;
 *                                       3 is a good start)
 *   latency-minimum-requests      100   requests in the last interval for a backend to be judged
 *   latency-minimum-hosts         5     judged backends needed for a meaningful median
 *   ewma-decay                    10s   time constant of the peak EWMA (Finagle's default)
 * </pre>
 *
 * Immutable, compared by value; every setter rejects a bad value with a {@link SettingException}
 * that names the setting, the value and the allowed range (declared below, one constant each).
 */
public final class OutlierConfig {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long HOUR = 3_600L * S;

    /** {@code consecutive-5xx} and {@code consecutive-gateway-failure}: 0 (rule off) to 10000. */
    public static final Range CONSECUTIVE = Range.wholeNumber(0, 10_000);
    /** {@code interval}: 1ms to 1h. */
    public static final Range INTERVAL = Range.duration(MS, HOUR);
    /** {@code base-ejection-time} and {@code max-ejection-time}: 1ms to 24h. */
    public static final Range EJECTION_TIME = Range.duration(MS, 24 * HOUR);
    /** {@code max-ejection-percent}: 0 to 100. */
    public static final Range PERCENT = Range.wholeNumber(0, 100);
    /** {@code latency-factor} when not 0: above 1, at most 1000. */
    public static final Range LATENCY_FACTOR = Range.numberAbove(1, 1000);
    /** {@code latency-minimum-requests}: 1 to 10^9. */
    public static final Range MINIMUM_REQUESTS = Range.wholeNumber(1, 1_000_000_000L);
    /** {@code latency-minimum-hosts}: 1 to 10000. */
    public static final Range MINIMUM_HOSTS = Range.wholeNumber(1, 10_000);
    /** {@code ewma-decay}: 1ms to 1h. */
    public static final Range EWMA_DECAY = Range.duration(MS, HOUR);

    private static final OutlierConfig DEFAULTS = builder().build();

    private final int consecutive5xx;
    private final int consecutiveGatewayFailure;
    private final long intervalNanos;
    private final long baseEjectionNanos;
    private final long maxEjectionNanos;
    private final int maxEjectionPercent;
    private final boolean alwaysEjectOneHost;
    private final double latencyFactor;
    private final long latencyMinimumRequests;
    private final int latencyMinimumHosts;
    private final long ewmaDecayNanos;

    private OutlierConfig(Builder b) {
        this.consecutive5xx = b.consecutive5xx;
        this.consecutiveGatewayFailure = b.consecutiveGatewayFailure;
        this.intervalNanos = b.intervalNanos;
        this.baseEjectionNanos = b.baseEjectionNanos;
        this.maxEjectionNanos = b.maxEjectionNanos;
        this.maxEjectionPercent = b.maxEjectionPercent;
        this.alwaysEjectOneHost = b.alwaysEjectOneHost;
        this.latencyFactor = b.latencyFactor;
        this.latencyMinimumRequests = b.latencyMinimumRequests;
        this.latencyMinimumHosts = b.latencyMinimumHosts;
        this.ewmaDecayNanos = b.ewmaDecayNanos;
    }

    /** Envoy's defaults, latency rule off, as listed above. */
    public static OutlierConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Failures in a row that eject; 0 when the rule is off. */
    public int consecutive5xx() {
        return consecutive5xx;
    }

    /** Gateway failures in a row that eject; 0 when the rule is off. */
    public int consecutiveGatewayFailure() {
        return consecutiveGatewayFailure;
    }

    /** Time between sweeps ({@link OutlierDetector#evaluate}). */
    public long intervalNanos() {
        return intervalNanos;
    }

    /** Length of a first ejection; later ones are multiples of it. */
    public long baseEjectionNanos() {
        return baseEjectionNanos;
    }

    /** Longest ejection. */
    public long maxEjectionNanos() {
        return maxEjectionNanos;
    }

    /** Most of the backends that may be ejected at once, in percent. */
    public int maxEjectionPercent() {
        return maxEjectionPercent;
    }

    /** Whether one ejection is allowed when the percentage allows none. */
    public boolean alwaysEjectOneHost() {
        return alwaysEjectOneHost;
    }

    /** The latency rule's factor; 0 when the rule is off. */
    public double latencyFactor() {
        return latencyFactor;
    }

    /** Requests in the last interval for a backend to be judged by the latency rule. */
    public long latencyMinimumRequests() {
        return latencyMinimumRequests;
    }

    /** Judged backends needed for the latency rule to run. */
    public int latencyMinimumHosts() {
        return latencyMinimumHosts;
    }

    /** The peak EWMA's time constant. */
    public long ewmaDecayNanos() {
        return ewmaDecayNanos;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutlierConfig c && consecutive5xx == c.consecutive5xx
                && consecutiveGatewayFailure == c.consecutiveGatewayFailure && intervalNanos == c.intervalNanos
                && baseEjectionNanos == c.baseEjectionNanos && maxEjectionNanos == c.maxEjectionNanos
                && maxEjectionPercent == c.maxEjectionPercent && alwaysEjectOneHost == c.alwaysEjectOneHost
                && Double.compare(latencyFactor, c.latencyFactor) == 0
                && latencyMinimumRequests == c.latencyMinimumRequests && latencyMinimumHosts == c.latencyMinimumHosts
                && ewmaDecayNanos == c.ewmaDecayNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(consecutive5xx, consecutiveGatewayFailure, intervalNanos, baseEjectionNanos,
                maxEjectionNanos, maxEjectionPercent, alwaysEjectOneHost, latencyFactor, latencyMinimumRequests,
                latencyMinimumHosts, ewmaDecayNanos);
    }

    @Override
    public String toString() {
        return "consecutive-5xx=" + consecutive5xx + " consecutive-gateway-failure=" + consecutiveGatewayFailure
                + " interval=" + Durations.format(intervalNanos)
                + " base-ejection-time=" + Durations.format(baseEjectionNanos)
                + " max-ejection-time=" + Durations.format(maxEjectionNanos)
                + " max-ejection-percent=" + maxEjectionPercent + " always-eject-one-host=" + alwaysEjectOneHost
                + " latency-factor=" + String.format(Locale.ROOT, "%s", latencyFactor)
                + " latency-minimum-requests=" + latencyMinimumRequests
                + " latency-minimum-hosts=" + latencyMinimumHosts + " ewma-decay=" + Durations.format(ewmaDecayNanos);
    }

    /** Collects settings; {@link #build()} checks the ones that depend on each other. */
    public static final class Builder {
        private int consecutive5xx = 5;
        private int consecutiveGatewayFailure = 0;
        private long intervalNanos = 10 * S;
        private long baseEjectionNanos = 30 * S;
        private long maxEjectionNanos = 300 * S;
        private int maxEjectionPercent = 10;
        private boolean alwaysEjectOneHost = false;
        private double latencyFactor = 0;
        private long latencyMinimumRequests = 100;
        private int latencyMinimumHosts = 5;
        private long ewmaDecayNanos = 10 * S;

        private Builder() {
        }

        /** @param n failures in a row that eject, in [0, 10000]; 0 turns the rule off; default 5 */
        public Builder consecutive5xx(int n) {
            this.consecutive5xx = CONSECUTIVE.checkInt("consecutive-5xx", n);
            return this;
        }

        /** @param n gateway failures in a row that eject, in [0, 10000]; 0 turns the rule off; default 0 */
        public Builder consecutiveGatewayFailure(int n) {
            this.consecutiveGatewayFailure = CONSECUTIVE.checkInt("consecutive-gateway-failure", n);
            return this;
        }

        /** @param nanos time between sweeps, in [1ms, 1h]; default 10s */
        public Builder interval(long nanos) {
            this.intervalNanos = INTERVAL.check("interval", nanos);
            return this;
        }

        /** @param nanos ejection time of a first ejection, in [1ms, 24h]; default 30s */
        public Builder baseEjectionTime(long nanos) {
            this.baseEjectionNanos = EJECTION_TIME.check("base-ejection-time", nanos);
            return this;
        }

        /** @param nanos longest ejection, in [1ms, 24h] and at least base-ejection-time; default 300s */
        public Builder maxEjectionTime(long nanos) {
            this.maxEjectionNanos = EJECTION_TIME.check("max-ejection-time", nanos);
            return this;
        }

        /** @param percent most of the backends that may be ejected at once, in [0, 100]; default 10 */
        public Builder maxEjectionPercent(int percent) {
            this.maxEjectionPercent = PERCENT.checkInt("max-ejection-percent", percent);
            return this;
        }

        /** @param always allow one ejection whatever the percentage says; default false (Envoy's) */
        public Builder alwaysEjectOneHost(boolean always) {
            this.alwaysEjectOneHost = always;
            return this;
        }

        /** @param factor 0 to turn the latency rule off, or a number in (1, 1000]; default 0 (off) */
        public Builder latencyFactor(double factor) {
            if (!(factor == 0 || LATENCY_FACTOR.contains(factor))) {
                throw new SettingException("latency-factor", Range.plain(factor) + " is out of range; 0 (rule off)"
                        + " or " + LATENCY_FACTOR.describe());
            }
            this.latencyFactor = factor;
            return this;
        }

        /** @param n requests in the last interval for a backend to be judged, in [1, 10^9]; default 100 */
        public Builder latencyMinimumRequests(long n) {
            this.latencyMinimumRequests = MINIMUM_REQUESTS.check("latency-minimum-requests", n);
            return this;
        }

        /** @param n backends with enough requests for the rule to run, in [1, 10000]; default 5 */
        public Builder latencyMinimumHosts(int n) {
            this.latencyMinimumHosts = MINIMUM_HOSTS.checkInt("latency-minimum-hosts", n);
            return this;
        }

        /** @param nanos the peak EWMA's time constant, in [1ms, 1h]; default 10s */
        public Builder ewmaDecay(long nanos) {
            this.ewmaDecayNanos = EWMA_DECAY.check("ewma-decay", nanos);
            return this;
        }

        /** @throws SettingException (on max-ejection-time) when it is shorter than base-ejection-time */
        public OutlierConfig build() {
            if (maxEjectionNanos < baseEjectionNanos) {
                throw new SettingException("max-ejection-time", Durations.format(maxEjectionNanos) + " is shorter than"
                        + " base-ejection-time (" + Durations.format(baseEjectionNanos) + "); it must be at least that");
            }
            return new OutlierConfig(this);
        }
    }
}
