package io.sluice.algorithms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
    private final AtomicLong now = new AtomicLong(1_000L);
    private final Environment env = Environment.virtual(now::get, 7);
    /** A strategy that always takes the first available endpoint: enough to observe snapshots. */
    private final Strategy first = new Strategy() {
        @Override
        public String name() {
            return "first";
        }

        @Override
        public Picker newPicker(EndpointSet set) {
            List<Endpoint> available = set.available();
            return ctx -> available.isEmpty() ? null : available.get(0);
        }
    };

    @Test
    void emptyBalancerPicksNothing() {
        assertThat(LoadBalancer.create(first, env).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void loadSurvivesWeightChangeAndIsDroppedOnRemoval() {
        LoadBalancer lb = LoadBalancer.create(first, env);
        lb.setBackends(List.of(Backend.of("a", "h:1"), Backend.of("b", "h:2")));
        BackendLoad loadA = lb.endpoint("a").load();
        loadA.onRequestStart();
        lb.setBackends(List.of(Backend.of("a", "h:1", 5), Backend.of("b", "h:2")));
        assertThat(lb.endpoint("a").load()).isSameAs(loadA);
        assertThat(lb.endpoint("a").weight()).isEqualTo(5.0);
        lb.removeBackend("a");
        assertThat(lb.endpoint("a")).isNull();
        lb.putBackend(Backend.of("a", "h:1"));
        assertThat(lb.endpoint("a").load()).isNotSameAs(loadA);
    }

    @Test
    void healthChangeRebuildsThePicker() {
        LoadBalancer lb = LoadBalancer.create(first, env);
        lb.setBackends(List.of(Backend.of("a", "h:1"), Backend.of("b", "h:2")));
        assertThat(lb.pick(RequestContext.NONE).id()).isEqualTo("a");
        assertThat(lb.setHealth("a", HealthState.EJECTED)).isTrue();
        assertThat(lb.pick(RequestContext.NONE).id()).isEqualTo("b");
        lb.setHealth("b", HealthState.UNHEALTHY);
        assertThat(lb.pick(RequestContext.NONE)).isNull();
        assertThat(lb.endpoints().all()).hasSize(2);
        assertThat(lb.setHealth("ghost", HealthState.HEALTHY)).isFalse();
    }

    @Test
    void firstMembersAreEstablishedLaterOnesRampFromJoinOrRecovery() {
        LoadBalancer lb = LoadBalancer.create(first, env);
        lb.setBackends(List.of(Backend.of("a", "h:1")));
        assertThat(lb.endpoint("a").healthySinceNanos()).isLessThan(0);
        now.set(5_000);
        lb.putBackend(Backend.of("b", "h:2"));
        assertThat(lb.endpoint("b").healthySinceNanos()).isEqualTo(5_000);
        lb.setHealth("a", HealthState.UNHEALTHY);
        now.set(9_000);
        lb.setHealth("a", HealthState.HEALTHY);
        assertThat(lb.endpoint("a").healthySinceNanos()).isEqualTo(9_000);
    }

    @Test
    void membershipOrderIsTheCallersOrder() {
        LoadBalancer lb = LoadBalancer.create(first, env);
        lb.setBackends(List.of(Backend.of("a", "h:1"), Backend.of("b", "h:2")));
        lb.setBackends(List.of(Backend.of("b", "h:2"), Backend.of("a", "h:1")));
        assertThat(lb.endpoints().all()).extracting(Endpoint::id).containsExactly("b", "a");
    }

    @Test
    void duplicateIdsAreRefused() {
        LoadBalancer lb = LoadBalancer.create(first, env);
        assertThatThrownBy(() -> lb.setBackends(List.of(Backend.of("a", "h:1"), Backend.of("a", "h:2"))))
                .hasMessageContaining("'a'");
    }

    @Test
    void backendValidationNamesTheField() {
        assertThatThrownBy(() -> Backend.of("a", "h:1", 0)).hasMessage("backend 'a': weight must be an integer >= 1, got 0");
        assertThatThrownBy(() -> Backend.of("a", "h:1", -3)).hasMessageContaining("got -3");
        assertThatThrownBy(() -> Backend.of("", "h:1")).hasMessageContaining("id");
        assertThatThrownBy(() -> Backend.of("a", " ")).hasMessageContaining("address");
    }

    @Test
    void hashIsStableAndMixesShortKeys() {
        assertThat(Hashing.hash64("device-1")).isEqualTo(Hashing.hash64("device-1"));
        long a = Hashing.hash64("dev-0001");
        long b = Hashing.hash64("dev-0002");
        assertThat(Long.bitCount(a ^ b)).as("avalanche: about half the bits differ").isBetween(16, 48);
        assertThat(RequestContext.ofKey("x").keyHash()).isEqualTo(Hashing.hash64("x"));
        assertThat(RequestContext.ofKey(null)).isSameAs(RequestContext.NONE);
    }

    @Test
    void utilisationIsClampedAndNaNRefused() {
        BackendLoad load = LoadSignals.threadSafe(1_000_000_000L).newLoad(0);
        assertThat(load.utilisation()).isNaN();
        load.reportUtilisation(1.7, 5);
        assertThat(load.utilisation()).isEqualTo(1.0);
        assertThat(load.utilisationStampNanos()).isEqualTo(5);
        assertThatThrownBy(() -> load.reportUtilisation(Double.NaN, 6)).hasMessageContaining("NaN");
    }

    /**
     * Endpoints and picker are published together: a snapshot's picker only ever answers its own
     * available endpoints, and its lookups answer from the same moment, whatever happened since.
     */
    @Test
    void aSnapshotHoldsItsEndpointsAndPickerTogether() {
        LoadBalancer lb = LoadBalancer.create(first, env);
        lb.setBackends(List.of(Backend.of("a", "h:1"), Backend.of("b", "h:2")));
        LoadBalancer.Snapshot before = lb.snapshot();
        lb.setHealth("a", HealthState.EJECTED);
        LoadBalancer.Snapshot after = lb.snapshot();
        assertThat(before.pick(RequestContext.NONE).id()).isEqualTo("a");
        assertThat(before.available("a")).isNotNull();
        assertThat(after.pick(RequestContext.NONE).id()).isEqualTo("b");
        assertThat(after.available("a")).isNull();
        assertThat(after.endpoint("a").health()).isEqualTo(HealthState.EJECTED);
        assertThat(after.endpoint("ghost")).isNull();
        assertThat(after.endpoints().available()).extracting(Endpoint::id).containsExactly("b");
    }

    /**
     * A strategy without a native exclusion pick (this test's "first") answers null when its pick
     * was tried; the snapshot then falls back to a random untried available backend, and to null
     * only when every available backend was tried. A tried set made from one snapshot still
     * excludes the same backends in a later one (loads, not endpoint objects, are compared).
     */
    @Test
    void aRetryAvoidsTriedBackendsEvenAcrossRebuilds() {
        LoadBalancer lb = LoadBalancer.create(first, env);
        lb.setBackends(List.of(Backend.of("a", "h:1"), Backend.of("b", "h:2"), Backend.of("c", "h:3")));
        Tried tried = Tried.of(lb.endpoint("a"));
        lb.setBackends(List.of(Backend.of("a", "h:1", 7), Backend.of("b", "h:2"), Backend.of("c", "h:3")));
        for (int i = 0; i < 50; i++) {
            assertThat(lb.pick(RequestContext.NONE, tried).id()).isIn("b", "c");
        }
        tried = tried.with(lb.endpoint("b"));
        assertThat(lb.pick(RequestContext.NONE, tried).id()).isEqualTo("c");
        assertThat(lb.pick(RequestContext.NONE, tried.with(lb.endpoint("c")))).isNull();
        assertThat(tried.size()).isEqualTo(2);
        assertThat(tried.with(lb.endpoint("b"))).isSameAs(tried);
        assertThat(Tried.NONE.isEmpty()).isTrue();
        assertThat(Tried.NONE.contains((Endpoint) null)).isFalse();
    }

    @Test
    void theSignalsChosenAtCreationMakeTheLoads() {
        LoadBalancer single = LoadBalancer.create(first, env, LoadSignals.singleWriter(5_000_000_000L));
        single.setBackends(List.of(Backend.of("a", "h:1")));
        assertThat(single.signals().threadSafe()).isFalse();
        assertThat(single.endpoint("a").load().signals()).isSameAs(single.signals());
        assertThat(single.endpoint("a").load().latencyDecayNanos()).isEqualTo(5_000_000_000L);
        LoadBalancer shared = LoadBalancer.create(first, env);
        shared.setBackends(List.of(Backend.of("a", "h:1")));
        assertThat(shared.signals().threadSafe()).isTrue();
        assertThat(shared.endpoint("a").load().latencyDecayNanos()).isEqualTo(LoadBalancer.DEFAULT_EWMA_DECAY_NANOS);
    }
}
