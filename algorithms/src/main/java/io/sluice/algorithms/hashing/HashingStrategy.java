package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;

import java.util.Objects;

/**
 * A hashing strategy: its name, its environment and how to build a picker over the available
 * endpoints sorted by id. Handles the two edges every hashing strategy shares: nothing available
 * picks null, a single available backend is always picked (with or without a key). Immutable.
 */
final class HashingStrategy implements Strategy {
    /** Builds the picker for two or more available endpoints. */
    @FunctionalInterface
    interface PickerFactory {
        /**
         * @param byId      the available endpoints in ascending id order, at least two
         * @param endpoints the whole set (jump hash also places unavailable members)
         */
        Picker build(Endpoint[] byId, EndpointSet endpoints, Environment env);
    }

    private final String name;
    private final String description;
    private final Environment env;
    private final PickerFactory factory;

    HashingStrategy(String name, String description, Environment env, PickerFactory factory) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.env = Objects.requireNonNull(env, "env");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Picker newPicker(EndpointSet endpoints) {
        if (endpoints.available().isEmpty()) {
            return Picker.NONE;
        }
        Endpoint[] byId = Placement.sortedById(endpoints.available());
        if (byId.length == 1) {
            Endpoint only = byId[0];
            return ctx -> only;
        }
        return factory.build(byId, endpoints, env);
    }

    @Override
    public String toString() {
        return description;
    }
}
