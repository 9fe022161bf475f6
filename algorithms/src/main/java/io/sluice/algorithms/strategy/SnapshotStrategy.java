package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;

import java.util.List;
import java.util.Objects;

/**
 * A strategy whose pickers depend only on the available endpoints and the environment: every
 * classic strategy of this package. It owns the edges all of them share, so each picker may assume
 * at least two endpoints: an empty available list gives {@link Picker#NONE} (every pick answers
 * null), and a single endpoint gives a {@link SoleEndpointPicker}.
 *
 * <p>Immutable; {@link #newPicker} may run on any thread.
 */
final class SnapshotStrategy implements Strategy {
    /** Builds the picker of a set of at least two available endpoints. */
    @FunctionalInterface
    interface PickerBuilder {
        Picker build(List<Endpoint> available, Environment env);
    }

    private final String name;
    private final Environment env;
    private final PickerBuilder builder;

    SnapshotStrategy(String name, Environment env, PickerBuilder builder) {
        this.name = Objects.requireNonNull(name, "name");
        this.env = Objects.requireNonNull(env, "env");
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Picker newPicker(EndpointSet endpoints) {
        List<Endpoint> available = endpoints.available();
        return switch (available.size()) {
            case 0 -> Picker.NONE;
            case 1 -> new SoleEndpointPicker(available.get(0));
            default -> builder.build(available, env);
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
