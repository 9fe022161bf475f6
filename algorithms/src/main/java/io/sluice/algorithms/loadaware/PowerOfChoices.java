package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
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
 * <h2>Drawing</h2>
 * Two choices, each under either {@link Sampling}:
 * <ul>
 *   <li>with replacement ({@link #withReplacement}, Envoy's {@code LEAST_REQUEST}): d independent
 *       draws that may repeat; with three endpoints and d = 2 the busiest one is chosen only
 *       when both draws land on it, 1/9 of the time;</li>
 *   <li>two distinct ({@link #twoDistinct}, Finagle's P2C): the second draw is never the first.</li>
 * </ul>
 * {@link Sampling#UNIFORM} draws every endpoint alike; {@link Sampling#WEIGHTED} draws endpoint i
 * with probability {@code p_i = w_i / W} (Vose's {@link AliasTable}, O(1) a draw), and a distinct
 * second draw with probability {@code p_j / (1 - p_i)}, by redrawing while it equals the first
 * (exact). When every weight is equal both are the same uniform draw.
 *
 * <h2>Why weighted draws: the share a strong backend can reach</h2>
 * A backend wins only picks in which it is a candidate, so its share of the traffic is at most
 * the probability that it is drawn, whatever its cost. With two distinct uniform draws over N
 * backends that is {@code 2/N}: a backend with half of the fleet's capacity still gets at most
 * 2/N of the requests, and the rest queue on weaker ones. Worked example, the campusiot-fleet
 * demo: 3 fast backends of weight 12, 6 of weight 4, 3 of weight 1 (W = 63, weights proportional
 * to capacity). The fast three hold 36/63 = 57% of the capacity, but a pair contains one of them
 * with probability {@code 1 - C(9,2)/C(12,2) = 1 - 36/66 = 45.5%}: that is all they can get.
 *
 * <p>With weighted distinct draws, endpoint i is a candidate with probability
 * <pre>
 *   P(i) = p_i + sum over j != i of p_j * p_i / (1 - p_j) = p_i * (1 + sum over j != i of p_j / (1 - p_j))
 * </pre>
 * (first draw, or second after some j). For small shares this is about {@code 2 p_i}: twice its
 * weight share, never less than it. In the example: p_fast = 12/63 = 0.190, and the sum over the
 * others is 2 x 0.190/0.810 + 6 x 0.0635/0.937 + 3 x 0.0159/0.984 = 0.926, so one fast backend
 * can reach 0.190 x 1.926 = 36.7% of the picks (uniform: 2/12 = 16.7%); the three together, one
 * minus the chance that neither draw is fast, {@code 1 - sum over slow j of p_j (Q - p_j)/(1 - p_j)}
 * with Q = 27/63 the slow share, = 1 - 0.169 = 83% against the 57% they should carry. The load
 * signal can then settle the split below that cap. Ties (every candidate idle) go to the first
 * draw, so an idle fleet is shared exactly in proportion to weight. The statistical tests check
 * both formulas over several seeds.
 *
 * <h2>Retries</h2>
 * {@link Picker#pick(RequestContext, Tried)} draws among the untried endpoints only, by the same
 * law conditioned on being untried: a draw that lands on a tried endpoint is redrawn, up to
 * {@value #REDRAWS} times, and should all of them miss (the untried ones hold a tiny share of the
 * weight) one draw over the untried endpoints alone, in proportion to weight, settles it in O(n).
 * With one untried endpoint left it is the answer; with none, null.
 *
 * <h2>Cost</h2>
 * One 64-bit random draw per two uniform candidates, one per weighted candidate (the alias table
 * is one {@code long} per column), d gauge reads, each one array slot and one {@link BackendLoad}
 * object, no writes to shared state. The clock is read once when the gauge needs the present
 * ({@link LoadMetric.Gauge.Time#CLOCK}), never otherwise: a gauge whose order does not depend on
 * the instant ({@link LoadMetric.Gauge.Time#LATEST_SAMPLE}, the decaying EWMA) is read at the
 * later sample time of the two endpoints compared, which on a busy cluster keeps the decay on its
 * cheap polynomial path and leaves at most one {@code Math.exp} per comparison otherwise.
 * Reading {@link System#nanoTime()} costs about as much as the whole rest of a pick.
 */
final class PowerOfChoices implements Chooser {
    /** Redraws of one candidate before the exact O(n) draw over the eligible endpoints. */
    static final int REDRAWS = 16;

    private static final long LOW_32 = 0xFFFF_FFFFL;

    private final int choices;
    private final boolean distinct;
    private final Sampling sampling;

    private PowerOfChoices(int choices, boolean distinct, Sampling sampling) {
        if (choices < 2) {
            throw new IllegalArgumentException("power of d choices needs d >= 2, got " + choices);
        }
        this.choices = choices;
        this.distinct = distinct;
        this.sampling = sampling;
    }

    /** d uniform draws with replacement. */
    static PowerOfChoices withReplacement(int choices) {
        return new PowerOfChoices(choices, false, Sampling.UNIFORM);
    }

    /** d draws with replacement, each proportional to weight when the weights differ. */
    static PowerOfChoices weightedWithReplacement(int choices) {
        return new PowerOfChoices(choices, false, Sampling.WEIGHTED);
    }

    /** d draws with replacement, sampled as {@code sampling} says. */
    static PowerOfChoices withReplacement(int choices, Sampling sampling) {
        return new PowerOfChoices(choices, false, sampling);
    }

    /** Two different endpoints, uniformly. */
    static PowerOfChoices twoDistinct() {
        return new PowerOfChoices(2, true, Sampling.UNIFORM);
    }

    /** Two different endpoints, sampled as {@code sampling} says. */
    static PowerOfChoices twoDistinct(Sampling sampling) {
        return new PowerOfChoices(2, true, sampling);
    }

    @Override
    public Picker picker(List<Endpoint> endpoints, LoadMetric.Gauge gauge, Environment env) {
        Endpoint[] array = endpoints.toArray(new Endpoint[0]);
        AliasTable alias = sampling == Sampling.WEIGHTED && !Endpoints.equalWeights(array)
                ? new AliasTable(Endpoints.weights(array)) : null;
        return new ChoicesPicker(array, choices, distinct, alias, gauge, env);
    }

    @Override
    public String toString() {
        return (distinct ? "two distinct choices" : choices + " choices with replacement") + ", " + sampling;
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

    /**
     * The picker of every variant. Two choices (the default of every strategy) take a straight
     * path: draw both, read both, compare once; more choices run the tournament loop.
     */
    private static final class ChoicesPicker implements Picker {
        private final Endpoint[] endpoints;
        private final BackendLoad[] loads;
        private final int choices;
        private final boolean distinct;
        /** Null for uniform draws (uniform sampling, or equal weights). */
        private final AliasTable alias;
        private final LoadMetric.Gauge gauge;
        private final LoadMetric.Gauge fallback;
        private final boolean readsClock;
        private final boolean atLatestSample;
        private final LongSupplier clock;
        private final RandomGenerator random;

        ChoicesPicker(Endpoint[] endpoints, int choices, boolean distinct, AliasTable alias, LoadMetric.Gauge gauge,
                      Environment env) {
            this.endpoints = endpoints;
            this.loads = new BackendLoad[endpoints.length];
            for (int i = 0; i < endpoints.length; i++) {
                loads[i] = endpoints[i].load();
            }
            this.choices = choices;
            this.distinct = distinct;
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
            if (choices != 2) {
                return endpoints[tournament()];
            }
            int n = endpoints.length;
            int first;
            int second;
            if (alias == null) {
                // One draw serves both: the high half chooses the first, the low half the second.
                long bits = random.nextLong();
                first = Indices.multiplyShift(bits >>> 32, n);
                if (distinct) {
                    // Uniform over the n - 1 others: skip over the first.
                    second = Indices.multiplyShift(bits & LOW_32, n - 1);
                    if (second >= first) {
                        second++;
                    }
                } else {
                    second = Indices.multiplyShift(bits & LOW_32, n);
                }
            } else {
                first = alias.sample(random.nextLong());
                second = alias.sample(random.nextLong());
                if (distinct && second == first) {
                    second = draw(Tried.NONE, first);
                }
            }
            return endpoints[better(first, second)];
        }

        @Override
        public Endpoint pick(RequestContext ctx, Tried tried) {
            if (tried.isEmpty()) {
                return pick(ctx);
            }
            int best = draw(tried, -1);
            if (best < 0) {
                return null;
            }
            for (int k = 1; k < choices; k++) {
                int candidate = draw(tried, distinct ? best : -1);
                if (candidate < 0) {
                    break; // the first was the only untried endpoint
                }
                best = better(best, candidate);
            }
            return endpoints[best];
        }

        /** The cheaper of {@code first} and {@code second}, ties to the first. */
        private int better(int first, int second) {
            long now = readsClock ? clock.getAsLong()
                    : atLatestSample ? later(gauge.sampleNanos(first), gauge.sampleNanos(second)) : 0L;
            double firstCost = gauge.cost(first, now);
            double secondCost = gauge.cost(second, now);
            return beats(fallback, second, secondCost, first, firstCost, now) ? second : first;
        }

        /** d draws with replacement (d != 2), meeting in draw order. */
        private int tournament() {
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
            return best;
        }

        /**
         * One candidate drawn by this picker's law conditioned on being neither {@code not} nor in
         * {@code tried}: redraws, then the exact O(n) draw over the eligible ones. -1 when there is
         * no eligible endpoint.
         */
        private int draw(Tried tried, int not) {
            int n = endpoints.length;
            for (int attempt = 0; attempt < REDRAWS; attempt++) {
                int c = alias != null ? alias.sample(random.nextLong())
                        : Indices.multiplyShift(random.nextLong() >>> 32, n);
                if (c != not && !tried.contains(loads[c])) {
                    return c;
                }
            }
            double total = 0;
            int last = -1;
            for (int i = 0; i < n; i++) {
                if (i != not && !tried.contains(loads[i])) {
                    total += weight(i);
                    last = i;
                }
            }
            if (last < 0) {
                return -1;
            }
            double u = random.nextDouble() * total;
            for (int i = 0; i < n; i++) {
                if (i != not && !tried.contains(loads[i])) {
                    u -= weight(i);
                    if (u < 0) {
                        return i;
                    }
                }
            }
            return last; // rounding left u just above 0
        }

        private double weight(int i) {
            return alias != null ? endpoints[i].weight() : 1.0;
        }

        @Override
        public String toString() {
            return "PowerOfChoices{n=" + endpoints.length + ", d=" + choices + (distinct ? ", distinct" : "")
                    + (alias != null ? ", weighted" : "") + "}";
        }
    }
}
