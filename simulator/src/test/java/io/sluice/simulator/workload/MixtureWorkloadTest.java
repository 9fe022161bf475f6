package io.sluice.simulator.workload;

import static io.sluice.simulator.workload.Recorded.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class MixtureWorkloadTest {
    private static final String A = "{kind: poisson, rate: 300}";
    private static final String B = "{kind: periodic, devices: 50, period: 500ms, jitter: 100ms}";
    private static final String C = "{kind: reconnect-storm, devices: 200, at: 2s, outage: 3s, base: 200ms}";

    @Test
    void mergesItsSourcesInTimeOrder() {
        WorkloadSpec mixture = Recorded.parse("kind: mixture\nsources: [" + A + ", " + B + ", " + C + "]");
        List<Recorded> merged = Recorded.all(mixture, 9, 10 * SECOND);
        // the same sources opened alone with the seeds the mixture derives for them, then sorted
        List<Recorded> expected = new ArrayList<>();
        String[] sources = {A, B, C};
        for (int i = 0; i < 3; i++) {
            String prefixed = sources[i].replace("}", ", device-prefix: s" + i + "-dev-}");
            expected.addAll(Recorded.all(Recorded.parse(prefixed), Seeds.derive(9, i), 10 * SECOND));
        }
        expected.sort(Comparator.comparingLong(Recorded::time)); // stable: ties keep source order
        assertThat(merged).isEqualTo(expected);
        assertThat(merged).extracting(r -> r.device().substring(0, 3)).contains("s0-", "s1-", "s2-");
    }

    @Test
    void meanRateIsTheSumAndUnknownWhenAnySourceHasNone() {
        assertThat(Recorded.parse("kind: mixture\nsources: [" + A + ", " + B + "]").meanRatePerSecond())
                .isCloseTo(400.0, within(1e-9));
        assertThat(Recorded.parse("kind: mixture\nsources: [" + A + ", " + C + "]").meanRatePerSecond()).isNaN();
    }

    @Test
    void addingASourceLeavesTheOthersUnchanged() {
        List<Recorded> two = Recorded.all(Recorded.parse("kind: mixture\nsources: [" + A + ", " + B + "]"), 3,
                5 * SECOND);
        List<Recorded> three = Recorded.all(Recorded.parse("kind: mixture\nsources: [" + A + ", " + B + ", " + C + "]"),
                3, 5 * SECOND);
        assertThat(three.stream().filter(r -> !r.device().startsWith("s2-")).toList()).isEqualTo(two);
    }

    @Test
    void weightsShareTheTotalRate() {
        WorkloadSpec spec = Recorded.parse("kind: mixture\nrate: 10000\nsources:\n"
                + "  - {kind: poisson, rate: 1, weight: 7}\n"
                + "  - {kind: periodic, devices: 100, period: 1s, weight: 3}");
        assertThat(spec.meanRatePerSecond()).isCloseTo(10000.0, within(1e-6));
        List<Recorded> all = Recorded.all(spec, 5, 10 * SECOND);
        long poisson = all.stream().filter(r -> r.device().startsWith("s0-")).count();
        long periodic = all.size() - poisson;
        // poisson rescaled to 7000/s: count ~ Poisson(70000), sd 265, allow 4 sd; the periodic fleet is
        // played 30x faster (period 33.3 ms), so 3000/s +- one report per device
        assertThat((double) poisson).isCloseTo(70_000, within(1060.0));
        assertThat((double) periodic).isCloseTo(30_000, within(100.0));
        long firstPeriodicGap = all.stream().filter(r -> r.device().equals("s1-dev-0")).skip(1).findFirst()
                .orElseThrow().time();
        assertThat(firstPeriodicGap).isCloseTo(SECOND / 30, within(1L));
    }

    @Test
    void singleSourceMixtureIsThatSource() {
        List<Recorded> mixed = Recorded.all(Recorded.parse("kind: mixture\nsources: [" + B + "]"), 2, 3 * SECOND);
        List<Recorded> alone = Recorded.all(Recorded.parse(B.replace("}", ", device-prefix: s0-dev-}")),
                Seeds.derive(2, 0), 3 * SECOND);
        assertThat(mixed).isEqualTo(alone);
    }
}
