package io.sluice.algorithms.strategy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmoothWeightedScheduleTest {
    @Test
    void nginxGoldenFiveOneOne() {
        // The sequence NGINX documents for weights a=5, b=1, c=1 (worked out in the class comment).
        assertThat(SmoothWeightedSchedule.sequence(new int[] {5, 1, 1})).containsExactly(0, 0, 1, 0, 2, 0, 0);
    }

    @Test
    void threeToOneInterleaves() {
        // (3,1) b (-1,1); (2,2) tie -> a (-2,2); (1,3) b (1,-1); (4,0) a (0,0).
        assertThat(SmoothWeightedSchedule.sequence(new int[] {3, 1})).containsExactly(0, 0, 1, 0);
    }

    @Test
    void equalWeightsGoInListOrder() {
        assertThat(SmoothWeightedSchedule.sequence(new int[] {2, 2, 2})).containsExactly(0, 1, 2, 0, 1, 2);
    }

    @Test
    void matchesTheLiteralNginxRuleOnRandomWeights() {
        SplittableRandom random = new SplittableRandom(5);
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(40);
            int[] weights = new int[n];
            for (int i = 0; i < n; i++) {
                // Few distinct values, so the equal-weight groups the fast build relies on are common.
                weights[i] = 1 + random.nextInt(round % 2 == 0 ? 4 : 60);
            }
            int[] period = SmoothWeightedSchedule.sequence(weights);
            assertThat(period).as("weights %s", java.util.Arrays.toString(weights))
                    .containsExactly(NginxReference.picks(weights, period.length));
        }
    }

    @Test
    void wholeWeightsAreExactAndReducedByTheirGcd() {
        assertThat(SmoothWeightedSchedule.quantise(new double[] {10, 20, 30})).containsExactly(1, 2, 3);
        assertThat(SmoothWeightedSchedule.quantise(new double[] {5, 1, 1})).containsExactly(5, 1, 1);
        assertThat(SmoothWeightedSchedule.quantise(new double[] {7, 7})).containsExactly(1, 1);
    }

    @Test
    void fractionalWeightsAreThousandthsOfTheLargest() {
        // 1.0 -> 1000, 0.5 -> 500, gcd 500 -> 2 : 1.
        assertThat(SmoothWeightedSchedule.quantise(new double[] {1.0, 0.5})).containsExactly(2, 1);
        // Slow start at 37 % of weight 1 beside a full one: 1000 : 370, gcd 10.
        assertThat(SmoothWeightedSchedule.quantise(new double[] {1.0, 0.37})).containsExactly(100, 37);
        // 0.0004 of the largest rounds to 0 thousandths; it keeps one slot.
        assertThat(SmoothWeightedSchedule.quantise(new double[] {2.5, 0.001})).containsExactly(1000, 1);
    }

    @Test
    void hugeTotalsAreRescaledIntoTheCap() {
        // Total 100 004 > 65 536: s = (65 536 - 3) / 100 004 = 0.65530, so 100 000 -> 65 530.4 -> 65 530,
        // 1 -> 0.66 -> 1 and 3 -> 1.97 -> 2.
        int[] q = SmoothWeightedSchedule.quantise(new double[] {100_000, 1, 3});
        assertThat(q).containsExactly(65_530, 1, 2);
        long total = 0;
        for (int v : q) {
            total += v;
        }
        assertThat(total).isLessThanOrEqualTo(SmoothWeightedSchedule.MAX_PERIOD);
        assertThat(SmoothWeightedSchedule.of(new double[] {100_000, 1, 3})).hasSize((int) total);
    }

    @Test
    void manyWeightsStillFitTheCap() {
        double[] weights = new double[SmoothWeightedSchedule.MAX_WEIGHTS];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1 + i % 97;
        }
        int[] q = SmoothWeightedSchedule.quantise(weights);
        long total = 0;
        for (int v : q) {
            assertThat(v).isGreaterThanOrEqualTo(1);
            total += v;
        }
        assertThat(total).isLessThanOrEqualTo(SmoothWeightedSchedule.MAX_PERIOD);
    }

    @Test
    void wholeWeightsBeyondDoublePrecisionTakeTheRelativePath() {
        // 2^60 is whole but beyond 2^53, so it is measured in thousandths of the largest.
        assertThat(SmoothWeightedSchedule.quantise(new double[] {0x1p60, 0x1p59})).containsExactly(2, 1);
    }

    @Test
    void refusesBadInput() {
        assertThatThrownBy(() -> SmoothWeightedSchedule.quantise(new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmoothWeightedSchedule.quantise(new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> SmoothWeightedSchedule.quantise(new double[] {1, -2}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmoothWeightedSchedule.quantise(new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmoothWeightedSchedule.sequence(new int[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmoothWeightedSchedule.sequence(new int[] {SmoothWeightedSchedule.MAX_PERIOD, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
