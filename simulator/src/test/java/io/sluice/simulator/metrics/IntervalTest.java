package io.sluice.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntervalTest {
    /** The class comment's worked example: 100, 104, 98, 102, 96 ms. */
    @Test
    void theWorkedExample() {
        Interval i = Interval.studentT(new double[] {100, 104, 98, 102, 96});
        assertThat(i.n()).isEqualTo(5);
        assertThat(i.mean()).isEqualTo(100.0);
        // s = sqrt(40 / 4) = 3.162; 2.776445 x 3.162 / sqrt(5) = 3.927.
        assertThat(i.halfWidth()).isCloseTo(3.9264, within(1e-4));
        assertThat(i.low()).isCloseTo(96.0736, within(1e-4));
        assertThat(i.bounded()).isTrue();
    }

    @Test
    void oneValueHasNoBoundsAndANanHasNoMean() {
        Interval one = Interval.studentT(new double[] {7});
        assertThat(one.mean()).isEqualTo(7.0);
        assertThat(one.bounded()).isFalse();
        assertThat(Interval.studentT(new double[] {1, Double.NaN, 3}).mean()).isNaN();
        assertThatThrownBy(() -> Interval.studentT(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    /** Published t(0.975, df) (to 6 digits), on the table and on the expansion beyond it. */
    @Test
    void quantilesMatchTheTablesOnBothSidesOfThirty() {
        assertThat(StudentT.quantile975(1)).isEqualTo(12.706205);
        assertThat(StudentT.quantile975(5)).isEqualTo(2.570582);
        assertThat(StudentT.quantile975(30)).isEqualTo(2.042272);
        assertThat(StudentT.quantile975(31)).isCloseTo(2.039513, within(1e-5));
        assertThat(StudentT.quantile975(40)).isCloseTo(2.021075, within(1e-5));
        assertThat(StudentT.quantile975(60)).isCloseTo(2.000298, within(1e-5));
        assertThat(StudentT.quantile975(120)).isCloseTo(1.979930, within(1e-5));
        assertThat(StudentT.quantile975(100_000)).isCloseTo(StudentT.Z_975, within(1e-4));
        assertThatThrownBy(() -> StudentT.quantile975(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Coverage: over 4,000 samples of 5 normal values the interval holds the true mean about 95 % of
     * the time. Binomial(4000, 0.95) has standard deviation sqrt(4000 x 0.95 x 0.05) = 13.8, so five
     * of them are 69 hits: 3,800 +- 69, a share of 0.95 +- 0.0173.
     */
    @Test
    void coversTheTrueMeanNinetyFivePerCentOfTheTime() {
        for (long seed : new long[] {1, 2, 3}) {
            SplittableRandom random = new SplittableRandom(seed);
            int hits = 0;
            int trials = 4000;
            for (int t = 0; t < trials; t++) {
                double[] v = new double[5];
                for (int i = 0; i < v.length; i++) {
                    v[i] = 10 + 2 * gaussian(random);
                }
                Interval in = Interval.studentT(v);
                if (in.low() <= 10 && 10 <= in.high()) {
                    hits++;
                }
            }
            assertThat((double) hits / trials).as("seed %d", seed).isCloseTo(0.95, within(0.0173));
        }
    }

    /** Box-Muller. */
    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
