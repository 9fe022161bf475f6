package io.sluice.simulator.workload;

import static io.sluice.simulator.workload.Recorded.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeriodicFleetWorkloadTest {
    private static int index(Recorded r) {
        return Integer.parseInt(r.device().substring("dev-".length()));
    }

    @Test
    void spreadPhasesStaggerTheFleetEvenly() {
        // 1000 devices, 10 s: device d reports at d * 10 ms, then every 10 s
        List<Recorded> all = Recorded.all(Recorded.parse("kind: periodic\ndevices: 1000\nperiod: 10s"), 1,
                30 * SECOND - 1);
        assertThat(all).hasSize(3000);
        for (int i = 0; i < all.size(); i++) {
            Recorded r = all.get(i);
            assertThat(index(r)).isEqualTo(i % 1000);
            assertThat(r.time()).isEqualTo((i / 1000) * 10 * SECOND + (i % 1000) * 10_000_000L);
        }
    }

    @Test
    void alignedPhasesReportTogether() {
        List<Recorded> all = Recorded.all(Recorded.parse("kind: periodic\ndevices: 50\nperiod: 1s\nphases: aligned"),
                1, 3 * SECOND);
        // inclusive horizon: reports at 0, 1, 2 and 3 s
        assertThat(all).hasSize(200);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).time()).isEqualTo((i / 50) * SECOND);
            assertThat(index(all.get(i))).isEqualTo(i % 50); // ties break by device index
        }
    }

    @Test
    void jitterDelaysEachReportUniformlyWithinItsPeriod() {
        long period = 10 * SECOND;
        long jitter = 2 * SECOND;
        List<Recorded> all = Recorded.all(Recorded.parse(
                "kind: periodic\ndevices: 500\nperiod: 10s\njitter: 2s\nphases: aligned"), 9, 200 * SECOND - 1);
        Map<String, Integer> reports = new HashMap<>();
        double sum = 0;
        for (Recorded r : all) {
            int k = reports.merge(r.device(), 1, Integer::sum) - 1;
            long offset = r.time() - k * period; // aligned: the k-th report's nominal time is k * P
            assertThat(offset).isBetween(0L, jitter - 1);
            sum += offset;
        }
        assertThat(reports).hasSize(500).allSatisfy((d, n) -> assertThat(n).isEqualTo(20));
        // offsets ~ U[0, 2 s): mean 1 s, sd of the mean of n = 10000 is 2/sqrt(12)/100 s = 5.8 ms; allow 4 sd
        assertThat(sum / all.size()).isCloseTo(1e9, within(23.1e6));
    }

    @Test
    void randomPhasesAreUniformOverThePeriod() {
        int devices = 20_000;
        List<Recorded> first = Recorded.all(Recorded.parse(
                "kind: periodic\ndevices: 20000\nperiod: 1s\nphases: random"), 4, SECOND - 1);
        assertThat(first).hasSize(devices);
        // phase ~ U[0, 1 s): mean 0.5 s, sd of the mean 1/sqrt(12)/sqrt(20000) s = 2.04 ms; allow 4 sd
        double mean = first.stream().mapToLong(Recorded::time).average().orElseThrow();
        assertThat(mean).isCloseTo(0.5e9, within(8.2e6));
        assertThat(first.stream().map(Recorded::device).distinct().count()).isEqualTo(devices);
    }

    @Test
    void rateIsDevicesOverPeriod() {
        WorkloadSpec spec = Recorded.parse("kind: periodic\ndevices: 3000\nperiod: 60s\njitter: 60s\nphases: random");
        assertThat(spec.meanRatePerSecond()).isEqualTo(50.0);
        // every device reports floor or ceil of H/P times in [0, H]: the count is within N of N*H/P
        List<Recorded> all = Recorded.all(spec, 2, 6000 * SECOND);
        assertThat((double) all.size()).isCloseTo(50.0 * 6000, within(3000.0));
    }

    @Test
    void spreadPhaseOfAHugeFleetDoesNotOverflow() {
        // d * P = 4e7 * 1e13 overflows a long; the phase must still be d/N of the period
        long period = 10_000 * SECOND;
        long phase = PeriodicFleetWorkload.phase(PeriodicFleetWorkload.Phases.SPREAD, 40_000_000, 50_000_000,
                period, null);
        assertThat(phase).isEqualTo(period / 5 * 4);
    }

    @Test
    void oneDevice() {
        List<Recorded> all = Recorded.all(Recorded.parse("kind: periodic\ndevices: 1\nperiod: 250ms"), 1, SECOND);
        assertThat(all).extracting(Recorded::time).containsExactly(0L, 250 * Recorded.MS, 500 * Recorded.MS,
                750 * Recorded.MS, SECOND);
    }
}
