package io.sluice.algorithms.hashing;

import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.StrategyProvider;
import io.sluice.algorithms.StrategyRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class HashingRegistryTest {
    private final StrategyRegistry registry = StrategyRegistry.standard();

    @Test
    void allFiveAreRegisteredUnderTheirCanonicalNames() {
        assertThat(registry.strategyNames()).contains("ring-hash", "maglev", "rendezvous", "jump-hash", "bounded-load");
        for (String name : Clusters.STRATEGIES) {
            assertThat(registry.create(name, Clusters.env(1)).name()).isEqualTo(name);
        }
    }

    @Test
    void parametersAndDefaultsAreDeclared() {
        assertThat(specs("ring-hash")).containsExactly("min-ring-size=1024", "max-ring-size=8388608");
        assertThat(specs("maglev")).containsExactly("table-size=65537");
        assertThat(specs("rendezvous")).isEmpty();
        assertThat(specs("jump-hash")).isEmpty();
        assertThat(specs("bounded-load")).containsExactly("balance-factor=0.25");
    }

    @Test
    void jumpHashSaysWeightsAreNotSupported() {
        assertThat(registry.strategy("jump-hash").description()).contains("weights NOT supported");
    }

    private List<String> specs(String name) {
        StrategyProvider p = registry.strategy(name);
        return p.parameters().stream().map(s -> s.name() + "=" + s.defaultText()).collect(Collectors.toList());
    }

    @Test
    void specsAreOfTheDeclaredTypes() {
        assertThat(registry.strategy("bounded-load").parameters().get(0).type()).isEqualTo(ParameterSpec.Type.NUMBER);
        assertThat(registry.strategy("maglev").parameters().get(0).type()).isEqualTo(ParameterSpec.Type.INTEGER);
    }
}
