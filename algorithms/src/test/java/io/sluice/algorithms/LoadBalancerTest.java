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
}
