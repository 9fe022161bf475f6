package io.sluice.algorithms.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.SettingException;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.health.HealthCheckConfig;
import io.sluice.algorithms.health.InitialState;
import io.sluice.algorithms.health.OutlierConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClusterPolicyTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final StrategyRegistry REGISTRY = StrategyRegistry.standard();

    @Test
    void everyDefaultInOnePlace() {
        ClusterPolicy p = ClusterPolicy.of(StrategySpec.of("round-robin"));
        assertThat(p.healthCheck()).isEmpty();
        assertThat(p.outlierDetection()).as("off, as in Envoy").isEmpty();
        assertThat(p.timeouts()).isEqualTo(new Timeouts(S, 30 * S));
        assertThat(p.retries()).isEqualTo(RetryPolicy.defaults());
        assertThat(p.affinity().mode()).isEqualTo(AffinityPolicy.Mode.NONE);
        assertThat(p.pickerRefresh().periodNanos()).isEqualTo(S);
        assertThat(p.ewmaDecayNanos()).isEqualTo(LoadBalancer.DEFAULT_EWMA_DECAY_NANOS);
        HealthCheckPolicy h = HealthCheckPolicy.defaults();
        assertThat(h.type()).isEqualTo(HealthCheckPolicy.Type.HTTP);
        assertThat(h.path()).isEqualTo("/health");
        assertThat(h.timeoutNanos()).isEqualTo(S);
        assertThat(h.checks()).isEqualTo(HealthCheckConfig.defaults());
        assertThat(h.checks().initialState()).as("HAProxy's init-state default").isEqualTo(InitialState.UP);
    }

    @Test
    void policiesCompareByValue() {
        ClusterPolicy a = ClusterPolicy.builder(StrategySpec.of("p2c-least-request", Map.of("choices", 3L)))
                .healthCheck(HealthCheckPolicy.builder().rise(3).build())
                .outlierDetection(OutlierConfig.defaults())
                .affinity(AffinityPolicy.builder().mode(AffinityPolicy.Mode.HEADER).name("x-device").build())
                .build();
        ClusterPolicy b = ClusterPolicy.builder(StrategySpec.of("p2c-least-request", Map.of("choices", 3L)))
                .healthCheck(HealthCheckPolicy.builder().rise(3).build())
                .outlierDetection(OutlierConfig.builder().build())
                .affinity(AffinityPolicy.builder().mode(AffinityPolicy.Mode.HEADER).name("x-device").build())
                .build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.withStrategy(StrategySpec.of("random"))).isNotEqualTo(a);
        assertThat(a.toBuilder().retries(RetryPolicy.none()).build()).isNotEqualTo(a);
    }

    @Test
    void aHealthCheckTimeoutMustEndBeforeTheNextCheck() {
        assertThatThrownBy(() -> HealthCheckPolicy.builder().interval(500 * MS).timeout(S).build())
                .isInstanceOf(SettingException.class)
                .hasMessage("timeout: 1s is longer than the interval (500ms); a check must end before the next one"
                        + " is due");
        assertThatThrownBy(() -> HealthCheckPolicy.builder().path("health"))
                .hasMessage("path: 'health' is not allowed; a path starting with '/', without spaces");
        assertThatThrownBy(() -> HealthCheckPolicy.builder().expectStatus(400, 200))
                .hasMessageStartingWith("expect-status: 400-200 is an empty range");
        assertThatThrownBy(() -> HealthCheckPolicy.builder().expectStatus(99, 200))
                .hasMessage("expect-status: 99 is out of range; a whole number from 100 to 599");
    }

    @Test
    void affinityUsesATableOnlyForKeyedModesWithAStrategyThatDoesNotHash() {
        AffinityPolicy header = AffinityPolicy.builder().mode(AffinityPolicy.Mode.HEADER).name("x-id").build();
        assertThat(header.usesTable(false)).isTrue();
        assertThat(header.usesTable(true)).isFalse();
        assertThat(header.keyToStrategy(true)).isTrue();
        AffinityPolicy envoy = AffinityPolicy.builder().mode(AffinityPolicy.Mode.SOURCE).stickTable(false).build();
        assertThat(envoy.usesTable(false)).isFalse();
        assertThat(envoy.keyToStrategy(false)).isTrue();
        AffinityPolicy cookie = AffinityPolicy.builder().mode(AffinityPolicy.Mode.COOKIE).build();
        assertThat(cookie.keyed()).isFalse();
        assertThat(cookie.usesTable(false)).isFalse();
        assertThat(AffinityPolicy.none().keyToStrategy(true)).isFalse();
        assertThatThrownBy(() -> AffinityPolicy.builder().name("a b"))
                .hasMessage("name: 'a b' is not a valid cookie or header name (letters, digits and !#$%&'*+-.^_`|~)");
    }

    @Test
    void theConsistentHashesHashTheKeyAndNothingElseDoes() {
        for (String hash : List.of("ring-hash", "maglev", "rendezvous", "jump-hash", "bounded-load")) {
            assertThat(AffinityPolicy.hashesKey(StrategySpec.of(hash), REGISTRY)).as(hash).isTrue();
        }
        for (String other : List.of("round-robin", "random", "least-connections", "p2c-least-request")) {
            assertThat(AffinityPolicy.hashesKey(StrategySpec.of(other), REGISTRY)).as(other).isFalse();
        }
        assertThat(AffinityPolicy.hashesKey(StrategySpec.of("no-such-strategy"), REGISTRY)).isFalse();
    }

    @Test
    void onlyTimeDependentStrategiesRefreshOnATimer() {
        StrategySpec slow = new StrategySpec("round-robin", Map.of(),
                List.of(new StrategySpec.WrapperSpec("slow-start", Map.of())));
        StrategySpec panic = new StrategySpec("round-robin", Map.of(),
                List.of(new StrategySpec.WrapperSpec("panic-threshold", Map.of())));
        assertThat(PickerRefresh.defaults().timerNanos(slow, REGISTRY)).isEqualTo(S);
        assertThat(PickerRefresh.defaults().timerNanos(panic, REGISTRY)).isZero();
        assertThat(PickerRefresh.defaults().timerNanos(StrategySpec.of("round-robin"), REGISTRY)).isZero();
        assertThat(new PickerRefresh(0).timerNanos(slow, REGISTRY)).isZero();
        assertThatThrownBy(() -> new PickerRefresh(2 * 3600 * S))
                .hasMessage("picker-refresh: 2h is out of range; a duration from 0s to 1h");
    }

    @Test
    void aRetryNeverGoesBackToATriedBackendEvenUnderAHash() {
        Environment env = Environment.virtual(() -> 0L, 3);
        LoadBalancer lb = LoadBalancer.create(REGISTRY.create("ring-hash", env), env);
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            backends.add(Backend.of("b" + i, "10.0.0." + i + ":80"));
        }
        lb.setBackends(backends);
        RequestContext key = RequestContext.ofKey("device-7");
        SplittableRandom random = new SplittableRandom(1);
        Set<String> tried = new HashSet<>();
        Endpoint first = RetryTarget.choose(lb, key, tried);
        assertThat(first).isEqualTo(lb.pick(key));
        tried.add(first.id());
        for (int i = 0; i < 3; i++) {
            Endpoint next = RetryTarget.choose(lb, key, tried);
            assertThat(tried).doesNotContain(next.id());
            tried.add(next.id());
        }
        assertThat(RetryTarget.choose(lb, key, tried)).as("every backend tried").isNull();
    }
}
