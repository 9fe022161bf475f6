package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The edges every hashing strategy must handle, each its own test, run over all five strategies. */
class HashingEdgeCasesTest {
    static List<String> strategies() {
        return Clusters.STRATEGIES;
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void emptySetPicksNull(String name) {
        Picker p = Clusters.strategy(name, Clusters.env(1)).newPicker(EndpointSet.empty());
        assertThat(p.pick(RequestContext.ofKey("device-1"))).isNull();
        assertThat(p.pick(RequestContext.NONE)).isNull();
        assertThat(p.pick(null)).isNull();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void allUnhealthyPicksNull(String name) {
        Environment env = Clusters.env(1);
        List<Endpoint> down = new ArrayList<>();
        for (Endpoint e : Clusters.equal("b", 3, env)) {
            down.add(e.withHealth(HealthState.UNHEALTHY, 0));
        }
        Picker p = Clusters.strategy(name, env).newPicker(EndpointSet.of(down));
        assertThat(p.pick(RequestContext.ofKey("device-1"))).isNull();
        assertThat(p.pick(RequestContext.NONE)).isNull();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void oneBackendTakesEveryRequest(String name) {
        Environment env = Clusters.env(1);
        Endpoint only = Clusters.endpoint("only", 3, env);
        Picker p = Clusters.picker(Clusters.strategy(name, env), List.of(only));
        for (RequestContext key : Clusters.keys(100)) {
            assertThat(p.pick(key)).isSameAs(only);
        }
        assertThat(p.pick(RequestContext.NONE)).isSameAs(only);
        assertThat(p.pick(null)).isSameAs(only);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void oneAvailableAmongUnhealthyTakesEveryRequest(String name) {
        Environment env = Clusters.env(1);
        List<Endpoint> members = new ArrayList<>();
        for (Endpoint e : Clusters.equal("b", 5, env)) {
            members.add(e.id().equals("b-1002") ? e : e.withHealth(HealthState.EJECTED, 0));
        }
        Picker p = Clusters.strategy(name, env).newPicker(EndpointSet.of(members));
        for (RequestContext key : Clusters.keys(200)) {
            assertThat(p.pick(key).id()).isEqualTo("b-1002");
        }
    }

    /**
     * Keyless requests: 40 000 picks over 4 backends. Each count is Binomial(40 000, 1/4): mean
     * 10 000, sigma = sqrt(40 000 * 1/4 * 3/4) = 86.6; 5 sigma = 433.
     */
    @ParameterizedTest
    @MethodSource("strategies")
    void requestWithoutKeyGoesToAUniformlyRandomBackend(String name) {
        Environment env = Clusters.env(42);
        Picker p = Clusters.picker(Clusters.strategy(name, env), Clusters.equal("b", 4, env));
        Map<String, Integer> counts = new HashMap<>();
        RequestContext[] keyless = {RequestContext.NONE, null, RequestContext.ofHash(null, 12345L)};
        for (int i = 0; i < 40_000; i++) {
            counts.merge(p.pick(keyless[i % 3]).id(), 1, Integer::sum);
        }
        assertThat(counts).hasSize(4);
        counts.values().forEach(c -> assertThat(c).isCloseTo(10_000, within(433)));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void keylessPicksReproduceWithTheSameSeed(String name) {
        List<String> first = keylessSequence(name, 7);
        assertThat(keylessSequence(name, 7)).isEqualTo(first);
        assertThat(keylessSequence(name, 8)).isNotEqualTo(first);
    }

    private static List<String> keylessSequence(String name, long seed) {
        Environment env = Clusters.env(seed);
        Picker p = Clusters.picker(Clusters.strategy(name, env), Clusters.equal("b", 10, env));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(p.pick(RequestContext.NONE).id());
        }
        return ids;
    }

    /**
     * All weights equal: 50 000 keys over 5 backends give each about 1/5. Binomial part:
     * sigma = sqrt(0.2 * 0.8 / 50 000) = 0.0018. Ring part (ring-hash, bounded-load with nothing in
     * flight): a backend's arc share with n = 1024 points among 5120 is Beta(n, 4n), relative sigma
     * sqrt(0.8 / 1024) = 2.8 %, i.e. 0.0056 absolute. Maglev's slot counts differ by at most one in
     * 65537, rendezvous and jump hash are exact in expectation. Tolerance 5 sigma:
     * 5 * sqrt(0.0056^2 + 0.0018^2) = 0.029 on a ring, 5 * 0.0018 = 0.009 otherwise.
     */
    @ParameterizedTest
    @MethodSource("strategies")
    void equalWeightsGiveEqualShares(String name) {
        Environment env = Clusters.env(1);
        Picker p = Clusters.picker(Clusters.strategy(name, env), Clusters.equal("b", 5, env));
        Map<String, Integer> counts = new HashMap<>();
        for (String id : Clusters.assign(p, Clusters.keys(50_000))) {
            counts.merge(id, 1, Integer::sum);
        }
        boolean ring = name.equals(RingHashProvider.NAME) || name.equals(BoundedLoadProvider.NAME);
        double tolerance = ring ? 0.029 : 0.009;
        assertThat(counts).hasSize(5);
        counts.values().forEach(c -> assertThat(c / 50_000.0).isCloseTo(0.2, within(tolerance)));
    }

    /** Equal weights of 7 place keys exactly as equal weights of 1: only ratios matter. */
    @ParameterizedTest
    @MethodSource("strategies")
    void equalWeightsOfAnyValuePlaceKeysAlike(String name) {
        Environment env = Clusters.env(1);
        Strategy s = Clusters.strategy(name, env);
        RequestContext[] keys = Clusters.keys(2000);
        String[] ones = Clusters.assign(Clusters.picker(s, Clusters.equal("b", 6, env)), keys);
        String[] sevens = Clusters.assign(Clusters.picker(s, Clusters.weighted("b", new int[] {7, 7, 7, 7, 7, 7}, env)),
                keys);
        assertThat(sevens).containsExactly(ones);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void placementDoesNotDependOnListOrder(String name) {
        Environment env = Clusters.env(1);
        Strategy s = Clusters.strategy(name, env);
        List<Endpoint> list = new ArrayList<>(Clusters.weighted("b", new int[] {1, 2, 3, 1, 2, 3, 1, 2}, env));
        RequestContext[] keys = Clusters.keys(2000);
        String[] before = Clusters.assign(Clusters.picker(s, list), keys);
        Collections.shuffle(list, new Random(3));
        assertThat(Clusters.assign(Clusters.picker(s, list), keys)).containsExactly(before);
    }

    /** A backend of negligible weight (slow start's first instant) never breaks a pick. */
    @ParameterizedTest
    @MethodSource("strategies")
    void tinyWeightNeverBreaksAPick(String name) {
        Environment env = Clusters.env(1);
        List<Endpoint> list = List.of(Clusters.endpoint("heavy", 1000, env), Clusters.endpoint("light", 1e-9, env),
                Clusters.endpoint("middle", 1, env));
        Picker p = Clusters.picker(Clusters.strategy(name, env), list);
        for (RequestContext key : Clusters.keys(5000)) {
            assertThat(p.pick(key)).isNotNull();
        }
    }

    /** Key hashes across the whole unsigned range, including 0, -1 and the sign boundary. */
    @ParameterizedTest
    @MethodSource("strategies")
    void extremeKeyHashesPick(String name) {
        Environment env = Clusters.env(1);
        Picker p = Clusters.picker(Clusters.strategy(name, env), Clusters.equal("b", 7, env));
        for (long h : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1}) {
            assertThat(p.pick(RequestContext.ofHash("k", h))).isNotNull();
        }
    }
}
