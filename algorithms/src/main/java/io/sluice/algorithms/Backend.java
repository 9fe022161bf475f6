package io.sluice.algorithms;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The identity and static configuration of one service instance: what an operator writes in a
 * config file or what the Node Manager announces. Immutable; a weight change makes a new
 * {@code Backend} with the same {@link #id()}, and the live load of that id carries over.
 *
 * <p>Two backends are equal when every field is equal. Pickers identify backends by {@link #id()}.
 */
public final class Backend {
    /** The zone of a backend whose zone nobody configured. */
    public static final String DEFAULT_ZONE = "default";

    private final String id;
    private final String address;
    private final int weight;
    private final String zone;
    private final Map<String, String> tags;

    private Backend(String id, String address, int weight, String zone, Map<String, String> tags) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("backend id must be a non-empty string, got " + quote(id));
        }
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("backend '" + id + "': address must be a non-empty host:port, got "
                    + quote(address));
        }
        if (weight <= 0) {
            throw new IllegalArgumentException("backend '" + id + "': weight must be an integer >= 1, got " + weight);
        }
        if (zone == null || zone.isBlank()) {
            throw new IllegalArgumentException("backend '" + id + "': zone must be a non-empty string, got " + quote(zone));
        }
        this.id = id;
        this.address = address;
        this.weight = weight;
        this.zone = zone;
        this.tags = Map.copyOf(Objects.requireNonNull(tags, "tags"));
    }

    /** A backend of weight 1 in the default zone with no tags. */
    public static Backend of(String id, String address) {
        return new Backend(id, address, 1, DEFAULT_ZONE, Map.of());
    }

    /** A backend of the given weight in the default zone with no tags. */
    public static Backend of(String id, String address, int weight) {
        return new Backend(id, address, weight, DEFAULT_ZONE, Map.of());
    }

    /** A fully specified backend. */
    public static Backend of(String id, String address, int weight, String zone, Map<String, String> tags) {
        return new Backend(id, address, weight, zone, tags);
    }

    public String id() {
        return id;
    }

    /** Where the backend listens, {@code host:port}. The algorithms module never resolves it. */
    public String address() {
        return address;
    }

    /** Configured weight, at least 1. */
    public int weight() {
        return weight;
    }

    public String zone() {
        return zone;
    }

    public Map<String, String> tags() {
        return tags;
    }

    public Backend withWeight(int newWeight) {
        return new Backend(id, address, newWeight, zone, tags);
    }

    public Backend withZone(String newZone) {
        return new Backend(id, address, weight, newZone, tags);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Backend b && id.equals(b.id) && address.equals(b.address) && weight == b.weight
                && zone.equals(b.zone) && tags.equals(b.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, address, weight, zone, tags);
    }

    @Override
    public String toString() {
        return "Backend{" + id + "@" + address + " w=" + weight + " zone=" + zone
                + (tags.isEmpty() ? "" : " tags=" + new TreeMap<>(tags)) + "}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
