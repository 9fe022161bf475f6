package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.internal.Endpoints;

import java.util.List;

/**
 * Envoy's least-request load signal: the requests a backend has in flight, scaled by its weight
 * through the active-request bias. Meant to be compared by
 * {@link PowerOfChoices#withReplacement(int, Sampling)}; the two together are {@code p2c-least-request}.
 *
 * <h2>Envoy's rule</h2>
 * Envoy ({@code source/extensions/load_balancing_policies/least_request/least_request_lb.cc})
 * has two regimes. When every host has the same weight it draws d hosts at random, with
 * replacement, and keeps the one with the fewest active requests. When weights differ it runs an
 * earliest-deadline-first schedule over all hosts in which a host's weight is its configured
 * weight divided by its active requests plus one, raised to the bias: a host twice as busy (in
 * active requests plus one) counts half as heavy at bias 1, a quarter as heavy at bias 2, and
 * exactly as heavy as configured at bias 0, where the schedule is plain weighted round robin.
 *
 * <h2>What this does instead for unequal weights, and why</h2>
 * Envoy's schedule is a per-worker mutable heap; a picker shared by many threads cannot mutate
 * one without a lock. So the lock-free form here splits Envoy's effective weight
 * {@code w / (a + 1)^b} in two:
 * <ul>
 *   <li>the static part, the weight, goes into <em>how candidates are drawn</em>: d draws, each
 *       proportional to weight;</li>
 *   <li>the live part goes into <em>how they are compared</em>: the lowest {@code a^b / w} wins,
 *       ties to the first drawn.</li>
 * </ul>
 * The cost is {@code a^b / w} rather than Envoy's {@code (a + 1)^b / w} on purpose: the draw
 * has already counted the weight once, and with {@code +1} an idle cluster (every {@code a = 0})
 * would count it again, handing the heaviest of the d draws every request. Without it, idle
 * candidates tie, the first draw wins, and the long-run shares of an idle cluster are exactly
 * {@code w_i / sum(w)}, which is what Envoy's schedule gives at any bias when nothing is in
 * flight. Under sustained load the comparison pushes towards equal {@code a^b / w}, i.e.
 * {@code a proportional to w^(1/b)}, which is the balance point of Envoy's effective weights too
 * (there {@code (a + 1)^b / w} equal; the {@code +1} vanishes as loads grow). At bias 0 load is
 * ignored: every candidate costs the same and the first weighted draw wins, a weighted random
 * pick with the same long-run shares as Envoy's weighted round robin.
 *
 * <p>Worked example, weights 1 and 3, bias 1, d = 2: idle, the first draw decides: 1/4 and 3/4.
 * With 2 in flight on each: costs 2/1 and 2/3, so the heavy one wins every mixed pair and the
 * light one only gets requests when both draws land on it (1/16), until its in-flight count falls
 * behind a third of the heavy one's.
 *
 * <p>The pick path never calls {@code Math.pow}: for b &gt; 0, {@code a^b / w} orders endpoints
 * exactly as {@code a / w^(1/b)} does ({@code x -> x^(1/b)} is increasing), and
 * {@code w^(-1/b)} is computed once per snapshot.
 *
 * <h2>With uniform draws</h2>
 * {@code sampling: uniform} draws candidates without regard to weight, so the weight must enter
 * the comparison whole: the lowest {@code (a + 1)^b / w} wins, Envoy's effective weight inverted,
 * compared (for b &gt; 0) as {@code (a + 1) / w^(1/b)}; at bias 0 the lowest {@code 1 / w}, the
 * heavier candidate. Here the {@code + 1} is what makes an idle heavy backend beat an idle light
 * one. Example, weights 1 and 3, bias 1, both idle: costs 1 and 1/3, the heavy one wins every
 * mixed pair; but it is in a pair only 2/N of the time (see {@link PowerOfChoices}).
 *
 * <p>When all weights are equal the cost is the plain in-flight count and the bias is unused,
 * as in Envoy, whatever the sampling. A negative in-flight count (a caller that ended a request
 * twice) counts as 0 ({@link Endpoints#inFlight}).
 */
final class ActiveRequests implements LoadMetric {
    private final double bias;
    private final Sampling sampling;

    /** @param bias Envoy's {@code active_request_bias}, finite and &gt;= 0; weighted sampling */
    ActiveRequests(double bias) {
        this(bias, Sampling.WEIGHTED);
    }

    /**
     * @param bias     Envoy's {@code active_request_bias}, finite and &gt;= 0
     * @param sampling how the chooser draws: weighted draws have counted the weight already
     */
    ActiveRequests(double bias, Sampling sampling) {
        if (!(bias >= 0) || Double.isInfinite(bias)) {
            throw new IllegalArgumentException("active request bias must be a finite number >= 0, got " + bias);
        }
        this.bias = bias;
        this.sampling = sampling;
    }

    @Override
    public Gauge gauge(List<Endpoint> endpoints) {
        BackendLoad[] loads = new BackendLoad[endpoints.size()];
        for (int i = 0; i < loads.length; i++) {
            loads[i] = endpoints.get(i).load();
        }
        Endpoint[] array = endpoints.toArray(new Endpoint[0]);
        if (Endpoints.equalWeights(array)) {
            return new InFlight(loads);
        }
        boolean uniform = sampling == Sampling.UNIFORM;
        if (bias == 0 && !uniform) {
            return LoadIgnored.INSTANCE;
        }
        double[] scale = new double[loads.length];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = bias == 1 || bias == 0 ? 1 / array[i].weight()
                    : finitePositive(Math.pow(array[i].weight(), -1 / bias));
        }
        if (bias == 0) {
            return new InverseWeight(scale);
        }
        return new ScaledInFlight(loads, scale, uniform ? 1 : 0);
    }

    @Override
    public String toString() {
        return "active requests (bias " + bias + ", " + sampling + " sampling)";
    }

    /**
     * {@code w^(-1/b)} clamped into [{@link Double#MIN_VALUE}, {@link Double#MAX_VALUE}]. A small
     * bias makes the exponent large: a fractional weight (slow start) overflows to infinity and a
     * large one underflows to 0. Infinity would make an idle endpoint's cost {@code 0 * inf = NaN},
     * which loses every comparison, and 0 would hide an endpoint's load altogether; clamped, an
     * idle endpoint still costs 0 and a loaded one costs more than 0.
     */
    static double finitePositive(double scale) {
        return Math.min(Double.MAX_VALUE, Math.max(Double.MIN_VALUE, scale));
    }

    private static final class InFlight implements Gauge {
        private final BackendLoad[] loads;

        InFlight(BackendLoad[] loads) {
            this.loads = loads;
        }

        @Override
        public double cost(int i, long nowNanos) {
            return Endpoints.inFlight(loads[i]);
        }

        @Override
        public Time time() {
            return Time.NONE;
        }

        @Override
        public String toString() {
            return "in flight";
        }
    }

    /** {@code (inFlight + offset) * w^(-1/b)}: offset 0 after weighted draws, 1 after uniform ones. */
    private static final class ScaledInFlight implements Gauge {
        private final BackendLoad[] loads;
        private final double[] scale;
        private final int offset;

        ScaledInFlight(BackendLoad[] loads, double[] scale, int offset) {
            this.loads = loads;
            this.scale = scale;
            this.offset = offset;
        }

        @Override
        public double cost(int i, long nowNanos) {
            return (Endpoints.inFlight(loads[i]) + offset) * scale[i];
        }

        @Override
        public Time time() {
            return Time.NONE;
        }

        @Override
        public String toString() {
            return offset == 0 ? "in flight / weight^(1/bias)" : "(in flight + 1) / weight^(1/bias)";
        }
    }

    /** Bias 0 after uniform draws: load ignored, the heavier candidate wins. */
    private static final class InverseWeight implements Gauge {
        private final double[] inverseWeight;

        InverseWeight(double[] inverseWeight) {
            this.inverseWeight = inverseWeight;
        }

        @Override
        public double cost(int i, long nowNanos) {
            return inverseWeight[i];
        }

        @Override
        public Time time() {
            return Time.NONE;
        }

        @Override
        public String toString() {
            return "1 / weight";
        }
    }

    private enum LoadIgnored implements Gauge {
        INSTANCE;

        @Override
        public double cost(int i, long nowNanos) {
            return 0;
        }

        @Override
        public Time time() {
            return Time.NONE;
        }
    }
}
