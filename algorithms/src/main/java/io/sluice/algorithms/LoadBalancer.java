package io.sluice.algorithms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The membership and health of one cluster, and its current picker. This is the one mutable
 * object a caller (a proxy cluster, a simulated load-balancer instance) holds: it keeps each
 * backend's {@link BackendLoad} across changes, rebuilds the picker snapshot on every membership,
 * weight or health change, and publishes it through one volatile field.
 *
 * <p>Thread safety: {@link #pick} is lock-free (one volatile read, then the picker). Changes are
 * serialised by a lock and are expected to be rare (config reloads, health transitions).
 *
 * <p>Backends present at the first {@link #setBackends} count as established: slow start does not
 * ramp them. Backends added later, or returning to health, ramp from the time of that change.
 */
public final class LoadBalancer {
    /** Finagle's default peak-EWMA decay time. */
    public static final long DEFAULT_EWMA_DECAY_NANOS = 10_000_000_000L;

    private static final long ESTABLISHED = Long.MIN_VALUE / 4;

    private final Strategy strategy;
    private final Environment env;
    private final long ewmaDecayNanos;
    private final Object lock = new Object();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private boolean everPopulated;

    private volatile Picker picker = Picker.NONE;
    private volatile EndpointSet endpoints = EndpointSet.empty();

    private static final class Member {
        Backend backend;
        final BackendLoad load;
        HealthState health = HealthState.HEALTHY;
        long healthySince;

        Member(Backend backend, BackendLoad load, long healthySince) {
            this.backend = backend;
            this.load = load;
            this.healthySince = healthySince;
        }

        Endpoint endpoint() {
            return Endpoint.of(backend, load, health, healthySince);
        }
    }

    private LoadBalancer(Strategy strategy, Environment env, long ewmaDecayNanos) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.env = Objects.requireNonNull(env, "env");
        if (ewmaDecayNanos <= 0) {
            throw new IllegalArgumentException("EWMA decay must be > 0 ns, got " + ewmaDecayNanos);
        }
        this.ewmaDecayNanos = ewmaDecayNanos;
    }

    public static LoadBalancer create(Strategy strategy, Environment env) {
        return new LoadBalancer(strategy, env, DEFAULT_EWMA_DECAY_NANOS);
    }

    public static LoadBalancer create(Strategy strategy, Environment env, long ewmaDecayNanos) {
        return new LoadBalancer(strategy, env, ewmaDecayNanos);
    }

    /** Picks a backend for one request, or null when none is available. Never throws. */
    public Endpoint pick(RequestContext ctx) {
        return picker.pick(ctx);
    }

    /**
     * Replaces the membership: ids not in {@code backends} leave, new ids join healthy, ids that
     * stay keep their load and health and take the new weight, zone and tags.
     *
     * @throws IllegalArgumentException when two backends share an id
     */
    public void setBackends(Collection<Backend> backends) {
        Map<String, Backend> byId = new LinkedHashMap<>();
        for (Backend b : backends) {
            if (byId.put(b.id(), b) != null) {
                throw new IllegalArgumentException("two backends have the id '" + b.id() + "'");
            }
        }
        synchronized (lock) {
            long now = env.nanoTime();
            long joinedAt = everPopulated ? now : ESTABLISHED;
            members.keySet().retainAll(byId.keySet());
            for (Backend b : byId.values()) {
                Member m = members.get(b.id());
                if (m == null) {
                    members.put(b.id(), new Member(b, new BackendLoad(ewmaDecayNanos, now), joinedAt));
                } else {
                    m.backend = b;
                }
            }
            // Keep the caller's order, which deterministic strategies follow.
            Map<String, Member> ordered = new LinkedHashMap<>();
            for (String id : byId.keySet()) {
                ordered.put(id, members.get(id));
            }
            members.clear();
            members.putAll(ordered);
            everPopulated |= !members.isEmpty();
            rebuild();
        }
    }

    /** Adds or replaces one backend, keeping the others. */
    public void putBackend(Backend backend) {
        synchronized (lock) {
            List<Backend> next = new ArrayList<>();
            boolean replaced = false;
            for (Member m : members.values()) {
                if (m.backend.id().equals(backend.id())) {
                    next.add(backend);
                    replaced = true;
                } else {
                    next.add(m.backend);
                }
            }
            if (!replaced) {
                next.add(backend);
            }
            setBackends(next);
        }
    }

    /** Removes one backend; returns false if it was not a member. */
    public boolean removeBackend(String id) {
        synchronized (lock) {
            if (!members.containsKey(id)) {
                return false;
            }
            List<Backend> next = new ArrayList<>();
            for (Member m : members.values()) {
                if (!m.backend.id().equals(id)) {
                    next.add(m.backend);
                }
            }
            setBackends(next);
            return true;
        }
    }

    /**
     * Sets the health of one backend; a change rebuilds the picker. Returns false when the id is not
     * a member (the caller may be reporting on a backend that was just removed).
     */
    public boolean setHealth(String id, HealthState health) {
        Objects.requireNonNull(health, "health");
        synchronized (lock) {
            Member m = members.get(id);
            if (m == null) {
                return false;
            }
            if (m.health != health) {
                if (health == HealthState.HEALTHY) {
                    m.healthySince = env.nanoTime();
                }
                m.health = health;
                rebuild();
            }
            return true;
        }
    }

    /** Rebuilds the picker from the current members; wrappers whose output changes with time call this. */
    public void refresh() {
        synchronized (lock) {
            rebuild();
        }
    }

    private void rebuild() {
        List<Endpoint> list = new ArrayList<>(members.size());
        for (Member m : members.values()) {
            list.add(m.endpoint());
        }
        EndpointSet set = EndpointSet.of(list);
        Picker next = strategy.newPicker(set);
        endpoints = set;
        picker = next;
    }

    /** The endpoint set of the current picker. */
    public EndpointSet endpoints() {
        return endpoints;
    }

    /** The current endpoint of {@code id}, or null. */
    public Endpoint endpoint(String id) {
        for (Endpoint e : endpoints.all()) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        return null;
    }

    public Strategy strategy() {
        return strategy;
    }

    public Environment environment() {
        return env;
    }
}
