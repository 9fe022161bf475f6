package io.sluice.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Sample means against the exact means, n = 400,000 draws, fixed seed. Tolerances are 5 standard
 * errors {@code 5 * sd / sqrt(n)} with the distribution's sd (derived per case), except Pareto.
 */
class DistributionTest {
    private static final int N = 400_000;

    private static double sampleMean(Distribution d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double sum = 0;
        for (int i = 0; i < N; i++) {
            double x = d.sample(r);
            assertThat(x).isFinite().isGreaterThanOrEqualTo(0);
            sum += x;
        }
        return sum / N;
    }

    @Test
    void exponentialMean() {
        // sd = mean = 1000: 5 * 1000 / 632 = 7.9.
        Distribution d = Distribution.exponential(1000);
        assertThat(d.mean()).isEqualTo(1000);
        assertThat(sampleMean(d, 1)).isCloseTo(1000, offset(7.9));
        assertThat(d.describe()).isEqualTo("exponential(mean=1us)");
    }

    @Test
    void constantIsConstantAndMayBeZero() {
        assertThat(sampleMean(Distribution.constant(250), 1)).isEqualTo(250);
        assertThat(Distribution.constant(0).sample(new SplittableRandom(1))).isZero();
    }

    @Test
    void lognormalMean() {
        // sd = mean * sqrt(e^(sigma^2) - 1) = 1000 * 0.533 for sigma 0.5: 5 * 533 / 632 = 4.2.
        Distribution d = Distribution.lognormal(1000, 0.5);
        assertThat(sampleMean(d, 2)).isCloseTo(1000, offset(4.2));
    }

    @Test
    void paretoMeanAndMinimum() {
        // shape 3: scale = 1000 * 2/3; sd = scale * sqrt(shape / ((shape-1)^2 (shape-2))) = 577;
        // the sample variance converges slowly with a heavy tail, so allow 10 standard errors: 9.1.
        Distribution d = Distribution.pareto(1000, 3);
        assertThat(sampleMean(d, 3)).isCloseTo(1000, offset(9.1));
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 1000; i++) {
            assertThat(d.sample(r)).isGreaterThanOrEqualTo(2000.0 / 3);
        }
    }

    @Test
    void empiricalResamplesItsValues() {
        Distribution d = Distribution.empirical(new double[] {1, 2, 3, 10});
        assertThat(d.mean()).isEqualTo(4);
        // sd = sqrt(((1-4)^2 + (2-4)^2 + (3-4)^2 + 6^2) / 4) = 3.54: 5 * 3.54 / 632 = 0.028.
        assertThat(sampleMean(d, 5)).isCloseTo(4, offset(0.028));
        assertThat(Distribution.empirical(new double[] {7}).sample(new SplittableRandom(1))).isEqualTo(7);
    }

    @Test
    void badParametersAreRefusedWithTheRange() {
        assertThatThrownBy(() -> Distribution.exponential(0)).hasMessageContaining("mean must be");
        assertThatThrownBy(() -> Distribution.exponential(Double.NaN)).hasMessageContaining("mean must be");
        assertThatThrownBy(() -> Distribution.constant(-1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Distribution.lognormal(1, 0)).hasMessageContaining("sigma");
        assertThatThrownBy(() -> Distribution.pareto(1, 1)).hasMessageContaining("shape must be");
        assertThatThrownBy(() -> Distribution.empirical(new double[0])).hasMessageContaining("at least one");
        assertThatThrownBy(() -> Distribution.empirical(new double[] {1, -1})).hasMessageContaining("sample 1");
        assertThatThrownBy(() -> Distribution.empirical(new double[] {0, 0})).hasMessageContaining("all be 0");
    }
}
