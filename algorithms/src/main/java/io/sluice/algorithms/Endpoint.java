package io.sluice.algorithms;

import java.util.Objects;

/**
 * One backend as a picker sees it: identity, live load, health and effective weight, frozen at the
 * moment the picker snapshot was built (except {@link #load()}, which is live). Immutable.
 *
 * <p>The effective weight starts as the configured {@link Backend#weight()} and may be scaled by a
 * wrapper (slow start ramps it from a fraction up to the full weight), which is why it is a
 * {@code double}. It is always &gt; 0.
 */
public final class Endpoint {
    private final Backend backend;
    private final BackendLoad load;
    private final HealthState health;
    private final double weight;
    private final long healthySinceNanos;

    private Endpoint(Backend backend, BackendLoad load, HealthState health, double weight, long healthySinceNanos) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.load = Objects.requireNonNull(load, "load");
        this.health = Objects.requireNonNull(health, "health");
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("backend '" + backend.id() + "': effective weight must be a finite"
                    + " number > 0, got " + weight);
        }
        this.weight = weight;
        this.healthySinceNanos = healthySinceNanos;
    }

    /**
     * @param healthySinceNanos when the backend last became {@link HealthState#HEALTHY} (or joined
     *                          healthy), on the environment's clock; slow start ramps from here
     */
    public static Endpoint of(Backend backend, BackendLoad load, HealthState health, long healthySinceNanos) {
        return new Endpoint(backend, load, health, backend.weight(), healthySinceNanos);
    }

    /** A healthy endpoint with fresh load signals (tests, examples, benchmarks). */
    public static Endpoint healthy(Backend backend, Environment env) {
        long now = env.nanoTime();
        return new Endpoint(backend, LoadSignals.threadSafe(LoadBalancer.DEFAULT_EWMA_DECAY_NANOS).newLoad(now),
                HealthState.HEALTHY, backend.weight(), now);
    }

    public Backend backend() {
        return backend;
    }

    /** Shortcut for {@code backend().id()}. */
    public String id() {
        return backend.id();
    }

    public BackendLoad load() {
        return load;
    }

    public HealthState health() {
        return health;
    }

    /** Effective weight, &gt; 0. */
    public double weight() {
        return weight;
    }

    public long healthySinceNanos() {
        return healthySinceNanos;
    }

    /** The same endpoint with another effective weight (the load object is shared, not copied). */
    public Endpoint withWeight(double newWeight) {
        return new Endpoint(backend, load, health, newWeight, healthySinceNanos);
    }

    /** The same endpoint in another health state (the load object is shared, not copied). */
    public Endpoint withHealth(HealthState newHealth, long healthySince) {
        return new Endpoint(backend, load, newHealth, weight, healthySince);
    }

    @Override
    public String toString() {
        return backend.id() + "(" + health + ", w=" + weight + ")";
    }
}
