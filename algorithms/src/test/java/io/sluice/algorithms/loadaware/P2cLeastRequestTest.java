package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.sluice.algorithms.loadaware.Fleet.MS;
import static io.sluice.algorithms.loadaware.Fleet.SECOND;
import static io.sluice.algorithms.loadaware.Fleet.fiveSigma;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class P2cLeastRequestTest {
    private static final String NAME = "p2c-least-request";

    /**
     * Envoy's own simulation case. Three equal hosts; host 3 always has more in flight than hosts
     * 1 and 2, which are equal. Two draws with replacement: host 3 wins only when both land on it,
     * (1/3)^2 = 1/9 = 11.1%; every other pair holds host 1 or 2, and the tie between them goes to
     * the first drawn, so by symmetry each gets (1 - 1/9) / 2 = 4/9 = 44.4%.
     * Tolerance: five binomial standard deviations over 90,000 picks, 5 sqrt(90000 * 1/9 * 8/9)
     * = 471 around 10,000 for host 3 and 5 sqrt(90000 * 4/9 * 5/9) = 745 around 40,000 for each of
     * the others (0.5 and 0.8 percentage points).
     */
    @Test
    void busiestOfThreeWinsOnlyWhenBothDrawsLandOnIt() {
        Fleet fleet = Fleet.ofEqual(42, 3).inFlight(0, 1).inFlight(1, 1).inFlight(2, 4);
        int picks = 90_000;
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), picks);
        assertThat((double) counts[2]).isCloseTo(picks / 9.0, within(fiveSigma(picks, 1 / 9.0)));
        assertThat((double) counts[0]).isCloseTo(picks * 4 / 9.0, within(fiveSigma(picks, 4 / 9.0)));
        assertThat((double) counts[1]).isCloseTo(picks * 4 / 9.0, within(fiveSigma(picks, 4 / 9.0)));
    }

    /**
     * The same case with host 3's load coming from other instances (the shared load view) instead
     * of this one: costs 0, 0 and 4 as above, so the same 1/9 and 4/9 shares, same tolerances.
     * A negative remote count is refused.
     */
    @Test
    void remoteInFlightIsLoadLikeTheOwn() {
        Fleet fleet = Fleet.ofEqual(42, 3);
        fleet.load(2).setRemoteInFlight(4);
        int picks = 90_000;
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), picks);
        assertThat((double) counts[2]).isCloseTo(picks / 9.0, within(fiveSigma(picks, 1 / 9.0)));
        assertThat((double) counts[0]).isCloseTo(picks * 4 / 9.0, within(fiveSigma(picks, 4 / 9.0)));
        assertThatThrownBy(() -> fleet.load(0).setRemoteInFlight(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    /**
     * d = 3: host 3 wins only when all three draws land on it, 1/27. Over 54,000 picks:
     * 2,000 +- 5 sqrt(54000 * 1/27 * 26/27) = 2,000 +- 219.
     */
    @Test
    void choicesSetsTheNumberOfDraws() {
        Fleet fleet = Fleet.ofEqual(7, 3).inFlight(2, 3);
        int picks = 54_000;
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of("choices", 3)), picks);
        assertThat((double) counts[2]).isCloseTo(picks / 27.0, within(fiveSigma(picks, 1 / 27.0)));
    }

    /**
     * One idle host among ten busy ones (all weight 1): it wins whenever either draw lands on it,
     * 1 - (9/10)^2 = 19%, almost twice the 10% a random pick would give. Over 50,000 picks:
     * 9,500 +- 5 sqrt(50000 * 0.19 * 0.81) = 9,500 +- 439 (the band excludes 5,000).
     */
    @Test
    void favoursTheLessLoaded() {
        Fleet fleet = Fleet.ofEqual(3, 10);
        for (int i = 1; i < 10; i++) {
            fleet.inFlight(i, 3);
        }
        int picks = 50_000;
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), picks);
        assertThat((double) counts[0]).isCloseTo(picks * 0.19, within(fiveSigma(picks, 0.19)));
    }

    /**
     * Unequal weights, nothing in flight: every candidate costs 0^bias / w = 0, the first draw
     * wins, and draws are proportional to weight, so the shares are exactly w / sum(w):
     * 10/20/30/40% for weights 1..4. Over 100,000 picks the band is 5 sqrt(N p (1 - p)):
     * 474, 632, 725, 775.
     */
    @Test
    void idleSharesFollowWeightsExactly() {
        Fleet fleet = new Fleet(11, 1, 2, 3, 4);
        int picks = 100_000;
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), picks);
        for (int i = 0; i < 4; i++) {
            double p = (i + 1) / 10.0;
            assertThat((double) counts[i]).as("b%d", i).isCloseTo(picks * p, within(fiveSigma(picks, p)));
        }
    }

    /**
     * Weights 1..4 under sustained load in virtual time: 10,000 requests/s, every backend serves in
     * exactly 10 ms, so about 100 requests are in flight. The comparison pushes towards equal
     * inFlight / weight (bias 1), and with equal latencies Little's law (inFlight = rate x latency)
     * turns that into rates proportional to weight: 10/20/30/40%. The integer in-flight counts
     * can only approximate the balance point to about one request on the lightest backend, which
     * holds ~10, so its share can be off by about a tenth of its 10%: we allow 1.5 points on every
     * backend. (A rule that ignored weights would give 25% each; one that ignored load, the same
     * 10/20/30/40 only by luck of idleness, which this run never has.)
     */
    @Test
    void sharesFollowWeightsUnderSustainedLoad() {
        List<Backend> backends = List.of(Backend.of("b0", "h:0", 1), Backend.of("b1", "h:1", 2),
                Backend.of("b2", "h:2", 3), Backend.of("b3", "h:3", 4));
        VirtualTimeRun run = new VirtualTimeRun(NAME, Map.of(), backends, SECOND, 5, (id, start, r) -> 10 * MS);
        run.run(SECOND, MS / 10);
        Map<String, Long> counts = run.run(3 * SECOND, MS / 10);
        double total = counts.values().stream().mapToLong(Long::longValue).sum();
        for (int i = 0; i < 4; i++) {
            assertThat(counts.get("b" + i) / total).as("b%d", i).isCloseTo((i + 1) / 10.0, within(0.015));
        }
    }

    /**
     * Bias trades weight against load. Weights 1 (light) and 4 (heavy), 1 and 2 in flight. Draws
     * are proportional to weight: light-light 1/25, mixed 8/25, heavy-heavy 16/25. The mixed pairs
     * compare 1 / 1^(1/b) with 2 / 4^(1/b):
     * bias 1: 1 vs 0.5, heavy wins, light share 1/25 = 4%;
     * bias 2: 1 vs 1, a tie, first draw wins, light share 1/5 = 20%;
     * bias 3: 1 vs 1.26, light wins, light share 9/25 = 36%.
     * Over 50,000 picks the bands are 5 sqrt(N p (1 - p)): 219, 447, 537.
     */
    @Test
    void biasTradesWeightAgainstLoad() {
        int picks = 50_000;
        double[][] biasAndShare = {{1, 1 / 25.0}, {2, 1 / 5.0}, {3, 9 / 25.0}};
        for (double[] c : biasAndShare) {
            Fleet fleet = new Fleet(13, 1, 4).inFlight(0, 1).inFlight(1, 2);
            long[] counts = fleet.counts(fleet.picker(NAME, Map.of("active-request-bias", c[0])), picks);
            assertThat((double) counts[0]).as("bias %s", c[0]).isCloseTo(picks * c[1], within(fiveSigma(picks, c[1])));
        }
    }

    /**
     * Bias 0 ignores load, as Envoy's weighted round robin does: weights 1 and 3 with 100 requests
     * on the heavy one still split 1/4, 3/4. Over 40,000 picks: 10,000 +- 5 sqrt(40000 * 3/16) = 433.
     */
    @Test
    void biasZeroIsWeightedRandom() {
        Fleet fleet = new Fleet(17, 1, 3).inFlight(1, 100);
        int picks = 40_000;
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of("active-request-bias", 0)), picks);
        assertThat((double) counts[0]).isCloseTo(picks / 4.0, within(fiveSigma(picks, 0.25)));
    }

    /**
     * A small bias with a fractional weight (slow start's 10 %) must not turn an idle backend's
     * cost into NaN: weight^(-1/bias) = 0.1^-1000 overflows to infinity, and 0 in flight times
     * infinity is NaN, which never wins a comparison. By the rule an idle backend costs 0 and wins
     * every pair it is drawn into. Draws are proportional to weight, 0.1 : 1, so b0 is in a pair
     * with probability 1 - (10/11)^2 = 21/121 = 17.4 %; a NaN would leave it only the pairs it is
     * drawn first in, 1/11 = 9.1 %. Over 50,000 picks: 8,678 +- 5 sqrt(N p (1 - p)) = 8,678 +- 424.
     */
    @Test
    void tinyBiasWithFractionalWeightsNeverMakesACostNaN() {
        Fleet fleet = Fleet.ofEqual(37, 2).inFlight(1, 5);
        EndpointSet set = EndpointSet.of(List.of(fleet.endpoints.get(0).withWeight(0.1), fleet.endpoints.get(1)));
        int picks = 50_000;
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of("active-request-bias", 0.001), set), picks);
        double p = 21 / 121.0;
        assertThat((double) counts[0]).isCloseTo(picks * p, within(fiveSigma(picks, p)));
    }

    /** Equal weights use Envoy's unweighted rule whatever the bias: the busier of two never wins a mixed pair. */
    @Test
    void equalWeightsIgnoreTheBias() {
        Fleet fleet = Fleet.ofEqual(19, 2).inFlight(1, 1);
        int picks = 40_000;
        // Only the pair (b1, b1), 1/4 of draws: 10,000 +- 433.
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of("active-request-bias", 0)), picks);
        assertThat((double) counts[1]).isCloseTo(picks / 4.0, within(fiveSigma(picks, 0.25)));
    }

    @Test
    void emptySetGivesNull() {
        Fleet fleet = Fleet.ofEqual(1, 3);
        assertThat(fleet.picker(NAME, Map.of(), EndpointSet.empty()).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void allUnhealthyGivesNull() {
        Fleet fleet = Fleet.ofEqual(1, 1);
        assertThat(fleet.picker(NAME, Map.of(), fleet.withHealth(0, HealthState.UNHEALTHY)).pick(RequestContext.NONE))
                .isNull();
    }

    @Test
    void oneBackendIsAlwaysPickedHoweverLoaded() {
        Fleet fleet = Fleet.ofEqual(1, 1).inFlight(0, 1000);
        Picker picker = fleet.picker(NAME, Map.of());
        for (int i = 0; i < 100; i++) {
            assertThat(picker.pick(RequestContext.NONE).id()).isEqualTo("b0");
        }
    }

    @Test
    void unhealthyBackendIsNeverPicked() {
        Fleet fleet = Fleet.ofEqual(1, 3);
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of(), fleet.withHealth(1, HealthState.EJECTED)), 3000);
        assertThat(counts[1]).isZero();
        assertThat(counts[0] + counts[2]).isEqualTo(3000);
    }

    /** Equal load, equal weights: every pair ties and the first (uniform) draw wins: 1/4 each, 10,000 +- 433. */
    @Test
    void equalLoadSpreadsUniformly() {
        Fleet fleet = Fleet.ofEqual(23, 4);
        for (int i = 0; i < 4; i++) {
            fleet.inFlight(i, 2);
        }
        int picks = 40_000;
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), picks);
        for (long c : counts) {
            assertThat((double) c).isCloseTo(picks / 4.0, within(fiveSigma(picks, 0.25)));
        }
    }

    /**
     * A caller that ends a request twice leaves -1 in flight; it must count as 0, not as a
     * bargain. b0 at -1 and b1 at 0 then tie: the first draw wins, 1/2 each (had -1 counted, b0
     * would win every mixed pair: 3/4). Over 40,000 picks: 20,000 +- 500.
     */
    @Test
    void negativeInFlightCountsAsZero() {
        Fleet fleet = Fleet.ofEqual(29, 2);
        fleet.load(0).onRequestEnd(0, MS, true);
        assertThat(fleet.load(0).inFlight()).isEqualTo(-1);
        int picks = 40_000;
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), picks);
        assertThat((double) counts[0]).isCloseTo(picks / 2.0, within(fiveSigma(picks, 0.5)));
    }

    @Test
    void neverReadsTheClock() {
        Fleet fleet = new Fleet(31, 1, 2, 3);
        Picker picker = fleet.picker(NAME, Map.of());
        long before = fleet.clockReads();
        fleet.counts(picker, 1000);
        assertThat(fleet.clockReads()).isEqualTo(before);
    }

    @Test
    void declaresItsParameters() {
        var provider = StrategyRegistry.standard().strategy(NAME);
        assertThat(provider.parameters()).extracting(ParameterSpec::name).containsExactly("choices", "active-request-bias", "sampling");
        assertThat(provider.parameters()).extracting(ParameterSpec::defaultText).containsExactly("2", "1.0", "weighted");
    }

    @Test
    void rejectsParametersOutOfRange() {
        Fleet fleet = Fleet.ofEqual(1, 2);
        StrategyRegistry registry = StrategyRegistry.standard();
        assertThatThrownBy(() -> registry.create(NAME, Map.of("choices", 1), fleet.env))
                .hasMessageContaining("choices").hasMessageContaining("2..16");
        assertThatThrownBy(() -> registry.create(NAME, Map.of("choices", 17), fleet.env))
                .hasMessageContaining("choices");
        assertThatThrownBy(() -> registry.create(NAME, Map.of("active-request-bias", -0.5), fleet.env))
                .hasMessageContaining("active-request-bias");
        assertThatThrownBy(() -> registry.create(NAME, Map.of("active-request-bias", 10.5), fleet.env))
                .hasMessageContaining("active-request-bias");
    }
}
