package io.sluice.simulator.workload;

import static io.sluice.simulator.workload.Recorded.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class OnOffWorkloadTest {
    // on 2000/s for ~100 ms, off 100/s for ~400 ms
    private static final String SPEC = "kind: mmpp\non: {rate: 2000, mean-sojourn: 100ms}\n"
            + "off: {rate: 100, mean-sojourn: 400ms}";

    @Test
    void meanRateIsTheStationaryMixOfTheStates() {
        WorkloadSpec spec = Recorded.parse(SPEC);
        // (2000 * 0.1 + 100 * 0.4) / 0.5 = 480/s
        assertThat(spec.meanRatePerSecond()).isCloseTo(480.0, within(1e-9));
        // MMPP-2 counts are overdispersed: the asymptotic index of dispersion (Var/mean of N(t)) is
        // 1 + 2 s1 s2 (l1 - l2)^2 / ((s1 + s2)^2 (l1 s2 + l2 s1)) with leaving rates s1 = 10/s (on),
        // s2 = 2.5/s (off): 1 + 2*10*2.5*1900^2 / (12.5^2 * (2000*2.5 + 100*10)) = 193.5
        // (Fischer and Meier-Hellstern 1993). Over 2000 s: mean 960000, sd sqrt(960000 * 193.5) = 13630;
        // allow 4 sd
        List<Recorded> all = Recorded.all(spec, 21, 2000 * SECOND);
        assertThat((double) all.size()).isCloseTo(960_000, within(4 * 13_630.0));
    }

    @Test
    void countsAreBurstierThanPoisson() {
        // the index of dispersion of 10 s counts approaches 193.5 (see above); Poisson would give 1
        List<Recorded> all = Recorded.all(Recorded.parse(SPEC), 5, 2000 * SECOND);
        long[] counts = new long[200];
        for (Recorded r : all) {
            counts[(int) Math.min(199, r.time() / (10 * SECOND))]++;
        }
        double mean = 0;
        for (long c : counts) {
            mean += c;
        }
        mean /= counts.length;
        double var = 0;
        for (long c : counts) {
            var += (c - mean) * (c - mean);
        }
        var /= counts.length - 1;
        assertThat(var / mean).isGreaterThan(50);
    }

    @Test
    void silentOffStateLeavesGapsAsLongAsItsSojourns() {
        // off sends nothing: gaps longer than 50 ms (p = e^-100 inside an on state at 2000/s) are off
        // periods. An off sojourn is Exp(mean 1 s); kept only when > 50 ms, its mean is 50 ms + 1 s
        // (memorylessness), plus the two 0.5 ms on-waits around it: 1.051 s. ~1000 cycles of ~2 s, 95%
        // of them kept: the sd of the mean is 1/sqrt(950) s = 32 ms; allow 4 sd
        List<Recorded> all = Recorded.all(Recorded.parse("kind: mmpp\non: {rate: 2000, mean-sojourn: 1s}\n"
                + "off: {rate: 0, mean-sojourn: 1s}"), 3, 2000 * SECOND);
        double sum = 0;
        int gaps = 0;
        for (int i = 1; i < all.size(); i++) {
            long gap = all.get(i).time() - all.get(i - 1).time();
            if (gap > 50_000_000L) {
                sum += gap;
                gaps++;
            }
        }
        // about one off period per 2 s cycle
        assertThat(gaps).isBetween(850, 1150);
        assertThat(sum / gaps / 1e9).isCloseTo(1.051, within(0.13));
    }
}
