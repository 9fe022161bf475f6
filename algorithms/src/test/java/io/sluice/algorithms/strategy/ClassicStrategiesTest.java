package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;
import io.sluice.algorithms.StrategyRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every classic strategy promises, checked by name through the registry. */
class ClassicStrategiesTest {
    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "weighted-round-robin", "random", "weighted-random", "least-connections"})
    void registeredUnderItsNameWithAPublicFinalProvider(String name) {
        StrategyProvider provider = StrategyRegistry.standard().strategy(name);
        assertThat(provider.name()).isEqualTo(name);
        assertThat(provider.description()).isNotBlank();
        assertThat(provider.parameters()).isEmpty();
        assertThat(Modifier.isPublic(provider.getClass().getModifiers())).isTrue();
        assertThat(Modifier.isFinal(provider.getClass().getModifiers())).isTrue();
        Strategy strategy = StrategyRegistry.standard().create(name, Fleet.seeded(1));
        assertThat(strategy.name()).isEqualTo(name);
        // Not API: package-private, or the strategy shell shared across packages in internal.
        assertThat(!Modifier.isPublic(strategy.getClass().getModifiers())
                || strategy.getClass().getPackageName().equals("io.sluice.algorithms.internal"))
                .as("%s is not a public API class", strategy.getClass()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "weighted-round-robin", "random", "weighted-random", "least-connections"})
    void refusesUnknownParameters(String name) {
        assertThatThrownBy(() -> StrategyRegistry.standard().create(name, Map.of("nope", 1), Fleet.seeded(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "weighted-round-robin", "random", "weighted-random", "least-connections"})
    void edgesOfTheEndpointSet(String name) {
        Environment env = Fleet.seeded(3);
        Strategy strategy = Fleet.strategy(name, env);
        assertThat(strategy.newPicker(EndpointSet.empty()).pick(RequestContext.NONE)).isNull();

        List<Endpoint> down = new ArrayList<>();
        for (Endpoint e : Fleet.weighted(env, 1, 2, 3)) {
            down.add(e.withHealth(HealthState.UNHEALTHY, 0));
        }
        assertThat(strategy.newPicker(EndpointSet.of(down)).pick(RequestContext.NONE)).isNull();

        List<Endpoint> one = Fleet.weighted(env, 5);
        assertThat(Fleet.ids(strategy.newPicker(EndpointSet.of(one)), 4)).containsOnly("b0");

        List<Endpoint> mixed = new ArrayList<>(Fleet.weighted(env, 1, 2, 3, 4));
        mixed.set(2, mixed.get(2).withHealth(HealthState.DRAINING, 0));
        Picker picker = strategy.newPicker(EndpointSet.of(mixed));
        assertThat(Fleet.ids(picker, 400)).doesNotContain("b2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "weighted-round-robin", "random", "weighted-random", "least-connections"})
    void aSeededEnvironmentReproducesThePicks(String name) {
        List<String> first = Fleet.ids(Fleet.picker(name, Fleet.seeded(77), Fleet.weighted(Fleet.seeded(77), 1, 2, 3, 1)), 50);
        List<String> second = Fleet.ids(Fleet.picker(name, Fleet.seeded(77), Fleet.weighted(Fleet.seeded(77), 1, 2, 3, 1)), 50);
        assertThat(first).isEqualTo(second);
    }
}
