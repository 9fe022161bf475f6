package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.Tried;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.sluice.algorithms.loadaware.Fleet.MS;
import static io.sluice.algorithms.loadaware.Fleet.fiveSigma;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Weight-aware two choices: the share a strong backend can reach under weighted and under uniform
 * candidate draws, checked against the formulas derived on {@link PowerOfChoices} over several
 * seeds. Every bound is five binomial standard deviations of the count, {@link Fleet#fiveSigma}:
 * a correct picker leaves it about once in 1.7 million seeds, a wrong law (uniform draws where
 * weighted ones are due, draws with replacement where distinct ones are) misses by tens of sigmas.
 *
 * <p>The fleet is the campusiot-fleet demo's: 3 backends of weight 12, 6 of weight 4, 3 of weight
 * 1 (W = 63).
 */
class WeightedSamplingTest {
    private static final int[] CAMPUS = {12, 12, 12, 4, 4, 4, 4, 4, 4, 1, 1, 1};
    private static final long[] SEEDS = {11, 23, 37, 41, 59};
    private static final int PICKS = 20_000;

    private static double[] shares(int[] weights) {
        double total = 0;
        for (int w : weights) {
            total += w;
        }
        double[] p = new double[weights.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = weights[i] / total;
        }
        return p;
    }

    /** P(i is one of two distinct weighted draws) = p_i (1 + sum over j != i of p_j / (1 - p_j)). */
    static double distinctCandidateChance(double[] p, int i) {
        double sum = 0;
        for (int j = 0; j < p.length; j++) {
            if (j != i) {
                sum += p[j] / (1 - p[j]);
            }
        }
        return p[i] * (1 + sum);
    }

    /** P(one of the first {@code g} indices is among two distinct weighted draws) = 1 - P(neither draw is). */
    static double distinctGroupChance(double[] p, int g) {
        double q = 0;
        for (int j = g; j < p.length; j++) {
            q += p[j];
        }
        double neither = 0;
        for (int j = g; j < p.length; j++) {
            neither += p[j] * (q - p[j]) / (1 - p[j]);
        }
        return 1 - neither;
    }

    /** Idle fleet measured at {@code slow}, with the first {@code fast} backends measured at 1 ms. */
    private static Fleet fleet(long seed, int fast, long slow) {
        Fleet fleet = new Fleet(seed, CAMPUS);
        for (int i = 0; i < CAMPUS.length; i++) {
            fleet.latency(i, i < fast ? MS : slow);
        }
        return fleet;
    }

    @Test
    void theDerivationsWorkedExampleHolds() {
        double[] p = shares(CAMPUS);
        assertThat(distinctCandidateChance(p, 0)).isCloseTo(0.367, within(0.001));
        assertThat(distinctGroupChance(p, 3)).isCloseTo(0.831, within(0.001));
    }

    /**
     * b0 costs 1 ms and everyone else 10 ms, all idle: b0 wins every pair it is in, so its share
     * is exactly the chance it is drawn: 36.7% under weighted draws, 2/12 = 16.7% under uniform
     * ones, whatever its weight.
     */
    @ParameterizedTest
    @ValueSource(strings = {"p2c-peak-ewma", "p2c-utilisation"})
    void aStrongBackendReachesTwiceItsWeightShareNotTwoOverN(String strategy) {
        double[] p = shares(CAMPUS);
        double weighted = distinctCandidateChance(p, 0);
        double uniform = 2.0 / CAMPUS.length;
        for (long seed : SEEDS) {
            Fleet fleet = fleet(seed, 1, 10 * MS);
            if (strategy.equals("p2c-utilisation")) {
                // Utilisation reports decide instead: b0 the least busy, the others equal.
                for (int i = 0; i < CAMPUS.length; i++) {
                    fleet.load(i).reportUtilisation(i == 0 ? 0.1 : 0.5, fleet.now());
                }
            }
            long w = fleet.counts(fleet.picker(strategy, Map.of()), PICKS)[0];
            long u = fleet.counts(fleet.picker(strategy, Map.of("sampling", "uniform")), PICKS)[0];
            assertThat((double) w).as("%s weighted, seed %d", strategy, seed)
                    .isCloseTo(PICKS * weighted, within(fiveSigma(PICKS, weighted)));
            assertThat((double) u).as("%s uniform, seed %d", strategy, seed)
                    .isCloseTo(PICKS * uniform, within(fiveSigma(PICKS, uniform)));
        }
    }

    /**
     * The three fast backends at 1 ms beat the nine others at 10 ms: the group gets every pick
     * that draws one of them, 83.1% weighted (enough for the 57% of the capacity they hold),
     * 1 - C(9,2)/C(12,2) = 45.5% uniform (not enough).
     */
    @Test
    void theFastGroupCanCarryItsCapacityOnlyWithWeightedDraws() {
        double weighted = distinctGroupChance(shares(CAMPUS), 3);
        double uniform = 1 - 36.0 / 66;
        for (long seed : SEEDS) {
            Fleet fleet = fleet(seed, 3, 10 * MS);
            long[] w = fleet.counts(fleet.picker("p2c-peak-ewma", Map.of()), PICKS);
            long[] u = fleet.counts(fleet.picker("p2c-peak-ewma", Map.of("sampling", "uniform")), PICKS);
            assertThat((double) (w[0] + w[1] + w[2])).as("weighted, seed %d", seed)
                    .isCloseTo(PICKS * weighted, within(fiveSigma(PICKS, weighted)));
            assertThat((double) (u[0] + u[1] + u[2])).as("uniform, seed %d", seed)
                    .isCloseTo(PICKS * uniform, within(fiveSigma(PICKS, uniform)));
        }
        assertThat(weighted).isGreaterThan(36.0 / 63).isGreaterThan(uniform);
    }

    /**
     * A fleet on which every cost ties: the same latency, and {@code weight - 1} requests in flight
     * for the strategies whose cost is divided by the weight ({@code (in flight + 1) / weight} is
     * then 1 everywhere); idle for least-request, whose weighted cost is {@code in flight / weight}.
     */
    private static Fleet balanced(long seed, String strategy) {
        Fleet fleet = fleet(seed, 0, 10 * MS);
        if (!strategy.equals("p2c-least-request")) {
            for (int i = 0; i < CAMPUS.length; i++) {
                fleet.inFlight(i, CAMPUS[i] - 1);
            }
        }
        return fleet;
    }

    /**
     * Equal costs everywhere: every comparison ties and the first draw keeps the request, so the
     * fleet is shared in proportion to weight (12/63 = 19% for a fast backend, 1/63 for an old
     * one) under weighted draws.
     */
    @ParameterizedTest
    @ValueSource(strings = {"p2c-peak-ewma", "p2c-utilisation", "p2c-least-request"})
    void aFleetOfEqualCostsIsSharedByWeight(String strategy) {
        double[] p = shares(CAMPUS);
        for (long seed : SEEDS) {
            Fleet fleet = balanced(seed, strategy);
            long[] counts = fleet.counts(fleet.picker(strategy, Map.of()), PICKS);
            for (int i = 0; i < CAMPUS.length; i++) {
                assertThat((double) counts[i]).as("%s backend %d, seed %d", strategy, i, seed)
                        .isCloseTo(PICKS * p[i], within(fiveSigma(PICKS, p[i])));
            }
        }
    }

    /**
     * p2c-least-request draws with replacement: b0 (idle) beats every other backend (one request
     * each) when drawn at least once: 1 - (1 - p0)^2 = 34.5% weighted. Uniform draws compare
     * (in flight + 1) / weight: b0 costs 1/12, the other fast ones 2/12, so b0 again wins whenever
     * drawn, 1 - (11/12)^2 = 16.0%.
     */
    @Test
    void leastRequestDrawsWithReplacementUnderEitherSampling() {
        double p0 = shares(CAMPUS)[0];
        double weighted = 1 - (1 - p0) * (1 - p0);
        double uniform = 1 - (11.0 / 12) * (11.0 / 12);
        for (long seed : SEEDS) {
            Fleet fleet = new Fleet(seed, CAMPUS);
            for (int i = 1; i < CAMPUS.length; i++) {
                fleet.inFlight(i, 1);
            }
            long w = fleet.counts(fleet.picker("p2c-least-request", Map.of()), PICKS)[0];
            long u = fleet.counts(fleet.picker("p2c-least-request", Map.of("sampling", "uniform")), PICKS)[0];
            assertThat((double) w).as("weighted, seed %d", seed)
                    .isCloseTo(PICKS * weighted, within(fiveSigma(PICKS, weighted)));
            assertThat((double) u).as("uniform, seed %d", seed)
                    .isCloseTo(PICKS * uniform, within(fiveSigma(PICKS, uniform)));
        }
    }

    /**
     * A retry draws by the same law among the untried: with the three fast backends tried, the
     * picks of a fleet of equal costs go to the nine others in proportion to weight, 4/27 for a
     * standard one, 1/27 for an old one, and never to a tried backend.
     */
    @Test
    void aRetryDrawsTheUntriedInProportionToWeight() {
        for (long seed : SEEDS) {
            Fleet fleet = balanced(seed, "p2c-peak-ewma");
            Picker picker = fleet.picker("p2c-peak-ewma", Map.of());
            Tried tried = Tried.of(fleet.endpoints.get(0)).with(fleet.endpoints.get(1)).with(fleet.endpoints.get(2));
            long[] counts = new long[CAMPUS.length];
            for (int k = 0; k < PICKS; k++) {
                counts[fleet.endpoints.indexOf(picker.pick(RequestContext.NONE, tried))]++;
            }
            assertThat(counts[0] + counts[1] + counts[2]).isZero();
            for (int i = 3; i < CAMPUS.length; i++) {
                double share = CAMPUS[i] / 27.0;
                assertThat((double) counts[i]).as("backend %d, seed %d", i, seed)
                        .isCloseTo(PICKS * share, within(fiveSigma(PICKS, share)));
            }
        }
    }

    @Test
    void aBadSamplingValueIsRefusedWithTheChoices() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StrategyRegistry.standard()
                        .create("p2c-peak-ewma", Map.of("sampling", "random"), new Fleet(1, 1, 2).env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sampling")
                .hasMessageContaining("weighted")
                .hasMessageContaining("uniform");
    }
}
