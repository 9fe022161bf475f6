package io.sluice.algorithms.health;

import io.sluice.algorithms.HealthState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HealthAggregatorProperties {

    /** One change: which backend (0-2), which signal (0 active, 1 ejected, 2 draining), and its value. */
    record Op(int backend, int signal, boolean value) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Arbitraries.integers().between(0, 2)
                .flatMap(b -> Arbitraries.integers().between(0, 2)
                        .flatMap(s -> Arbitraries.of(true, false).map(v -> new Op(b, s, v))))
                .list().ofMaxSize(60);
    }

    @Property
    void theSinkReplaysExactlyTheChangesOfTheCombinedState(@ForAll("ops") List<Op> ops) {
        Map<String, List<HealthState>> seen = new HashMap<>();
        HealthAggregator a = new HealthAggregator((id, s) -> seen.computeIfAbsent(id, k -> new ArrayList<>()).add(s));
        a.setBackends(List.of("b0", "b1", "b2"));
        boolean[][] model = {{true, false, false}, {true, false, false}, {true, false, false}};
        for (Op op : ops) {
            String id = "b" + op.backend();
            model[op.backend()][op.signal()] = op.value();
            switch (op.signal()) {
                case 0 -> a.setActive(id, op.value() ? HealthState.HEALTHY : HealthState.UNHEALTHY);
                case 1 -> a.setEjected(id, op.value());
                default -> a.setDraining(id, op.value());
            }
            boolean[] m = model[op.backend()];
            HealthState expected = new BackendHealth(m[0], m[1], m[2]).state();
            assertThat(a.state(id)).isEqualTo(expected);
            // HEALTHY only when up, not ejected and not draining.
            assertThat(expected == HealthState.HEALTHY).isEqualTo(m[0] && !m[1] && !m[2]);
        }
        for (int b = 0; b < 3; b++) {
            List<HealthState> calls = seen.getOrDefault("b" + b, List.of());
            HealthState previous = HealthState.HEALTHY;
            for (HealthState s : calls) {
                assertThat(s).as("the sink is only called on a change").isNotEqualTo(previous);
                previous = s;
            }
            assertThat(previous).isEqualTo(a.state("b" + b));
        }
    }
}
