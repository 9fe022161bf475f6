package io.sluice.algorithms.probing;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Join-Idle-Queue (Lu, Xie, Kliot, Geller, Larus, Greenberg, "Join-Idle-Queue: A novel load
 * balancing algorithm for dynamically scalable web services", Performance 2011).
 *
 * <p>In the paper, servers that become idle tell a dispatcher by joining its I-queue; a dispatcher
 * sends an arrival to the head of its I-queue if there is one, and to a random server otherwise.
 * Reporting is off the critical path: the dispatcher never polls servers. Here the "server says it
 * is idle" is this balancer's own view: each available backend's {@link BackendLoad} gets an idle
 * listener ({@link BackendLoad#setListener}) that joins it to the queue when its in-flight count
 * falls to zero. A new picker also seeds the queue with the backends idle at build time, in random
 * order so a fleet of proxies built at the same moment does not pile onto the first member.
 *
 * <p>A pick takes entries from the head of the queue, checking each: a backend that is not
 * available in this snapshot, or is busy again (in flight &gt; 0: it got a fallback request since
 * it joined), is dropped; it rejoins when it next goes idle. At most {@value #MAX_TAKES} entries are
 * examined per pick so that a queue of stale hints cannot make one pick slow. Without an idle
 * backend the pick falls back to {@link Fallback#RANDOM} (the paper's rule) or, if configured,
 * {@link Fallback#P2C}: the less loaded, by requests in flight, of two distinct random backends.
 *
 * <p>A retry ({@code pick(ctx, tried)}) takes the longest-idle untried backend and leaves the
 * entries of tried backends in the queue, where the next request finds them; without one it falls
 * back as above among the untried backends.
 *
 * <p>Weights are ignored, as in the paper. A backend taken from the queue is assumed to get the
 * request; if the caller drops it instead, that backend stays out of the queue until a request
 * there ends or the picker is rebuilt, and meanwhile gets only fallback traffic.
 *
 * <p>The queue belongs to the strategy, not to a picker, so rebuilds (health changes, a slow-start
 * ramp) keep what it knows. Every backend has one listener slot: a second join-idle-queue strategy
 * over the same load balancer's backends would take the notifications over.
 *
 * <p>Thread safety: pick is lock-free (a {@link java.util.concurrent.ConcurrentLinkedQueue} poll
 * and a concurrent-set removal) and may run on many threads while requests end on others, provided
 * the environment's random source is thread-safe.
 */
final class JoinIdleQueue implements Strategy {
    /** How the pick chooses when no backend is idle. */
    enum Fallback {
        /** A uniformly random available backend, as in Lu et al. */
        RANDOM,
        /** Power of two choices on requests in flight (Mitzenmacher): fewer piles onto a busy backend. */
        P2C
    }

    static final int MAX_TAKES = 8;

    private final Environment env;
    private final Fallback fallback;
    private final IdleQueue idle = new IdleQueue();
    /** Joins a backend to the queue when its in-flight count falls to zero. */
    private final BackendLoad.Listener joinWhenIdle = (load, inFlight) -> {
        if (inFlight == 0) {
            idle.join(load);
        }
    };

    JoinIdleQueue(Environment env, Fallback fallback) {
        this.env = env;
        this.fallback = fallback;
    }

    @Override
    public String name() {
        return JoinIdleQueueStrategyProvider.NAME;
    }

    @Override
    public Picker newPicker(EndpointSet endpoints) {
        List<Endpoint> available = endpoints.available();
        if (available.isEmpty()) {
            return Picker.NONE;
        }
        Endpoint[] array = available.toArray(new Endpoint[0]);
        Map<BackendLoad, Endpoint> byLoad = new IdentityHashMap<>(array.length * 2);
        List<BackendLoad> idleNow = new ArrayList<>();
        for (Endpoint e : array) {
            BackendLoad load = e.load();
            byLoad.put(load, e);
            load.setListener(joinWhenIdle);
            if (load.inFlight() == 0) {
                idleNow.add(load);
            }
        }
        RandomGenerator random = env.random();
        for (int i = idleNow.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            BackendLoad t = idleNow.get(i);
            idleNow.set(i, idleNow.get(j));
            idleNow.set(j, t);
        }
        for (BackendLoad load : idleNow) {
            idle.join(load);
        }
        return new JoinIdleQueuePicker(array, byLoad);
    }

    IdleQueue idleQueue() {
        return idle;
    }

    private final class JoinIdleQueuePicker implements Picker {
        private final Endpoint[] available;
        private final Map<BackendLoad, Endpoint> byLoad;

        JoinIdleQueuePicker(Endpoint[] available, Map<BackendLoad, Endpoint> byLoad) {
            this.available = available;
            this.byLoad = byLoad; // never written again: safely published through the final field
        }

        @Override
        public Endpoint pick(RequestContext ctx) {
            for (int i = 0; i < MAX_TAKES; i++) {
                BackendLoad load = idle.take();
                if (load == null) {
                    break;
                }
                Endpoint e = byLoad.get(load);
                if (e != null && load.inFlight() == 0) {
                    return e;
                }
            }
            return fallback();
        }

        @Override
        public Endpoint pick(RequestContext ctx, Tried tried) {
            if (tried.isEmpty()) {
                return pick(ctx);
            }
            for (int i = 0; i < MAX_TAKES; i++) {
                BackendLoad load = idle.take(tried);
                if (load == null) {
                    break;
                }
                Endpoint e = byLoad.get(load);
                if (e != null && load.inFlight() == 0) {
                    return e;
                }
            }
            return untriedFallback(tried);
        }

        /** The fallback among the untried: random, or the less loaded of two distinct untried ones. */
        private Endpoint untriedFallback(Tried tried) {
            RandomGenerator random = env.random();
            Endpoint a = Endpoints.anyUntried(available, tried, random);
            if (a == null || fallback == Fallback.RANDOM) {
                return a;
            }
            Endpoint b = Endpoints.anyUntried(available, tried.with(a), random);
            if (b == null) {
                return a;
            }
            return Endpoints.inFlight(b.load()) < Endpoints.inFlight(a.load()) ? b : a;
        }

        private Endpoint fallback() {
            RandomGenerator random = env.random();
            int n = available.length;
            if (n == 1) {
                return available[0];
            }
            int a = random.nextInt(n);
            if (fallback == Fallback.RANDOM) {
                return available[a];
            }
            int b = random.nextInt(n - 1);
            if (b >= a) {
                b++; // distinct second choice, uniform over the other n - 1
            }
            // A negative count (a request ended twice) reads as idle, as in every strategy.
            return Endpoints.inFlight(available[b].load()) < Endpoints.inFlight(available[a].load())
                    ? available[b] : available[a];
        }
    }
}
