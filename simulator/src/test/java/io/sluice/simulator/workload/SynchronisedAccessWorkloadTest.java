package io.sluice.simulator.workload;

import static io.sluice.simulator.workload.Recorded.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SynchronisedAccessWorkloadTest {
    /** E[X^k] of Beta(a, b) = prod_{r<k} (a + r) / (a + b + r). */
    private static double rawMoment(int a, int b, int k) {
        double m = 1;
        for (int r = 0; r < k; r++) {
            m *= (a + r) / (double) (a + b + r);
        }
        return m;
    }

    @Test
    void model2AccessTimesAreBeta34OverTheWindow() {
        int n = 100_000;
        List<Recorded> all = Recorded.all(Recorded.parse("kind: synchronised-access\ndevices: 100000\nwindow: 10s\n"
                + "at: 2s"), 17, Long.MAX_VALUE);
        assertThat(all).hasSize(n);
        assertThat(all.stream().map(Recorded::device).distinct().count()).isEqualTo(n);
        double sum = 0;
        double sumSq = 0;
        for (Recorded r : all) {
            assertThat(r.time()).isBetween(2 * SECOND, 12 * SECOND);
            double x = (r.time() - 2 * SECOND) / (10.0 * SECOND);
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        // Beta(3, 4): mean 3/7, variance 3*4/(7^2 * 8) = 3/98 (3GPP TR 37.868 model 2, in units of T).
        // sd of the sample mean = sqrt(3/98 / n) = 5.5e-4; allow 4 sd.
        assertThat(mean).isCloseTo(3.0 / 7, within(4 * Math.sqrt(3.0 / 98 / n)));
        // sd of the sample variance ~ sqrt((mu4 - sigma^4) / n), mu4 from the raw moments: 1.16e-4; allow 4 sd
        double m1 = rawMoment(3, 4, 1);
        double mu4 = rawMoment(3, 4, 4) - 4 * m1 * rawMoment(3, 4, 3) + 6 * m1 * m1 * rawMoment(3, 4, 2)
                - 3 * Math.pow(m1, 4);
        double sigma2 = 3.0 / 98;
        assertThat(var).isCloseTo(sigma2, within(4 * Math.sqrt((mu4 - sigma2 * sigma2) / n)));
    }

    @Test
    void betaOrderStatisticMatchesTheBetaLawForOtherIntegers() {
        // Beta(2, 5): mean 2/7; sd of the mean of 200000 draws is sqrt(10/392/200000) = 3.6e-4
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        double[] scratch = new double[6];
        double sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += RandomDraws.betaOrderStatistic(random, 2, 5, scratch);
        }
        assertThat(sum / 200_000).isCloseTo(2.0 / 7, within(4 * Math.sqrt(10.0 / 392 / 200_000)));
    }

    @Test
    void model1IsUniformOverTheWindow() {
        List<Recorded> all = Recorded.all(Recorded.parse("kind: synchronised-access\ndevices: 50000\nwindow: 60s\n"
                + "distribution: uniform"), 3, Long.MAX_VALUE);
        assertThat(all).hasSize(50_000);
        // U(0, 1): mean 1/2, sd of the mean sqrt(1/12/50000) = 1.29e-3; allow 4 sd
        double mean = all.stream().mapToDouble(r -> r.time() / (60.0 * SECOND)).average().orElseThrow();
        assertThat(mean).isCloseTo(0.5, within(5.2e-3));
    }

    @Test
    void repeatingBurstsEveryIntervalGiveDevicesOverEvery() {
        WorkloadSpec spec = Recorded.parse("kind: synchronised-access\ndevices: 1000\nwindow: 5s\nevery: 20s");
        assertThat(spec.meanRatePerSecond()).isEqualTo(50.0);
        List<Recorded> all = Recorded.all(spec, 3, 60 * SECOND - 1);
        assertThat(all).hasSize(3000);
        for (int b = 0; b < 3; b++) {
            long start = b * 20 * SECOND;
            List<Recorded> burst = all.subList(b * 1000, (b + 1) * 1000);
            assertThat(burst).allSatisfy(r -> assertThat(r.time()).isBetween(start, start + 5 * SECOND));
            assertThat(burst.stream().map(Recorded::device).distinct().count()).isEqualTo(1000);
        }
        // fresh draws each burst
        assertThat(all.get(0).time()).isNotEqualTo(all.get(1000).time() - 20 * SECOND);
    }

    @Test
    void singleBurstHasNoMeanRateAndOneDeviceWorks() {
        WorkloadSpec spec = Recorded.parse("kind: synchronised-access\ndevices: 1");
        assertThat(spec.meanRatePerSecond()).isNaN();
        assertThat(Recorded.all(spec, 1, Long.MAX_VALUE)).hasSize(1).allSatisfy(r ->
                assertThat(r.time()).isBetween(0L, 10 * SECOND));
    }

    @Test
    void horizonBeforeTheBurstGivesNothing() {
        assertThat(Recorded.all(Recorded.parse("kind: synchronised-access\ndevices: 10\nat: 1m"), 1, 59 * SECOND))
                .isEmpty();
    }
}
