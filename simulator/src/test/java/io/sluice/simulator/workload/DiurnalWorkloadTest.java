package io.sluice.simulator.workload;

import static io.sluice.simulator.workload.Recorded.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiurnalWorkloadTest {
    private static final String SPEC = "kind: diurnal\nperiod: 10s\namplitude: 0.5\npeak-at: 5s\n"
            + "source: {kind: poisson, rate: 3000}";

    @Test
    void meanRateOverWholePeriodsIsInnerOverOnePlusAmplitude() {
        WorkloadSpec spec = Recorded.parse(SPEC);
        assertThat(spec.meanRatePerSecond()).isEqualTo(2000.0);
        // thinned Poisson is Poisson: N(100 s) has mean 200000 and sd 447; allow 4 sd
        List<Recorded> all = Recorded.all(spec, 8, 100 * SECOND);
        assertThat((double) all.size()).isCloseTo(200_000, within(1789.0));
    }

    @Test
    void rateSwellsAtThePeakAndEbbsAtTheTrough() {
        // over 10 periods, a 1 s window centred on the peak (5 s) or the trough (0 s = 10 s) spans
        // +-0.05 period = +-0.1 pi rad, where cos averages sin(0.1 pi)/(0.1 pi) = 0.9836; the expected
        // counts are 10 * 3000 * (1 +- 0.5 * 0.9836) / 1.5 = 29836 and 10164, Poisson: allow 4 sqrt
        List<Recorded> all = Recorded.all(Recorded.parse(SPEC), 8, 100 * SECOND);
        long peak = 0;
        long trough = 0;
        for (Recorded r : all) {
            long inPeriod = r.time() % (10 * SECOND);
            if (inPeriod >= 4_500_000_000L && inPeriod < 5_500_000_000L) {
                peak++;
            } else if (inPeriod < 500_000_000L || inPeriod >= 9_500_000_000L) {
                trough++;
            }
        }
        double m = Math.sin(0.1 * Math.PI) / (0.1 * Math.PI);
        double expectedPeak = 10 * 3000 * (1 + 0.5 * m) / 1.5;
        double expectedTrough = 10 * 3000 * (1 - 0.5 * m) / 1.5;
        assertThat((double) peak).isCloseTo(expectedPeak, within(4 * Math.sqrt(expectedPeak)));
        assertThat((double) trough).isCloseTo(expectedTrough, within(4 * Math.sqrt(expectedTrough)));
    }

    @Test
    void keepProbabilityIsOneAtThePeakAndTheFloorAtTheTrough() {
        DiurnalWorkload d = new DiurnalWorkload(new PoissonWorkload(1, "d", 1, ArrivalMarks.NONE), 24 * 3600 * SECOND,
                0.6, 14 * 3600 * SECOND);
        assertThat(d.keepProbability(14 * 3600 * SECOND)).isCloseTo(1.0, within(1e-12));
        assertThat(d.keepProbability(2 * 3600 * SECOND)).isCloseTo(0.4 / 1.6, within(1e-12));
        assertThat(d.keepProbability(38 * 3600 * SECOND)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void zeroAmplitudeKeepsEveryInnerArrival() {
        String inner = "{kind: periodic, devices: 100, period: 1s, jitter: 100ms}";
        List<Recorded> thinned = Recorded.all(Recorded.parse("kind: diurnal\namplitude: 0\nsource: " + inner), 5,
                20 * SECOND);
        List<Recorded> plain = Recorded.all(Recorded.parse(inner), Seeds.derive(5, 0), 20 * SECOND);
        assertThat(thinned).isEqualTo(plain);
    }

    @Test
    void fullAmplitudeSilencesTheTrough() {
        List<Recorded> all = Recorded.all(Recorded.parse("kind: diurnal\nperiod: 10s\namplitude: 1\n"
                + "source: {kind: poisson, rate: 5000}"), 2, 100 * SECOND);
        // near the trough at 5 s, m = (1 - cos d)/2 ~ d^2/4 with d = 2 pi x / 10 s: within x = +-0.1 s it
        // averages (0.0628)^2 / 12 = 3.3e-4, so 0.2 s * 5000/s * 3.3e-4 * 10 periods ~ 3.3 arrivals
        long nearTrough = all.stream().filter(r -> Math.abs(r.time() % (10 * SECOND) - 5 * SECOND) < 100_000_000L)
                .count();
        assertThat(nearTrough).isLessThan(20);
    }
}
