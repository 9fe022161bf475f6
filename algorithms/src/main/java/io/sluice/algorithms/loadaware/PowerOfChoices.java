package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.internal.AliasTable;
import io.sluice.algorithms.internal.Endpoints;
import io.sluice.algorithms.internal.Indices;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The "power of d choices" selection rule (Mitzenmacher, "The Power of Two Choices in Randomized
 * Load Balancing", 2001; Azar, Broder, Karlin, Upfal 1994): draw d endpoints at random, send the
 * request to the one the load signal says is cheapest. Comparing just two random candidates
 * already cuts the maximum load from {@code log n / log log n} to {@code log log n / log 2} above
 * the mean, and because each pick looks at a different random pair, many independent load
 * balancers do not all herd onto the one least-loaded backend the way a full scan would.
 *
 * <p>Candidates meet in the order they were drawn: the winner so far against the next one. A
 * challenger wins with a strictly lower cost; when the costs are equal, or either is NaN (no
 * reading), the gauge's {@link LoadMetric.Gauge#fallback() fallback} decides, again strictly;
 * otherwise the earlier draw keeps the request. So ties go to the first sampled.
 *
 * <p>Three ways to draw:
 * <ul>
 *   <li>{@link #withReplacement(int)}: d uniform draws that may repeat (Envoy's
 *       {@code LEAST_REQUEST}); with three endpoints and d = 2 the busiest one is chosen only
 *       when both draws land on it, 1/9 of the time.</li>
 *   <li>{@link #weightedWithReplacement(int)}: the same, but each draw is proportional to the
 *       endpoint's weight (Vose's {@link AliasTable}) when the weights are not all equal.</li>
 *   <li>{@link #twoDistinct()}: two different endpoints, uniformly (Finagle's P2C): the first
 *       uniform over n, the second uniform over the other n - 1.</li>
 * </ul>
 *
 * <p>Cost per pick: one 64-bit random draw per two candidates (per candidate when weighted), d
 * gauge reads, no writes to shared state. The clock is read once when the gauge needs the present
 * ({@link LoadMetric.Gauge.Time#CLOCK}), never otherwise: a gauge whose order does not depend on
 * the instant ({@link LoadMetric.Gauge.Time#LATEST_SAMPLE}, the decaying EWMA) is read at the
 * later sample time of the two endpoints compared, which on a busy cluster is also the instant
 * that keeps {@link io.sluice.algorithms.PeakEwma}'s decay on its cheap polynomial path (the two
 * stamps are close) and leaves at most one {@code Math.exp} per comparison otherwise (the later
 * one does not decay at all). Reading {@link System#nanoTime()} costs about as much as the whole
 * rest of a pick.
 */
final class PowerOfChoices implements Chooser {
    private static final long LOW_32 = 0xFFFF_FFFFL;

    private final int choices;
    private final boolean distinct;
    private final boolean weighted;

    private PowerOfChoices(int choices, boolean distinct, boolean weighted) {
        if (choices < 2) {
            throw new IllegalArgumentException("power of d choices needs d >= 2, got " + choices);
        }
        this.choices = choices;
        this.distinct = distinct;
        this.weighted = weighted;
    }

    /** d uniform draws with replacement. */
    static PowerOfChoices withReplacement(int choices) {
        return new PowerOfChoices(choices, false, false);
    }

    /** d draws with replacement, each proportional to weight when the weights differ. */
    static PowerOfChoices weightedWithReplacement(int choices) {
        return new PowerOfChoices(choices, false, true);
    }

    /** Two different endpoints, uniformly. */
    static PowerOfChoices twoDistinct() {
        return new PowerOfChoices(2, true, false);
    }

    @Override
    public Picker picker(List<Endpoint> endpoints, LoadMetric.Gauge gauge, Environment env) {
        Endpoint[] array = endpoints.toArray(new Endpoint[0]);
        if (distinct) {
            return new TwoDistinctPicker(array, gauge, env);
        }
        AliasTable alias = weighted && !Endpoints.equalWeights(array) ? new AliasTable(Endpoints.weights(array)) : null;
        return new SampledPicker(array, choices, alias, gauge, env);
    }

    @Override
    public String toString() {
        return distinct ? "two distinct choices"
                : choices + " choices with replacement" + (weighted ? ", weighted" : "");
    }

    /**
     * The later of two readings of a nanosecond clock; by difference, so that it stays right
     * across the wrap-around of {@link System#nanoTime()}.
     */
    static long later(long a, long b) {
        return a - b >= 0 ? a : b;
    }

    /**
     * True when {@code challenger} (cost {@code challengerCost}) takes the request from
     * {@code champion} (cost {@code championCost}): the rule in the class comment.
     */
    static boolean beats(LoadMetric.Gauge fallback, int challenger, double challengerCost,
                         int champion, double championCost, long now) {
        if (challengerCost < championCost) {
            return true;
        }
        if (challengerCost > championCost || fallback == null) {
            return false;
        }
        // Equal, or at least one NaN: neither comparison above held.
        return fallback.cost(challenger, now) < fallback.cost(champion, now);
    }

    /** Two distinct uniform candidates. */
    private static final class TwoDistinctPicker implements Picker {
        private final Endpoint[] endpoints;
        private final LoadMetric.Gauge gauge;
        private final LoadMetric.Gauge fallback;
        private final boolean readsClock;
        private final boolean atLatestSample;
        private final LongSupplier clock;
        private final RandomGenerator random;

        TwoDistinctPicker(Endpoint[] endpoints, LoadMetric.Gauge gauge, Environment env) {
            this.endpoints = endpoints;
            this.gauge = gauge;
            this.fallback = gauge.fallback();
            this.readsClock = gauge.time() == LoadMetric.Gauge.Time.CLOCK;
            this.atLatestSample = gauge.time() == LoadMetric.Gauge.Time.LATEST_SAMPLE;
            this.clock = env.clock();
            this.random = env.random();
        }

        @Override
        public Endpoint pick(RequestContext ctx) {
            Endpoint[] es = endpoints;
            int n = es.length;
            long bits = random.nextLong();
            int first = Indices.multiplyShift(bits >>> 32, n);
            // Uniform over the n - 1 others: skip over the first.
            int second = Indices.multiplyShift(bits & LOW_32, n - 1);
            if (second >= first) {
                second++;
            }
            long now = readsClock ? clock.getAsLong()
                    : atLatestSample ? later(gauge.sampleNanos(first), gauge.sampleNanos(second)) : 0L;
            double firstCost = gauge.cost(first, now);
            double secondCost = gauge.cost(second, now);
            return es[beats(fallback, second, secondCost, first, firstCost, now) ? second : first];
        }

        @Override
        public String toString() {
            return "TwoDistinct{n=" + endpoints.length + "}";
        }
    }

    /** d candidates with replacement, uniform or weighted. */
    private static final class SampledPicker implements Picker {
        private final Endpoint[] endpoints;
        private final int choices;
        private final AliasTable alias;
        private final LoadMetric.Gauge gauge;
        private final LoadMetric.Gauge fallback;
        private final boolean readsClock;
        private final boolean atLatestSample;
        private final LongSupplier clock;
        private final RandomGenerator random;

        SampledPicker(Endpoint[] endpoints, int choices, AliasTable alias, LoadMetric.Gauge gauge, Environment env) {
            this.endpoints = endpoints;
            this.choices = choices;
            this.alias = alias;
            this.gauge = gauge;
            this.fallback = gauge.fallback();
            this.readsClock = gauge.time() == LoadMetric.Gauge.Time.CLOCK;
            this.atLatestSample = gauge.time() == LoadMetric.Gauge.Time.LATEST_SAMPLE;
            this.clock = env.clock();
            this.random = env.random();
        }

        @Override
        public Endpoint pick(RequestContext ctx) {
            int n = endpoints.length;
            long now = readsClock ? clock.getAsLong() : 0L;
            int best = 0;
            double bestCost = 0;
            long bits = 0L;
            for (int k = 0; k < choices; k++) {
                int candidate;
                if (alias != null) {
                    candidate = alias.sample(random.nextLong());
                } else if ((k & 1) == 0) {
                    bits = random.nextLong();
                    candidate = Indices.multiplyShift(bits >>> 32, n);
                } else {
                    // Odd draws use the low half of the bits the previous draw took its high half from.
                    candidate = Indices.multiplyShift(bits & LOW_32, n);
                }
                if (k == 0) {
                    best = candidate;
                    bestCost = atLatestSample ? 0 : gauge.cost(candidate, now);
                    continue;
                }
                if (atLatestSample) {
                    // Each meeting is judged at the later sample time of the two; the order is the
                    // one the present would give, so the tournament stays consistent.
                    now = later(gauge.sampleNanos(best), gauge.sampleNanos(candidate));
                    bestCost = gauge.cost(best, now);
                }
                double cost = gauge.cost(candidate, now);
                if (beats(fallback, candidate, cost, best, bestCost, now)) {
                    best = candidate;
                    bestCost = cost;
                }
            }
            return endpoints[best];
        }

        @Override
        public String toString() {
            return "Sampled{n=" + endpoints.length + ", d=" + choices + (alias != null ? ", weighted" : "") + "}";
        }
    }
}
