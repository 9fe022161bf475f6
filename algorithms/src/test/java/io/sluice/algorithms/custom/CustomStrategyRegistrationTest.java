package io.sluice.algorithms.custom;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service-provider path end to end: a strategy found only through a services file on the
 * class path is selectable by name, its parameter is validated, and wrappers compose with it; the
 * strategies and wrappers of this module's probing and wrapper packages are registered the same way.
 */
class CustomStrategyRegistrationTest {
    private final Environment env = Environment.virtual(() -> 0L, 1);
    private final StrategyRegistry registry = StrategyRegistry.standard();

    private List<Endpoint> fleet() {
        return List.of(
                Endpoint.healthy(Backend.of("m", "m:80", 1, "us", Map.of()), env),
                Endpoint.healthy(Backend.of("b", "b:80", 1, "eu", Map.of()), env),
                Endpoint.healthy(Backend.of("k", "k:80", 1, "eu", Map.of()), env));
    }

    @Test
    void theCustomStrategyIsSelectableByNameWithAParameter() {
        assertThat(registry.strategyNames()).contains("first-available");
        Strategy membership = registry.create("first-available", env);
        assertThat(membership.newPicker(EndpointSet.of(fleet())).pick(RequestContext.NONE).id()).isEqualTo("m");
        Strategy byId = registry.create("first-available", Map.of("order", "id"), env);
        assertThat(byId.newPicker(EndpointSet.of(fleet())).pick(RequestContext.NONE).id()).isEqualTo("b");
        assertThat(byId.newPicker(EndpointSet.empty()).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void badParametersOfTheCustomStrategyAreRefused() {
        assertThatThrownBy(() -> registry.create("first-available", Map.of("order", "random"), env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("first-available").hasMessageContaining("order").hasMessageContaining("random");
        assertThatThrownBy(() -> registry.create("first-available", Map.of("ordre", "id"), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown parameter 'ordre'");
        assertThatThrownBy(() -> registry.create("first-availabel", env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first-available");
    }

    @Test
    void wrappersComposeWithTheCustomStrategy() {
        // zone-preference (inner) then panic-threshold (outer): the first available eu backend.
        StrategySpec spec = new StrategySpec("first-available", Map.of(), List.of(
                new StrategySpec.WrapperSpec("zone-preference", Map.of("local-zone", "eu")),
                new StrategySpec.WrapperSpec("panic-threshold", Map.of("percent", 50))));
        Strategy s = registry.create(spec, env);
        assertThat(s.name()).isEqualTo("first-available+zone-preference+panic-threshold");
        assertThat(s.newPicker(EndpointSet.of(fleet())).pick(RequestContext.NONE).id()).isEqualTo("b");

        // Every member down: panic (outer) hands zone-preference everyone, which stays in eu.
        List<Endpoint> down = fleet().stream().map(e -> e.withHealth(HealthState.UNHEALTHY, 0)).toList();
        assertThat(s.newPicker(EndpointSet.of(down)).pick(RequestContext.NONE).id()).isEqualTo("b");
    }

    @Test
    void probingStrategiesAndWrappersAreRegistered() {
        assertThat(registry.strategyNames()).contains("prequal", "join-idle-queue");
        assertThat(registry.wrapperNames()).contains("slow-start", "zone-preference", "panic-threshold");
        for (String name : List.of("prequal", "join-idle-queue")) {
            Strategy s = registry.create(name, env);
            assertThat(s.name()).isEqualTo(name);
            assertThat(s.newPicker(EndpointSet.of(fleet())).pick(RequestContext.NONE)).isNotNull();
            assertThat(s.newPicker(EndpointSet.empty()).pick(RequestContext.NONE)).isNull();
        }
        assertThatThrownBy(() -> registry.create("prequal", Map.of("max-probe-age", "soon"), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-probe-age");
        assertThatThrownBy(() -> registry.create(new StrategySpec("prequal", Map.of(),
                List.of(new StrategySpec.WrapperSpec("slow-start", Map.of("window", "-1s")))), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
    }
}
