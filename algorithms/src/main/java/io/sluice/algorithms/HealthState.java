package io.sluice.algorithms;

/**
 * Whether a backend may take new requests, and if not, why. Only {@link #HEALTHY} backends are
 * in an {@link EndpointSet}'s available list; a panic threshold may still route to the others.
 */
public enum HealthState {
    /** Passing its checks and not ejected: takes new requests. */
    HEALTHY,
    /** Failed enough active checks in a row (the "fall" count) to be marked down. */
    UNHEALTHY,
    /** Ejected by passive outlier detection for a while. */
    EJECTED,
    /** Taken out by an operator: finishes what it has, takes nothing new, never used in panic. */
    DRAINING;

    /** True when a picker may send a new request here in normal operation. */
    public boolean available() {
        return this == HEALTHY;
    }
}
