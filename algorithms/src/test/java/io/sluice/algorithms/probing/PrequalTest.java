package io.sluice.algorithms.probing;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Prober;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.VirtualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrequalTest {
    private final VirtualClock clock = new VirtualClock();
    private final ScriptedProber prober = new ScriptedProber();
    private final Environment env = Environment.virtual(clock, 42).withProber(prober);

    private Prequal prequal(Map<String, ?> params) {
        PrequalStrategyProvider provider = new PrequalStrategyProvider();
        return (Prequal) provider.create(Parameters.parse("strategy 'prequal'", provider.parameters(), params), env);
    }

    private List<Endpoint> endpoints(String... ids) {
        List<Endpoint> list = new ArrayList<>();
        for (String id : ids) {
            list.add(Endpoint.healthy(Backend.of(id, id + ":80"), env));
        }
        return list;
    }

    private static String pick(Picker picker) {
        Endpoint e = picker.pick(RequestContext.NONE);
        return e == null ? null : e.id();
    }

    private static Map<String, Integer> counts(Picker picker, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(pick(picker), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void emptySetPicksNothingAndSendsNoProbe() {
        Picker picker = prequal(Map.of()).newPicker(EndpointSet.empty());
        assertThat(picker.pick(RequestContext.NONE)).isNull();
        assertThat(prober.drainProbed()).isEmpty();
    }

    @Test
    void allUnhealthyPicksNothing() {
        List<Endpoint> all = new ArrayList<>();
        for (Endpoint e : endpoints("a", "b")) {
            all.add(e.withHealth(HealthState.UNHEALTHY, 0));
        }
        prober.answer("a", 0, 1).answer("b", 0, 1);
        assertThat(prequal(Map.of()).newPicker(EndpointSet.of(all)).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void oneBackendIsAlwaysPicked() {
        prober.answer("a", 7, 100);
        Picker picker = prequal(Map.of()).newPicker(EndpointSet.of(endpoints("a")));
        for (int i = 0; i < 10; i++) {
            assertThat(pick(picker)).isEqualTo("a");
        }
    }

    @Test
    void picksTheLowestLatencyColdBackend() {
        // RIFs {1, 2, 9, 3}, q = 0.75: rank ceil(0.75 * 4) = 3, threshold 3, so c (RIF 9) is hot.
        // Cold: a 50 ms, b 10 ms, d 30 ms -> b. Probing every backend on every pick refreshes the
        // answers (and their use counts), so b stays the choice.
        prober.answer("a", 1, 50).answer("b", 2, 10).answer("c", 9, 1).answer("d", 3, 30);
        Picker picker = prequal(Map.of("q-rif", 0.75, "probe-rate", 4))
                .newPicker(EndpointSet.of(endpoints("a", "b", "c", "d")));
        for (int i = 0; i < 10; i++) {
            assertThat(pick(picker)).isEqualTo("b");
        }
    }

    @Test
    void withNothingHotTheFastestWins() {
        // q = 1: the threshold is the largest RIF, nobody is above it, c's 1 ms wins despite RIF 9.
        prober.answer("a", 1, 50).answer("b", 2, 10).answer("c", 9, 1).answer("d", 3, 30);
        Picker picker = prequal(Map.of("q-rif", 1.0, "probe-rate", 4))
                .newPicker(EndpointSet.of(endpoints("a", "b", "c", "d")));
        assertThat(pick(picker)).isEqualTo("c");
    }

    @Test
    void goldenSequenceThroughColdHotAndAllHot() {
        // Budget 1, q = 0.5, one round of answers, then every probe is lost.
        // pick 1: RIFs {a0, b0, c4, d5}, threshold = 2nd of [0,0,4,5] = 0; cold a (5 ms), b (6 ms) -> a.
        // pick 2: a is spent but counts with RIF 0+1: [0,1,4,5], threshold 1; cold b -> b.
        // pick 3: [1,1,4,5], threshold 1; candidates c, d are both hot -> lowest RIF, c.
        // pick 4: only d has budget left -> d. pick 5: every probe spent -> random fallback.
        prober.answer("a", 0, 5).answer("b", 0, 6).answer("c", 4, 1).answer("d", 5, 2);
        Prequal prequal = prequal(Map.of("q-rif", 0.5, "probe-rate", 4, "reuse-budget", 1));
        Picker picker = prequal.newPicker(EndpointSet.of(endpoints("a", "b", "c", "d")));
        assertThat(pick(picker)).isEqualTo("a");
        prober.silenceAll();
        assertThat(pick(picker)).isEqualTo("b");
        assertThat(pick(picker)).isEqualTo("c");
        assertThat(pick(picker)).isEqualTo("d");
        assertThat(prequal.pool().size()).isEqualTo(4);
        assertThat(counts(picker, 400).keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void reuseBudgetIsRespected() {
        // q = 1 (nothing hot), no probing of its own: a (1 ms) serves exactly 3 picks, then b (2 ms)
        // 3, then every answer is spent and picks fall back to random.
        List<Endpoint> eps = endpoints("a", "b", "c", "d");
        Prequal prequal = prequal(Map.of("q-rif", 1.0, "probe-rate", 0, "reuse-budget", 3));
        Picker picker = prequal.newPicker(EndpointSet.of(eps));
        prequal.pool().onProbe(eps.get(0), 0, 1_000_000, clock.getAsLong());
        prequal.pool().onProbe(eps.get(1), 0, 2_000_000, clock.getAsLong());
        List<String> firstSix = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            firstSix.add(pick(picker));
        }
        assertThat(firstSix).containsExactly("a", "a", "a", "b", "b", "b");
        assertThat(counts(picker, 400).keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void probesOlderThanMaxAgeAreDropped() {
        // a is fastest and may be reused 1000 times, but only within 100 ms of its answer.
        prober.answer("a", 0, 1).answer("b", 0, 20).answer("c", 0, 30).answer("d", 0, 40);
        Prequal prequal = prequal(Map.of("q-rif", 1.0, "probe-rate", 4, "reuse-budget", 1000,
                "max-probe-age", "100ms"));
        Picker picker = prequal.newPicker(EndpointSet.of(endpoints("a", "b", "c", "d")));
        assertThat(pick(picker)).isEqualTo("a");
        prober.silenceAll();
        clock.advanceMillis(100); // age exactly 100 ms: still fresh
        assertThat(pick(picker)).isEqualTo("a");
        clock.advanceNanos(1);
        Map<String, Integer> after = counts(picker, 400);
        assertThat(prequal.pool().size()).isZero();
        // Uniform fallback over 4: expected 100 each, sd sqrt(400 * 0.25 * 0.75) = 8.7; a run of all-a
        // is impossible in practice, and with this seed every backend shows up.
        assertThat(after.keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void emptyPoolFallsBackToUniformRandom() {
        // Every probe is lost. 4000 picks over 4: each count is Binomial(4000, 1/4), mean 1000,
        // sd sqrt(4000 * 0.25 * 0.75) = 27.4; +-5 sd = [863, 1137], rounded to [860, 1140].
        Picker picker = prequal(Map.of()).newPicker(EndpointSet.of(endpoints("a", "b", "c", "d")));
        Map<String, Integer> counts = counts(picker, 4000);
        assertThat(counts).containsOnlyKeys("a", "b", "c", "d");
        counts.values().forEach(c -> assertThat(c).isBetween(860, 1140));
    }

    @Test
    void lostProbesOnlyNarrowTheChoice() {
        // b and d never answer: every pick is served from a's and c's answers, never from a guess.
        prober.answer("a", 0, 10).answer("c", 0, 5);
        Picker picker = prequal(Map.of("probe-rate", 4)).newPicker(EndpointSet.of(endpoints("a", "b", "c", "d")));
        Map<String, Integer> counts = counts(picker, 200);
        assertThat(counts).doesNotContainKeys("b", "d").containsKey("c");
    }

    @Test
    void aProberThatThrowsCostsOnlyItsProbe() {
        Prober broken = (endpoint, sink, e) -> {
            throw new IllegalStateException("network down");
        };
        Environment brokenEnv = Environment.virtual(clock, 7).withProber(broken);
        PrequalStrategyProvider provider = new PrequalStrategyProvider();
        Picker picker = provider.create(Parameters.defaults("prequal", provider.parameters()), brokenEnv)
                .newPicker(EndpointSet.of(endpoints("a", "b")));
        for (int i = 0; i < 20; i++) {
            assertThat(pick(picker)).isIn("a", "b");
        }
    }

    @Test
    void delayedAnswersAreUsedWhenTheyArrive() {
        prober.delayMillis(5).answer("a", 0, 30).answer("b", 0, 3).answer("c", 0, 20);
        Prequal prequal = prequal(Map.of("probe-rate", 3, "q-rif", 1.0));
        Picker picker = prequal.newPicker(EndpointSet.of(endpoints("a", "b", "c")));
        pick(picker); // sends probes; nothing has come back yet, so this one was a random guess
        assertThat(prequal.pool().size()).isZero();
        clock.advanceMillis(5);
        assertThat(prober.deliverDue(clock.getAsLong())).isEqualTo(3);
        assertThat(prequal.pool().size()).isEqualTo(3);
        assertThat(pick(picker)).isEqualTo("b");
    }

    @Test
    void answersOfBackendsNoLongerAvailableAreIgnored() {
        List<Endpoint> eps = endpoints("a", "b", "c");
        prober.answer("a", 0, 1).answer("b", 0, 50).answer("c", 0, 60);
        Prequal prequal = prequal(Map.of("probe-rate", 3, "q-rif", 1.0, "reuse-budget", 1000));
        assertThat(pick(prequal.newPicker(EndpointSet.of(eps)))).isEqualTo("a");
        prober.silenceAll();

        // a turns unhealthy: its fresh, fast probe is still pooled but the new picker ignores it.
        List<Endpoint> aDown = List.of(eps.get(0).withHealth(HealthState.UNHEALTHY, 0), eps.get(1), eps.get(2));
        Picker withoutA = prequal.newPicker(EndpointSet.of(aDown));
        assertThat(counts(withoutA, 50)).containsOnlyKeys("b");

        // a leaves the membership altogether: same.
        Picker removed = prequal.newPicker(EndpointSet.of(List.of(eps.get(1), eps.get(2))));
        assertThat(counts(removed, 50)).containsOnlyKeys("b");
    }

    @Test
    void poolSurvivesPickerRebuilds() {
        List<Endpoint> eps = endpoints("a", "b", "c");
        prober.answer("a", 0, 40).answer("b", 0, 2).answer("c", 0, 60);
        Prequal prequal = prequal(Map.of("probe-rate", 3, "q-rif", 1.0, "reuse-budget", 1000));
        pick(prequal.newPicker(EndpointSet.of(eps)));
        prober.silenceAll();
        Picker rebuilt = prequal.newPicker(EndpointSet.of(eps));
        assertThat(pick(rebuilt)).isEqualTo("b");
    }

    @Test
    void fractionalProbeRateProbesOnThatShareOfPicks() {
        // 0.5 per pick: each pick sends 1 probe with probability 0.5, so 1000 picks send
        // Binomial(1000, 0.5) probes: mean 500, sd 15.8; +-5 sd = [421, 579].
        Picker half = prequal(Map.of("probe-rate", 0.5)).newPicker(EndpointSet.of(endpoints("a", "b", "c", "d")));
        for (int i = 0; i < 1000; i++) {
            pick(half);
        }
        assertThat(prober.drainProbed().size()).isBetween(421, 579);

        // 2.5 per pick: 2 + Bernoulli(0.5): mean 2500, same sd.
        Picker twoAndHalf = prequal(Map.of("probe-rate", 2.5))
                .newPicker(EndpointSet.of(endpoints("a", "b", "c", "d", "e", "f")));
        for (int i = 0; i < 1000; i++) {
            pick(twoAndHalf);
        }
        assertThat(prober.drainProbed().size()).isBetween(2421, 2579);
    }

    @Test
    void probeTargetsOfOnePickAreDistinct() {
        Picker picker = prequal(Map.of("probe-rate", 3))
                .newPicker(EndpointSet.of(endpoints("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")));
        for (int i = 0; i < 200; i++) {
            pick(picker);
            List<String> probed = prober.drainProbed();
            assertThat(probed).hasSize(3).doesNotHaveDuplicates();
        }
    }

    @Test
    void probeRateAboveTheBackendCountProbesEachOnce() {
        Picker picker = prequal(Map.of("probe-rate", 16)).newPicker(EndpointSet.of(endpoints("a", "b", "c")));
        pick(picker);
        assertThat(prober.drainProbed()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void zeroProbeRateNeverProbesAndPicksAtRandom() {
        prober.answer("a", 0, 1);
        Picker picker = prequal(Map.of("probe-rate", 0)).newPicker(EndpointSet.of(endpoints("a", "b")));
        Map<String, Integer> counts = counts(picker, 200);
        assertThat(prober.drainProbed()).isEmpty();
        assertThat(counts).containsOnlyKeys("a", "b");
    }

    @Test
    void poolStaysBounded() {
        prober.answerFromLoad("a").answerFromLoad("b").answerFromLoad("c").answerFromLoad("d")
                .answerFromLoad("e").answerFromLoad("f");
        Prequal prequal = prequal(Map.of("probe-rate", 16, "pool-size", 4));
        Picker picker = prequal.newPicker(EndpointSet.of(endpoints("a", "b", "c", "d", "e", "f")));
        for (int i = 0; i < 100; i++) {
            assertThat(pick(picker)).isNotNull();
            assertThat(prequal.pool().size()).isLessThanOrEqualTo(4);
            clock.advanceMillis(1);
        }
    }

    @Test
    void answersFromLiveLoadSteerAwayFromABusyBackend() {
        // Answers come from each endpoint's own BackendLoad, and each pick starts a request there.
        // a begins with 10 requests in flight, the others none. q = 0.5: the threshold is the 2nd
        // smallest RIF, so a stays hot until two others reach 10; in 15 picks b, c, d (latency ties
        // at 0, lower RIF wins) share the load and reach about 5 each.
        List<Endpoint> eps = endpoints("a", "b", "c", "d");
        for (int i = 0; i < 10; i++) {
            eps.get(0).load().onRequestStart();
        }
        for (Endpoint e : eps) {
            prober.answerFromLoad(e.id());
        }
        Picker picker = prequal(Map.of("probe-rate", 4, "q-rif", 0.5)).newPicker(EndpointSet.of(eps));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 15; i++) {
            Endpoint e = picker.pick(RequestContext.NONE);
            e.load().onRequestStart();
            counts.merge(e.id(), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("b", "c", "d");
        counts.values().forEach(c -> assertThat(c).isBetween(4, 6));
    }

    @Test
    void defaultsAndRangesAreDeclared() {
        PrequalStrategyProvider provider = new PrequalStrategyProvider();
        assertThat(provider.name()).isEqualTo("prequal");
        Parameters defaults = Parameters.defaults("prequal", provider.parameters());
        assertThat(defaults.getDouble("probe-rate")).isEqualTo(3.0);
        assertThat(defaults.getInt("pool-size")).isEqualTo(16);
        assertThat(defaults.getNanos("max-probe-age")).isEqualTo(1_000_000_000L);
        assertThat(defaults.getInt("reuse-budget")).isEqualTo(2);
        assertThat(defaults.getDouble("q-rif")).isEqualTo(0.84);
        assertThatThrownBy(() -> Parameters.parse("prequal", provider.parameters(), Map.of("q-rif", 1.5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q-rif");
        assertThatThrownBy(() -> Parameters.parse("prequal", provider.parameters(), Map.of("reuse-budget", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reuse-budget");
        assertThatThrownBy(() -> Parameters.parse("prequal", provider.parameters(), Map.of("probe-rate", -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probe-rate");
        assertThatThrownBy(() -> new Prequal(env, Double.NaN, 16, 1, 1, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void picksAreSpreadWhenAnswersTie() {
        // Equal answers everywhere: ties go to pool order, but random probing sets that order, so
        // no backend is starved over many picks.
        for (String id : List.of("a", "b", "c", "d")) {
            prober.answer(id, 0, 10);
        }
        Picker picker = prequal(Map.of("probe-rate", 1, "reuse-budget", 1))
                .newPicker(EndpointSet.of(endpoints("a", "b", "c", "d")));
        assertThat(counts(picker, 400).keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void onlyAvailableBackendsArePicked() {
        List<Endpoint> eps = endpoints("a", "b", "c");
        List<Endpoint> mixed = List.of(eps.get(0), eps.get(1).withHealth(HealthState.DRAINING, 0), eps.get(2));
        Picker picker = prequal(Map.of()).newPicker(EndpointSet.of(mixed));
        assertThat(counts(picker, 300).keySet().stream().sorted().collect(Collectors.toList()))
                .containsExactly("a", "c");
    }

    /**
     * A retry passes over the probes of tried backends without spending them: a (1 ms) is tried,
     * so the retry takes b (2 ms) and spends b's only use; a's probe is intact for the next
     * request. Budget 1, no probing of its own, nothing hot.
     */
    @Test
    void aRetryDoesNotSpendTheProbesOfTriedBackends() {
        List<Endpoint> eps = endpoints("a", "b", "c");
        Prequal prequal = prequal(Map.of("q-rif", 1.0, "probe-rate", 0, "reuse-budget", 1));
        Picker picker = prequal.newPicker(EndpointSet.of(eps));
        prequal.pool().onProbe(eps.get(0), 0, 1_000_000, clock.getAsLong());
        prequal.pool().onProbe(eps.get(1), 0, 2_000_000, clock.getAsLong());
        assertThat(picker.pick(RequestContext.NONE, io.sluice.algorithms.Tried.of(eps.get(0))).id()).isEqualTo("b");
        assertThat(pick(picker)).isEqualTo("a");
        // Both probes are spent now; a retry excluding a and b can only be c, by the random fallback.
        io.sluice.algorithms.Tried both = io.sluice.algorithms.Tried.of(eps.get(0)).with(eps.get(1));
        for (int i = 0; i < 20; i++) {
            assertThat(picker.pick(RequestContext.NONE, both).id()).isEqualTo("c");
        }
        assertThat(picker.pick(RequestContext.NONE, both.with(eps.get(2)))).isNull();
    }
}
