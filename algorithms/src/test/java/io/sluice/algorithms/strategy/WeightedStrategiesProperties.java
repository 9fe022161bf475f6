package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.internal.AliasTable;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long-run shares follow weights, over random weights 1..100 and 1..50 backends. Every property
 * has a fixed jqwik seed, so runs are deterministic.
 */
class WeightedStrategiesProperties {

    private static int[] toArray(List<Integer> weights) {
        return weights.stream().mapToInt(Integer::intValue).toArray();
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    @Property(tries = 200, seed = "20240601")
    void weightedRoundRobinIsExactOverOnePeriod(
            @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 1, max = 100) Integer> weights,
            @ForAll long seed) {
        int[] w = toArray(weights);
        Environment env = Fleet.seeded(seed);
        List<Endpoint> list = Fleet.weighted(env, w);
        long total = 0;
        long g = 0;
        for (int v : w) {
            total += v;
            g = gcd(g, v);
        }
        // Whole weights are exact: the period is total / gcd and holds w_i / gcd of backend i, from
        // whatever slot the seed starts at.
        int period = (int) (total / g);
        long[] counts = Fleet.counts(Fleet.picker("weighted-round-robin", env, list), list, period);
        for (int i = 0; i < w.length; i++) {
            assertThat(counts[i]).isEqualTo(w[i] / g);
        }
    }

    @Property(tries = 200, seed = "20240602")
    void smoothScheduleIsNginxLiterally(
            @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 1, max = 100) Integer> weights) {
        int[] w = toArray(weights);
        int[] period = SmoothWeightedSchedule.sequence(w);
        assertThat(period).containsExactly(NginxReference.picks(w, period.length));
    }

    @Property(tries = 200, seed = "20240603")
    void weightedRandomAliasTableHoldsExactShares(
            @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 1, max = 100) Integer> weights) {
        int[] w = toArray(weights);
        double[] asDoubles = new double[w.length];
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            asDoubles[i] = w[i];
            total += w[i];
        }
        AliasTable table = new AliasTable(asDoubles);
        for (int i = 0; i < w.length; i++) {
            assertThat(Math.abs(table.share(i) - w[i] / total)).isLessThan(1e-12);
        }
    }

    @Property(tries = 50, seed = "20240604")
    void weightedRandomSharesFollowWeights(
            @ForAll @Size(min = 2, max = 50) List<@IntRange(min = 1, max = 100) Integer> weights,
            @ForAll long seed) {
        int[] w = toArray(weights);
        Environment env = Fleet.seeded(seed);
        List<Endpoint> list = Fleet.weighted(env, w);
        double total = 0;
        for (int v : w) {
            total += v;
        }
        int picks = 50_000;
        long[] counts = Fleet.counts(Fleet.picker("weighted-random", env, list), list, picks);
        // Count i ~ Binomial(N = 50 000, p_i = w_i / W). Tolerance 6 sigma_i + 1: over at most
        // 50 tries x 50 backends = 2 500 checks, a two-sided 6-sigma tail (2e-9 each, more for the
        // smallest p where the normal approximation is rough; hence the + 1) makes a false
        // failure negligible, and the fixed seeds make the run deterministic anyway.
        for (int i = 0; i < w.length; i++) {
            double p = w[i] / total;
            double sigma = Math.sqrt(picks * p * (1 - p));
            assertThat(Math.abs(counts[i] - picks * p)).isLessThan(6 * sigma + 1);
        }
    }

    @Property(tries = 200, seed = "20240605")
    void leastConnectionsFillsBackendsInProportionToWeight(
            @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 1, max = 100) Integer> weights,
            @ForAll long seed) {
        int[] w = toArray(weights);
        Environment env = Fleet.seeded(seed);
        List<Endpoint> list = Fleet.weighted(env, w);
        Picker picker = Fleet.picker("least-connections", env, list);
        long total = 0;
        for (int v : w) {
            total += v;
        }
        // With requests that never end, backend i's k-th request is taken at score k / w_i, and the
        // greedy scan takes the smallest scores first. Exactly w_i of backend i's scores are <= 1 and
        // all others exceed 1, so after W = sum(w) picks backend i holds exactly w_i.
        for (long k = 0; k < total; k++) {
            picker.pick(RequestContext.NONE).load().onRequestStart();
        }
        for (int i = 0; i < w.length; i++) {
            assertThat(list.get(i).load().inFlight()).isEqualTo(w[i]);
        }
    }
}
