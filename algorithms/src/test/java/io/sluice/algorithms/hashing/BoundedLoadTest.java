package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedLoadTest {
    private final Environment env = Clusters.env(1);

    private static void load(Endpoint e, int requests) {
        for (int i = 0; i < requests; i++) {
            e.load().onRequestStart();
        }
    }

    /** With nothing in flight every backend has room, so a key stays on its ring-hash backend. */
    @Test
    void withRoomEverywhereKeysFollowTheRing() {
        List<Endpoint> list = Clusters.weighted("b", new int[] {1, 2, 3, 1, 2}, env);
        String[] ring = Clusters.assign(Clusters.picker(Clusters.strategy("ring-hash", env), list), Clusters.keys(3000));
        String[] bounded = Clusters.assign(Clusters.picker(Clusters.strategy("bounded-load", env), list),
                Clusters.keys(3000));
        assertThat(bounded).containsExactly(ring);
    }

    /**
     * The provider's example: eps = 0.25, 4 equal backends, 10 in flight: capacity ceil(1.25 * 11 / 4) = 4.
     * The key's own backend holding 4 is full, so the key walks on to the next backend on the ring
     * (which holds 2); holding 3 (9 in flight, capacity ceil(1.25 * 10 / 4) = 4) it keeps the key.
     */
    @Test
    void fullBackendPassesTheKeyToTheNextOneOnTheRing() {
        List<Endpoint> list = Clusters.equal("b", 4, env);
        Endpoint[] byId = Placement.sortedById(list);
        HashRing ring = HashRing.build(byId, 1024, 8_388_608);
        RequestContext key = RequestContext.ofKey("device-17");
        int index = ring.indexOf(key.keyHash());
        Endpoint own = byId[ring.ownerAt(index)];
        while (byId[ring.ownerAt(index)] == own) {
            index = ring.next(index);
        }
        Endpoint next = byId[ring.ownerAt(index)];

        Picker p = Clusters.picker(Clusters.strategy("bounded-load", env), list);
        for (Endpoint e : list) {
            load(e, e == own ? 3 : 2);
        }
        assertThat(p.pick(key)).isSameAs(own);
        load(own, 1);
        assertThat(p.pick(key)).isSameAs(next);
    }

    /**
     * Weighted example: weights 1 and 3, 7 in flight: capacities ceil(1.25 * 8 / 4) = 3 and
     * ceil(1.25 * 8 * 3 / 4) = 8. The light backend holding 3 is full and every key goes to the
     * heavy one; holding 2 (with 5 on the heavy one) it takes its own keys again.
     */
    @Test
    void capacityIsProportionalToWeight() {
        Endpoint light = Clusters.endpoint("light", 1, env);
        Endpoint heavy = Clusters.endpoint("heavy", 3, env);
        Picker p = Clusters.picker(Clusters.strategy("bounded-load", env), List.of(light, heavy));
        load(light, 3);
        load(heavy, 4);
        for (RequestContext key : Clusters.keys(500)) {
            assertThat(p.pick(key)).isSameAs(heavy);
        }
        light.load().onRequestEnd(0, 1, true);
        load(heavy, 1);
        boolean lightTookOne = false;
        for (RequestContext key : Clusters.keys(500)) {
            lightTookOne |= p.pick(key) == light;
        }
        assertThat(lightTookOne).isTrue();
    }

    /** A caller that ends requests it never started (in-flight below zero) still gets picks. */
    @Test
    void negativeInFlightStillPicks() {
        List<Endpoint> list = Clusters.equal("b", 3, env);
        for (Endpoint e : list) {
            e.load().onRequestEnd(0, 1, true);
        }
        Picker p = Clusters.picker(Clusters.strategy("bounded-load", env), list);
        for (RequestContext key : Clusters.keys(100)) {
            assertThat(p.pick(key)).isNotNull();
        }
    }

    @Test
    void balanceFactorMustBeAboveZeroAndAtMostTen() {
        assertThatThrownBy(() -> StrategyRegistry.standard().create("bounded-load", Map.of("balance-factor", 0), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be in (0, 10], got 0");
        assertThatThrownBy(() -> StrategyRegistry.standard().create("bounded-load",
                Map.of("balance-factor", 10.5), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("balance-factor");
        assertThat(StrategyRegistry.standard().create("bounded-load", Map.of("balance-factor", 10), env).name())
                .isEqualTo("bounded-load");
    }

    /**
     * T is the load balancer's running total of requests in flight (O(1) per pick), which counts a
     * member that is not available but still finishing requests. The example above, 4 equal
     * backends with 10 in flight, the key's own backend full at 4 of capacity 4: with an ejected
     * fifth member finishing 4 more, T = 14 and the capacity is ceil(1.25 * 15 / 4) = 5, so the own
     * backend keeps the key. As the ejected member's requests end, T falls back and the key walks on.
     */
    @Test
    void theTotalIsTheLoadBalancersRunningCount() {
        io.sluice.algorithms.LoadBalancer lb = io.sluice.algorithms.LoadBalancer.create(
                Clusters.strategy("bounded-load", env), env);
        List<io.sluice.algorithms.Backend> backends = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            backends.add(io.sluice.algorithms.Backend.of("b" + i, "b" + i + ":80"));
        }
        lb.setBackends(backends);
        load(lb.endpoint("b4"), 4);
        lb.setHealth("b4", io.sluice.algorithms.HealthState.EJECTED);
        Endpoint[] byId = Placement.sortedById(lb.endpoints().available());
        HashRing ring = HashRing.build(byId, 1024, 8_388_608);
        RequestContext key = RequestContext.ofKey("device-17");
        Endpoint own = byId[ring.ownerAt(ring.indexOf(key.keyHash()))];
        for (Endpoint e : byId) {
            load(e, e == own ? 4 : 2);
        }
        assertThat(lb.signals().inFlight()).isEqualTo(14);
        assertThat(lb.pick(key).id()).isEqualTo(own.id());
        for (int i = 0; i < 4; i++) {
            lb.endpoint("b4").load().onRequestEnd(0, 1, true);
        }
        assertThat(lb.signals().inFlight()).isEqualTo(10);
        assertThat(lb.pick(key).id()).isNotEqualTo(own.id());
    }
}
