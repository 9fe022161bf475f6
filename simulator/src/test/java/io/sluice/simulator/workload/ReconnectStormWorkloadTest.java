package io.sluice.simulator.workload;

import static io.sluice.simulator.workload.Recorded.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconnectStormWorkloadTest {
    private static Map<String, List<Long>> attemptsByDevice(List<Recorded> all) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (Recorded r : all) {
            out.computeIfAbsent(r.device(), d -> new ArrayList<>()).add(r.time());
        }
        return out;
    }

    @Test
    void withoutJitterEveryDeviceFollowsTheLadderUntilTheOutageEnds() {
        // at 5 s, base 1 s x2: attempts at 5+1, +3, +7, +15 s; the outage ends at 15 s, so the 4th succeeds
        List<Recorded> all = Recorded.all(Recorded.parse("kind: reconnect-storm\ndevices: 3\nat: 5s\noutage: 10s\n"
                + "base: 1s\nmultiplier: 2\ncap: 30s\njitter: none"), 1, Long.MAX_VALUE);
        Map<String, List<Long>> byDevice = attemptsByDevice(all);
        assertThat(byDevice).hasSize(3).allSatisfy((d, times) ->
                assertThat(times).containsExactly(6 * SECOND, 8 * SECOND, 12 * SECOND, 20 * SECOND));
    }

    @Test
    void capBoundsTheSpacing() {
        // base 1 s x2 capped at 4 s; outage 20 s: gaps 1, 2, 4, 4, 4, 4, 4 -> attempts at 1, 3, 7, 11, 15, 19, 23
        List<Recorded> all = Recorded.all(Recorded.parse("kind: reconnect-storm\ndevices: 1\noutage: 20s\n"
                + "base: 1s\ncap: 4s\njitter: none"), 1, Long.MAX_VALUE);
        assertThat(all).extracting(Recorded::time).containsExactly(1 * SECOND, 3 * SECOND, 7 * SECOND, 11 * SECOND,
                15 * SECOND, 19 * SECOND, 23 * SECOND);
    }

    @Test
    void fullJitterSpacingIsUniformUnderEachCeiling() {
        // gap i ~ U[0, c_i) with c_i = min(8 s, 100 ms * 2^i): mean c_i/2, sd of the mean of n gaps
        // c_i / sqrt(12 n); allow 4 sd. The outage (1 h) keeps every device retrying for 10 attempts.
        int n = 20_000;
        List<Recorded> all = Recorded.all(Recorded.parse("kind: reconnect-storm\ndevices: 20000\noutage: 1h\n"
                + "base: 100ms\ncap: 8s\nmax-attempts: 10"), 6, Long.MAX_VALUE);
        Map<String, List<Long>> byDevice = attemptsByDevice(all);
        assertThat(byDevice).hasSize(n);
        double[] sums = new double[10];
        for (List<Long> times : byDevice.values()) {
            assertThat(times).hasSize(10);
            long previous = 0;
            for (int i = 0; i < 10; i++) {
                long gap = times.get(i) - previous;
                double ceiling = Math.min(8e9, 1e8 * Math.pow(2, i));
                assertThat((double) gap).isBetween(0.0, ceiling);
                sums[i] += gap;
                previous = times.get(i);
            }
        }
        for (int i = 0; i < 10; i++) {
            double ceiling = Math.min(8e9, 1e8 * Math.pow(2, i));
            assertThat(sums[i] / n).isCloseTo(ceiling / 2, within(4 * ceiling / Math.sqrt(12.0 * n)));
        }
    }

    @Test
    void equalJitterKeepsAtLeastHalfTheCeiling() {
        List<Recorded> all = Recorded.all(Recorded.parse("kind: reconnect-storm\ndevices: 2000\noutage: 1m\n"
                + "base: 1s\ncap: 10s\njitter: equal\nmax-attempts: 5"), 6, Long.MAX_VALUE);
        for (List<Long> times : attemptsByDevice(all).values()) {
            long previous = 0;
            for (int i = 0; i < times.size(); i++) {
                double ceiling = Math.min(10e9, 1e9 * Math.pow(2, i));
                assertThat((double) (times.get(i) - previous)).isBetween(ceiling / 2 - 1, ceiling);
                previous = times.get(i);
            }
        }
    }

    @Test
    void noDeviceAttemptsAfterItsSuccessfulReconnect() {
        // every device's last attempt is after the outage; all earlier ones are inside it
        List<Recorded> all = Recorded.all(Recorded.parse("kind: reconnect-storm\ndevices: 5000\nat: 10s\noutage: 30s\n"
                + "base: 500ms\ncap: 20s"), 8, Long.MAX_VALUE);
        assertThat(attemptsByDevice(all)).hasSize(5000).allSatisfy((d, times) -> {
            assertThat(times.get(times.size() - 1)).isGreaterThanOrEqualTo(40 * SECOND);
            assertThat(times.subList(0, times.size() - 1)).allSatisfy(t -> assertThat(t).isLessThan(40 * SECOND));
        });
    }

    @Test
    void failureProbabilityMakesAttemptsGeometric() {
        // no outage, p = 0.5: attempts per device ~ Geometric with mean 1/(1-p) = 2, sd sqrt(p)/(1-p) = 1.41;
        // the mean of 20000 devices has sd 0.01; allow 4 sd
        List<Recorded> all = Recorded.all(Recorded.parse("kind: reconnect-storm\ndevices: 20000\n"
                + "failure-probability: 0.5"), 4, Long.MAX_VALUE);
        assertThat(all.size() / 20_000.0).isCloseTo(2.0, within(0.04));
        assertThat(Recorded.parse("kind: reconnect-storm\ndevices: 5").meanRatePerSecond()).isNaN();
    }

    @Test
    void withoutAnOutageEveryDeviceReconnectsAtItsFirstAttempt() {
        List<Recorded> all = Recorded.all(Recorded.parse("kind: reconnect-storm\ndevices: 1000\nat: 1s\nbase: 2s"), 4,
                Long.MAX_VALUE);
        assertThat(attemptsByDevice(all)).hasSize(1000).allSatisfy((d, times) -> assertThat(times).hasSize(1));
        assertThat(all).allSatisfy(r -> assertThat(r.time()).isBetween(SECOND, 3 * SECOND - 1));
    }

    @Test
    void maxAttemptsStopsEveryDevice() {
        List<Recorded> all = Recorded.all(Recorded.parse("kind: reconnect-storm\ndevices: 100\noutage: 1h\n"
                + "max-attempts: 3"), 4, Long.MAX_VALUE);
        assertThat(attemptsByDevice(all)).hasSize(100).allSatisfy((d, times) -> assertThat(times).hasSize(3));
    }
}
