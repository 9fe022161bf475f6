package io.sluice.algorithms.health;

import io.sluice.algorithms.HealthState;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Combines, per backend of one cluster, what active checks, passive outlier detection and the
 * operator say into one {@link HealthState} by {@link BackendHealth}'s rule, and passes every
 * change of it to a {@link Sink} (the wiring: {@code LoadBalancer::setHealth}).
 *
 * <p>One per cluster in the proxy ({@code ClusterHealth}), one per load-balancer instance in the
 * simulator, so both runtimes turn checks, ejections and drains into picker health the same way.
 *
 * <p>Thread safety: every method may be called from any thread (health checker event loops, the
 * outlier monitor's loop, an admin thread). Changes are serialised by one lock and the sink is
 * called while it is held, so the sink sees the changes of a backend in the order they were made
 * and its last call always matches {@link #state}. The sink must therefore be quick and must not
 * call back into this aggregator; {@code LoadBalancer.setHealth} qualifies (it takes its own lock
 * and never calls out).
 *
 * <p>Membership: call {@link #setBackends} with the cluster's ids before (or with) the health
 * checker's and load balancer's updates; reports about ids that are not members are ignored, so a
 * late report about a removed backend cannot resurrect it.
 */
public final class HealthAggregator {

    /** Where combined changes go; called only when the combined state of a member changes. */
    @FunctionalInterface
    public interface Sink {
        void apply(String backendId, HealthState state);
    }

    private final Sink sink;
    private final Map<String, BackendHealth> backends = new LinkedHashMap<>();

    public HealthAggregator(Sink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Replaces the membership: ids that stay keep their opinions, new ids start at
     * {@link BackendHealth#INITIAL} (HEALTHY, as the load balancer adds them; the sink is not
     * called), removed ids are forgotten.
     */
    public synchronized void setBackends(Collection<String> backendIds) {
        Map<String, BackendHealth> next = new LinkedHashMap<>();
        for (String id : backendIds) {
            next.put(Objects.requireNonNull(id, "backend id"), backends.getOrDefault(id, BackendHealth.INITIAL));
        }
        backends.clear();
        backends.putAll(next);
    }

    /**
     * Records what active checks say: the state a {@link HealthListener} is given.
     *
     * @param activeState {@link HealthState#HEALTHY} for up, anything else for down
     * @return the combined state now, or null if the id is not a member
     */
    public HealthState setActive(String backendId, HealthState activeState) {
        boolean up = Objects.requireNonNull(activeState, "activeState") == HealthState.HEALTHY;
        return change(backendId, h -> h.withActiveUp(up));
    }

    /** Records whether outlier detection has the backend ejected; returns the combined state, or null if unknown. */
    public HealthState setEjected(String backendId, boolean ejected) {
        return change(backendId, h -> h.withEjected(ejected));
    }

    /** Records whether an operator drains the backend; returns the combined state, or null if unknown. */
    public HealthState setDraining(String backendId, boolean draining) {
        return change(backendId, h -> h.withDraining(draining));
    }

    /** The combined state of a member, or null if unknown. */
    public synchronized HealthState state(String backendId) {
        BackendHealth h = backends.get(backendId);
        return h == null ? null : h.state();
    }

    /** The three opinions about a member. */
    public synchronized Optional<BackendHealth> health(String backendId) {
        return Optional.ofNullable(backends.get(backendId));
    }

    private synchronized HealthState change(String backendId, UnaryOperator<BackendHealth> f) {
        BackendHealth before = backends.get(backendId);
        if (before == null) {
            return null;
        }
        BackendHealth after = f.apply(before);
        backends.put(backendId, after);
        if (after.state() != before.state()) {
            sink.apply(backendId, after.state());
        }
        return after.state();
    }
}
