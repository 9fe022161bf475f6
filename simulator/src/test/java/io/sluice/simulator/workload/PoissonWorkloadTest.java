package io.sluice.simulator.workload;

import static io.sluice.simulator.workload.Recorded.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PoissonWorkloadTest {
    @Test
    void empiricalRateMatchesTheMean() {
        WorkloadSpec spec = Recorded.parse("kind: poisson\nrate: 5000/s");
        assertThat(spec.meanRatePerSecond()).isEqualTo(5000);
        // N(20 s) ~ Poisson(100000): sd = sqrt(100000) = 316; allow 4 sd = 1265
        List<Recorded> all = Recorded.all(spec, 11, 20 * SECOND);
        assertThat((double) all.size()).isCloseTo(100_000, within(1265.0));
    }

    @Test
    void gapsAreExponential() {
        // the fraction of gaps longer than the mean is e^-1 = 0.3679 for an exponential; with n = 50000
        // gaps its sd is sqrt(p(1-p)/n) = 0.00216; allow 4 sd
        List<Recorded> all = Recorded.all(Recorded.parse("kind: poisson\nrate: 1000"), 5, 50 * SECOND);
        long longGaps = 0;
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i).time() - all.get(i - 1).time() > 1_000_000) {
                longGaps++;
            }
        }
        assertThat((double) longGaps / (all.size() - 1)).isCloseTo(Math.exp(-1), within(0.0087));
    }

    @Test
    void devicesAreDrawnUniformlyFromTheFleetAndMarksStamped() {
        WorkloadSpec spec = Recorded.parse("kind: poisson\nrate: 10000\ndevices: 20\ndevice-prefix: s-\ntype: 4\n"
                + "size: 99\nservice-demand: 2.5");
        List<Recorded> all = Recorded.all(spec, 3, 10 * SECOND);
        Map<String, Long> perDevice = all.stream().collect(Collectors.groupingBy(Recorded::device, Collectors.counting()));
        assertThat(perDevice.keySet()).hasSize(20).allSatisfy(id -> assertThat(id).matches("s-(1?[0-9])"));
        // each device's count ~ Binomial(n, 1/20): sd = sqrt(n/20 * 19/20) ~ 218 for n = 100000; allow 5 sd
        double expected = all.size() / 20.0;
        double sd = Math.sqrt(expected * 19 / 20);
        assertThat(perDevice.values()).allSatisfy(c -> assertThat((double) c).isCloseTo(expected, within(5 * sd)));
        assertThat(all).allSatisfy(r -> {
            assertThat(r.type()).isEqualTo(4);
            assertThat(r.size()).isEqualTo(99);
            assertThat(r.demand()).isEqualTo(2.5);
        });
    }

    @Test
    void oneDeviceFleetAndUnknownMarksByDefault() {
        List<Recorded> all = Recorded.all(Recorded.parse("kind: poisson\nrate: 100\ndevices: 1"), 1, SECOND);
        assertThat(all).extracting(Recorded::device).containsOnly("dev-0");
        assertThat(all).allSatisfy(r -> {
            assertThat(r.type()).isEqualTo(-1);
            assertThat(r.size()).isEqualTo(-1);
            assertThat(r.demand()).isNaN();
        });
        assertThat(all.stream().map(Recorded::device).collect(Collectors.toMap(Function.identity(), d -> 1,
                Integer::sum))).hasSize(1);
    }

    @Test
    void slowRatesInOtherUnits() {
        assertThat(Recorded.parse("kind: poisson\nrate: 300/min").meanRatePerSecond()).isEqualTo(5.0);
        assertThat(Recorded.parse("kind: poisson\nrate: 36/h").meanRatePerSecond()).isCloseTo(0.01, within(1e-12));
    }
}
