package io.sluice.algorithms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The membership and health of one cluster, and its current picker. This is the one mutable
 * object a caller (a proxy cluster, a simulated load-balancer instance) holds: it keeps each
 * backend's {@link BackendLoad} across changes, rebuilds the {@link Snapshot} (endpoints and
 * picker together) on every membership, weight or health change, and publishes it through one
 * volatile field, so a reader never pairs a picker with the endpoints of another moment.
 *
 * <p>The loads come from the {@link LoadSignals} given at creation: thread-safe ones (the
 * default; the proxy) or single-writer ones (the simulator's single-threaded engine).
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
    private final LoadSignals signals;
    private final Object lock = new Object();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private boolean everPopulated;

    private volatile Snapshot snapshot;

    /**
     * What a load balancer offers at one moment: the endpoint set and the picker built from it,
     * published together. Immutable; read one with {@link LoadBalancer#snapshot()} and use it for
     * every decision about one request (the sticky backend's availability, the pick, the retry).
     */
    public static final class Snapshot {
        private final EndpointSet endpoints;
        private final Picker picker;
        private final Map<String, Endpoint> byId;
        private final RandomGenerator random;

        private Snapshot(EndpointSet endpoints, Picker picker, RandomGenerator random) {
            this.endpoints = endpoints;
            this.picker = picker;
            this.random = random;
            Map<String, Endpoint> map = new HashMap<>(endpoints.all().size() * 2);
            for (Endpoint e : endpoints.all()) {
                map.put(e.id(), e);
            }
            this.byId = map; // never written again: published through the final field
        }

        /** Every member and the available ones, as the picker saw them. */
        public EndpointSet endpoints() {
            return endpoints;
        }

        public Picker picker() {
            return picker;
        }

        /** The picker's choice, or null when nothing is available. */
        public Endpoint pick(RequestContext ctx) {
            return picker.pick(ctx);
        }

        /**
         * The picker's choice among the backends not in {@code tried}
         * ({@link Picker#pick(RequestContext, Tried)}), or, should the picker not answer though an
         * untried backend is available (a custom strategy without a native exclusion pick), a
         * uniformly random untried available one. Null when every available backend was tried.
         */
        public Endpoint pick(RequestContext ctx, Tried tried) {
            if (tried.isEmpty()) {
                return picker.pick(ctx);
            }
            Endpoint e = picker.pick(ctx, tried);
            if (e != null && !tried.contains(e)) {
                return e;
            }
            List<Endpoint> available = endpoints.available();
            int left = 0;
            for (Endpoint a : available) {
                if (!tried.contains(a)) {
                    left++;
                }
            }
            if (left == 0) {
                return null;
            }
            int k = random.nextInt(left);
            for (Endpoint a : available) {
                if (!tried.contains(a) && k-- == 0) {
                    return a;
                }
            }
            return null;
        }

        /** The member {@code id}, whatever its health, or null. */
        public Endpoint endpoint(String id) {
            return byId.get(id);
        }

        /** The member {@code id} if it is available for new requests, else null. */
        public Endpoint available(String id) {
            Endpoint e = byId.get(id);
            return e != null && e.health().available() ? e : null;
        }

        @Override
        public String toString() {
            return "Snapshot{" + endpoints + ", " + picker + "}";
        }
    }

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

    private LoadBalancer(Strategy strategy, Environment env, LoadSignals signals) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.env = Objects.requireNonNull(env, "env");
        this.signals = Objects.requireNonNull(signals, "signals");
        this.snapshot = new Snapshot(EndpointSet.empty(), Picker.NONE, env.random());
    }

    /** Thread-safe load signals with Finagle's default EWMA decay time. */
    public static LoadBalancer create(Strategy strategy, Environment env) {
        return create(strategy, env, DEFAULT_EWMA_DECAY_NANOS);
    }

    /** Thread-safe load signals with the given EWMA decay time. */
    public static LoadBalancer create(Strategy strategy, Environment env, long ewmaDecayNanos) {
        return new LoadBalancer(strategy, env, LoadSignals.threadSafe(ewmaDecayNanos));
    }

    /** Load signals from {@code signals}, which this load balancer alone should use. */
    public static LoadBalancer create(Strategy strategy, Environment env, LoadSignals signals) {
        return new LoadBalancer(strategy, env, signals);
    }

    /** The endpoints and picker of this moment, published together. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Picks a backend for one request, or null when none is available. Never throws. */
    public Endpoint pick(RequestContext ctx) {
        return snapshot.picker.pick(ctx);
    }

    /** Picks a backend not in {@code tried} (a retry), or null when none is left; see {@link Snapshot#pick(RequestContext, Tried)}. */
    public Endpoint pick(RequestContext ctx, Tried tried) {
        return snapshot.pick(ctx, tried);
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
                    members.put(b.id(), new Member(b, signals.newLoad(now), joinedAt));
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
        snapshot = new Snapshot(set, strategy.newPicker(set), env.random());
    }

    /** The endpoint set of the current picker. */
    public EndpointSet endpoints() {
        return snapshot.endpoints;
    }

    /** The current endpoint of {@code id}, or null. */
    public Endpoint endpoint(String id) {
        return snapshot.endpoint(id);
    }

    /** Where this load balancer's backend loads come from. */
    public LoadSignals signals() {
        return signals;
    }

    public Strategy strategy() {
        return strategy;
    }

    public Environment environment() {
        return env;
    }
}
