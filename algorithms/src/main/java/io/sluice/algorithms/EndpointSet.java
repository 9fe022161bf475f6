package io.sluice.algorithms;

import java.util.ArrayList;
import java.util.List;

/**
 * The immutable input a {@link Strategy} builds a {@link Picker} from: every member endpoint, and
 * the ones available for new requests in normal operation (health {@link HealthState#HEALTHY}).
 * Base strategies balance over {@link #available()}; wrappers such as the panic threshold may hand
 * their inner strategy a different set.
 *
 * <p>Order is the membership order the caller gave, which makes deterministic strategies
 * reproducible; strategies that need another order (hash rings) sort by id themselves.
 */
public final class EndpointSet {
    private static final EndpointSet EMPTY = new EndpointSet(List.of(), List.of());

    private final List<Endpoint> all;
    private final List<Endpoint> available;

    private EndpointSet(List<Endpoint> all, List<Endpoint> available) {
        this.all = all;
        this.available = available;
    }

    /** A set whose available endpoints are the {@link HealthState#HEALTHY} members of {@code all}. */
    public static EndpointSet of(List<Endpoint> all) {
        List<Endpoint> copy = List.copyOf(all);
        List<Endpoint> healthy = new ArrayList<>(copy.size());
        for (Endpoint e : copy) {
            if (e.health().available()) {
                healthy.add(e);
            }
        }
        return new EndpointSet(copy, List.copyOf(healthy));
    }

    /** A set with an explicit available list (wrappers only); {@code available} should be a subset of {@code all}. */
    public static EndpointSet of(List<Endpoint> all, List<Endpoint> available) {
        return new EndpointSet(List.copyOf(all), List.copyOf(available));
    }

    /** The set in which every given endpoint is available, whatever its health (tests, benchmarks, panic mode). */
    public static EndpointSet allAvailable(List<Endpoint> endpoints) {
        List<Endpoint> copy = List.copyOf(endpoints);
        return new EndpointSet(copy, copy);
    }

    public static EndpointSet empty() {
        return EMPTY;
    }

    /** Every member, whatever its health. */
    public List<Endpoint> all() {
        return all;
    }

    /** Members that may take new requests. */
    public List<Endpoint> available() {
        return available;
    }

    @Override
    public String toString() {
        return "EndpointSet{available=" + available.size() + "/" + all.size() + "}";
    }
}
