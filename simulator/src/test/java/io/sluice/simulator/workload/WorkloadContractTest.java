package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.Hashing;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every workload kind promises, checked on one small example of each. */
class WorkloadContractTest {
    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("poisson", "kind: poisson\nrate: 2000\ndevices: 50", true),
                Arguments.of("periodic", "kind: periodic\ndevices: 300\nperiod: 1s\njitter: 300ms\nphases: random", true),
                Arguments.of("diurnal", "kind: diurnal\nperiod: 2s\namplitude: 0.8\nsource: {kind: poisson, rate: 3000}",
                        true),
                Arguments.of("mmpp", "kind: mmpp\non: {rate: 3000, mean-sojourn: 100ms}\n"
                        + "off: {rate: 10, mean-sojourn: 300ms}", true),
                Arguments.of("synchronised-access", "kind: synchronised-access\ndevices: 2000\nwindow: 1s\nevery: 2s",
                        true),
                Arguments.of("reconnect-storm", "kind: reconnect-storm\ndevices: 500\nat: 1s\noutage: 3s\nbase: 100ms\n"
                        + "cap: 2s", true),
                Arguments.of("mixture", "kind: mixture\nsources:\n  - {kind: poisson, rate: 500}\n"
                        + "  - {kind: periodic, devices: 100, period: 200ms, jitter: 50ms}", true),
                Arguments.of("trace", "kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms\n"
                        + "amplify: {copies: 400, max-shift: 3s}", true),
                Arguments.of("trace without amplification",
                        "kind: trace\npath: traces/events.jsonl\ntime-unit: epoch-ms\n"
                                + "fields: {time: ts, device: dev, type: port, size: bytes}", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void sameSeedSameArrivalsAndDifferentSeedDifferent(String name, String yaml, boolean random) {
        WorkloadSpec spec = Recorded.parse(yaml);
        List<Recorded> a = Recorded.first(spec, 42, 3000);
        List<Recorded> b = Recorded.first(spec, 42, 3000);
        assertThat(a).isNotEmpty().isEqualTo(b);
        List<Recorded> c = Recorded.first(spec, 43, 3000);
        if (random) {
            assertThat(c).isNotEqualTo(a);
        } else {
            assertThat(c).isEqualTo(a); // a plain trace replay has nothing to draw
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void timesNondecreasingWithinHorizonAndHashesMatchIds(String name, String yaml, boolean random) {
        WorkloadSpec spec = Recorded.parse(yaml);
        long horizon = 3 * Recorded.SECOND;
        List<Recorded> all = Recorded.all(spec, 7, horizon);
        assertThat(all).isNotEmpty();
        for (int i = 0; i < all.size(); i++) {
            Recorded r = all.get(i);
            assertThat(r.time()).isBetween(0L, horizon);
            if (i > 0) {
                assertThat(r.time()).isGreaterThanOrEqualTo(all.get(i - 1).time());
            }
            assertThat(r.device()).isNotEmpty();
            assertThat(r.hash()).isEqualTo(Hashing.hash64(r.device()));
        }
        // a shorter horizon gives a prefix of the same run
        List<Recorded> shorter = Recorded.all(spec, 7, horizon / 3);
        assertThat(all.subList(0, shorter.size())).isEqualTo(shorter);
        assertThat(all.size()).isGreaterThanOrEqualTo(shorter.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void describesItselfAndClosesTwice(String name, String yaml, boolean random) {
        WorkloadSpec spec = Recorded.parse(yaml);
        assertThat(spec.describe()).startsWith(name.split(" ")[0]);
        ArrivalStream s = spec.open(1, Long.MAX_VALUE);
        assertThat(s.next(new Arrival())).isTrue();
        s.close();
        s.close();
        assertThat(s.skippedLines()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void zeroHorizonGivesOnlyArrivalsAtTimeZero(String name, String yaml, boolean random) {
        List<Recorded> all = Recorded.all(Recorded.parse(yaml), 3, 0);
        assertThat(all).allSatisfy(r -> assertThat(r.time()).isZero());
    }
}
