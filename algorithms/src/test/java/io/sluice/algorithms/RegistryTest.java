package io.sluice.algorithms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryTest {
    private static final List<String> BUILT_IN_STRATEGIES = List.of(
            "round-robin", "weighted-round-robin", "random", "weighted-random", "least-connections",
            "p2c-least-request", "p2c-peak-ewma", "response-time-weighted", "p2c-utilisation", "prequal",
            "join-idle-queue", "ring-hash", "maglev", "rendezvous", "jump-hash", "bounded-load");
    private static final List<String> BUILT_IN_WRAPPERS = List.of("slow-start", "zone-preference", "panic-threshold");

    private final StrategyRegistry registry = StrategyRegistry.standard();

    @Test
    void everyBuiltInIsRegistered() {
        assertThat(registry.strategyNames()).containsAll(BUILT_IN_STRATEGIES);
        assertThat(registry.wrapperNames()).containsAll(BUILT_IN_WRAPPERS);
    }

    /**
     * {@code ./sluice strategies} prints one description a line for every built-in strategy and
     * wrapper: one style for all, a capital first letter and a full stop, on one line of a
     * terminal-friendly length.
     */
    @Test
    void builtInDescriptionsShareOneStyle() {
        Map<String, String> descriptions = new LinkedHashMap<>();
        registry.strategies().stream().filter(p -> BUILT_IN_STRATEGIES.contains(p.name()))
                .forEach(p -> descriptions.put(p.name(), p.description()));
        registry.wrappers().forEach(w -> descriptions.put(w.name(), w.description()));
        assertThat(descriptions).hasSize(BUILT_IN_STRATEGIES.size() + BUILT_IN_WRAPPERS.size());
        descriptions.forEach((name, d) -> {
            assertThat(Character.isUpperCase(d.charAt(0))).as("%s starts with a capital: %s", name, d).isTrue();
            assertThat(d).as(name).endsWith(".").doesNotContain("\n").hasSizeLessThanOrEqualTo(200);
        });
    }

    @Test
    void everyProviderDescribesItselfAndItsParameters() {
        for (StrategyProvider p : registry.strategies()) {
            assertThat(p.name()).matches("[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(p.description()).as(p.name()).isNotBlank();
            p.parameters().forEach(s -> assertThat(s.description()).as(p.name() + "." + s.name()).isNotBlank());
            assertThat(registry.create(p.name(), Environment.system()).name()).isEqualTo(p.name());
        }
        for (WrapperProvider w : registry.wrappers()) {
            assertThat(w.description()).as(w.name()).isNotBlank();
        }
    }

    @Test
    void unknownStrategyListsTheValidNames() {
        assertThatThrownBy(() -> registry.create("round-robbin", Environment.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown strategy 'round-robbin'")
                .hasMessageContaining("round-robin");
    }

    @Test
    void unknownParameterListsTheAllowedOnes() {
        assertThatThrownBy(() -> registry.create("p2c-least-request", Map.of("choises", 3), Environment.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parameter 'choises'")
                .hasMessageContaining("choices");
    }

    @Test
    void outOfRangeParameterNamesValueAndRange() {
        assertThatThrownBy(() -> registry.create("p2c-least-request", Map.of("choices", 1), Environment.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'choices'")
                .hasMessageContaining("got 1");
    }

    @Test
    void unknownWrapperListsTheValidNames() {
        StrategySpec spec = new StrategySpec("random", Map.of(),
                List.of(new StrategySpec.WrapperSpec("slowstart", Map.of())));
        assertThatThrownBy(() -> registry.create(spec, Environment.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown wrapper 'slowstart'")
                .hasMessageContaining("slow-start");
    }
}
