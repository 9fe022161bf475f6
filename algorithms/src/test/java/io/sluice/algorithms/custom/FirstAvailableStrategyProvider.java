package io.sluice.algorithms.custom;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.Comparator;
import java.util.List;

/**
 * The custom-strategy example: everything a third party writes to add a strategy to Sluice. This
 * class plus one line naming it in {@code META-INF/services/io.sluice.algorithms.StrategyProvider}
 * (here the test resources' copy) make {@code first-available} selectable by name in configs,
 * scenarios and {@link io.sluice.algorithms.StrategyRegistry#standard()}, with its parameter
 * validated before {@link #create} runs.
 *
 * <p>The strategy itself is deliberately trivial (active-passive failover): every request goes to
 * the first available backend, in membership order or by id, per the {@code order} parameter.
 */
public final class FirstAvailableStrategyProvider implements StrategyProvider {
    @Override
    public String name() {
        return "first-available";
    }

    @Override
    public String description() {
        return "Example custom strategy: the first available backend (active-passive failover)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.choice("order", "membership", List.of("membership", "id"),
                "what 'first' means: the order backends were configured in, or the smallest id"));
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        boolean byId = params.getString("order").equals("id");
        return new Strategy() {
            @Override
            public String name() {
                return "first-available";
            }

            @Override
            public Picker newPicker(EndpointSet endpoints) {
                List<Endpoint> available = endpoints.available();
                if (available.isEmpty()) {
                    return Picker.NONE;
                }
                Endpoint first = byId
                        ? available.stream().min(Comparator.comparing(Endpoint::id)).orElseThrow()
                        : available.get(0);
                return ctx -> first;
            }
        };
    }
}
