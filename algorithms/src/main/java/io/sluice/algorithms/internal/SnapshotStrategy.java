package io.sluice.algorithms.internal;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;

import java.util.List;
import java.util.Objects;

/**
 * A strategy whose pickers depend only on the endpoint set and the environment: every strategy
 * without state of its own (the classic, load-aware and hashing ones). It owns the edges all of
 * them share, so each picker builder may assume at least two available endpoints: an empty
 * available list gives {@link Picker#NONE} (every pick answers null), and a single endpoint a
 * picker that always answers it.
 *
 * <p>Immutable; {@link #newPicker} may run on any thread.
 */
public final class SnapshotStrategy implements Strategy {
    /** Builds the picker of a set with at least two available endpoints. */
    @FunctionalInterface
    public interface PickerBuilder {
        /**
         * @param available {@code endpoints.available()}, at least two, in membership order
         * @param endpoints the whole set (jump hash also places unavailable members)
         */
        Picker build(List<Endpoint> available, EndpointSet endpoints, Environment env);
    }

    private final String name;
    private final String description;
    private final Environment env;
    private final PickerBuilder builder;

    /**
     * @param name        the registered name
     * @param description what {@link #toString()} says, e.g. the name with its parameters
     */
    public SnapshotStrategy(String name, String description, Environment env, PickerBuilder builder) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
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
            default -> builder.build(available, endpoints, env);
        };
    }

    @Override
    public String toString() {
        return description;
    }
}
