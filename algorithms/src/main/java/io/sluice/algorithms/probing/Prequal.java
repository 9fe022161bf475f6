package io.sluice.algorithms.probing;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Prober;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;
import io.sluice.algorithms.internal.Stripes;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.random.RandomGenerator;

/**
 * Prequal, "Probing to Reduce Queuing and Latency" (Wydrowski et al., NSDI 2024): balance on what a
 * request will suffer (requests in flight, latency) learned by asynchronous, reusable probes,
 * rather than on CPU load.
 *
 * <p>Each pick: (1) sends {@code probeRate} probes through {@link Environment#prober()} to
 * backends drawn uniformly without replacement from the available ones. A fractional rate r sends
 * floor(r) probes and one more with probability r - floor(r), so 0.5 means one probe every other
 * pick on average. Answers go into the {@link ProbePool} whenever they come, from whatever thread;
 * a synchronous prober's answers are usable by the very pick that asked. (2) Applies the hot-cold
 * rule of {@link ProbePool} to the pool. (3) With no usable probe (empty pool, every probe expired,
 * spent or of a backend no longer available), falls back to a uniformly random available backend.
 *
 * <p>Weights are ignored, as in the paper: capacity differences show up in the probed latency and
 * RIF.
 *
 * <h2>One pool per thread</h2>
 * In the paper every client keeps its own pool. Here every picking thread does: the strategy
 * holds one {@link ProbePool} per thread stripe ({@link Stripes}), a thread probes into its own
 * pool and picks from it. With one pool shared by all threads, every pick wrote the same slots
 * (three answers placed, one use claimed, by CAS) and two threads picked at 0.44 times the rate
 * of one; with a pool per thread they share nothing but the backends' load counters. The price is
 * that a thread does not see the probes other threads paid for, which is what the paper's separate
 * clients do anyway. A single-threaded caller (the simulator) uses one pool, exactly as before.
 * Answers go to the pool of the thread that sent the probe, whatever thread delivers them.
 *
 * <p>The pools belong to the strategy, not to one picker, so that probes survive picker rebuilds
 * (a health change elsewhere in the fleet) and late answers are not lost; each picker uses only
 * probes of the backends it has available, and recognises the probes it sent itself by one
 * reference comparison (others, sent before a rebuild, by a map lookup). One strategy instance
 * should serve one load balancer: two balancers sharing it would share (and compete for) its pools.
 *
 * <p>With {@link Prober#LOCAL} (nothing better wired in) a probe's answer is this balancer's own
 * view of the backend; the picker then answers it inline, with the pick's one clock reading,
 * instead of through the prober interface and a clock reading per probe.
 *
 * <p>A retry (a picker's {@code pick(ctx, tried)}) passes over probes of tried
 * backends without spending their uses, and falls back to a random untried backend.
 *
 * <p>Not in this implementation: the paper's probes sent when the client has been idle for a while
 * (there are no timers here; the pool simply ages out and picks fall back to random), its periodic
 * removal of the worst probe, and its reuse budget derived from the rates (ours is a parameter).
 *
 * <p>Thread safety: {@link Picker#pick} is lock-free and may run on many threads while answers
 * arrive on others, provided the environment's random source is thread-safe
 * ({@link Environment#system()} is; a {@link Environment#virtual virtual} one is meant for the
 * single-threaded simulator). A prober that throws, despite its contract, loses only that probe.
 */
final class Prequal implements Strategy {
    private final Environment env;
    private final double probeRate;
    private final int poolSize;
    private final long maxProbeAgeNanos;
    private final int reuseBudget;
    private final double rifQuantile;
    /** One pool per thread stripe, made on first use. */
    private final AtomicReferenceArray<ProbePool> pools = new AtomicReferenceArray<>(Stripes.COUNT);

    Prequal(Environment env, double probeRate, int poolSize, long maxProbeAgeNanos, int reuseBudget, double rifQuantile) {
        if (!(probeRate >= 0) || Double.isInfinite(probeRate)) {
            throw new IllegalArgumentException("probe rate must be a finite number >= 0, got " + probeRate);
        }
        this.env = env;
        this.probeRate = probeRate;
        this.poolSize = poolSize;
        this.maxProbeAgeNanos = maxProbeAgeNanos;
        this.reuseBudget = reuseBudget;
        this.rifQuantile = rifQuantile;
        pools.set(0, new ProbePool(poolSize, maxProbeAgeNanos, reuseBudget, rifQuantile)); // validates the values
    }

    @Override
    public String name() {
        return PrequalStrategyProvider.NAME;
    }

    @Override
    public Picker newPicker(EndpointSet endpoints) {
        List<Endpoint> available = endpoints.available();
        if (available.isEmpty()) {
            return Picker.NONE;
        }
        return new PrequalPicker(available.toArray(new Endpoint[0]));
    }

    /** The calling thread's pool. */
    ProbePool pool() {
        return pool(Stripes.ofCurrentThread());
    }

    private ProbePool pool(int stripe) {
        ProbePool p = pools.get(stripe);
        if (p == null) {
            p = new ProbePool(poolSize, maxProbeAgeNanos, reuseBudget, rifQuantile);
            if (!pools.compareAndSet(stripe, null, p)) {
                p = pools.get(stripe);
            }
        }
        return p;
    }

    private final class PrequalPicker implements Picker, ProbePool.Members {
        private final Endpoint[] available;
        private final Map<BackendLoad, Endpoint> byLoad;
        /** Where this picker's probe answers go, per stripe; made on first use (a benign race). */
        private final Sink[] sinks = new Sink[Stripes.COUNT];
        private final boolean local;

        PrequalPicker(Endpoint[] available) {
            this.available = available;
            Map<BackendLoad, Endpoint> map = new IdentityHashMap<>(available.length * 2);
            for (Endpoint e : available) {
                map.put(e.load(), e);
            }
            this.byLoad = map; // never written again: safely published through the final field
            this.local = env.prober() == Prober.LOCAL;
        }

        @Override
        public Endpoint pick(RequestContext ctx) {
            return pick(ctx, Tried.NONE);
        }

        @Override
        public Endpoint pick(RequestContext ctx, Tried tried) {
            RandomGenerator random = env.random();
            int stripe = Stripes.ofCurrentThread();
            ProbePool pool = pool(stripe);
            Sink sink = sinks[stripe];
            if (sink == null) {
                sink = new Sink(pool, available);
                sinks[stripe] = sink;
            }
            long now = local ? env.nanoTime() : 0L;
            sendProbes(random, sink, now);
            Endpoint chosen = pool.select(this, local ? now : env.nanoTime(), tried);
            if (chosen != null) {
                return chosen;
            }
            return tried.isEmpty() ? Endpoints.anyOf(available, random) : Endpoints.anyUntried(available, tried, random);
        }

        /** The available endpoint a probe stands for: its own if this picker sent it, else by lookup. */
        @Override
        public Endpoint of(Probe probe) {
            return probe.owner == available ? probe.endpoint : byLoad.get(probe.load);
        }

        private void sendProbes(RandomGenerator random, Sink sink, long now) {
            int count = (int) probeRate;
            double fraction = probeRate - count;
            if (fraction > 0 && random.nextDouble() < fraction) {
                count++;
            }
            if (count <= 0) {
                return;
            }
            int n = available.length;
            if (count >= n) {
                for (Endpoint e : available) {
                    probe(e, sink, now);
                }
                return;
            }
            // Distinct targets by rejection: count < n and count <= 17, so few redraws are needed.
            // Up to four targets (the default rate is 3) are remembered in locals, more in an array.
            int[] chosen = count <= CHOSEN_INLINE ? null : new int[count];
            int c0 = -1;
            int c1 = -1;
            int c2 = -1;
            int c3 = -1;
            for (int j = 0; j < count; j++) {
                int idx;
                do {
                    idx = random.nextInt(n);
                } while (chosen != null ? contains(chosen, j, idx) : idx == c0 || idx == c1 || idx == c2 || idx == c3);
                if (chosen != null) {
                    chosen[j] = idx;
                } else if (j == 0) {
                    c0 = idx;
                } else if (j == 1) {
                    c1 = idx;
                } else if (j == 2) {
                    c2 = idx;
                } else {
                    c3 = idx;
                }
                probe(available[idx], sink, now);
            }
        }

        private void probe(Endpoint e, Sink sink, long now) {
            if (local) {
                // Prober.LOCAL's answer, given inline at the pick's clock reading.
                BackendLoad load = e.load();
                sink.onProbe(e, load.inFlight(), (long) load.latencyNanos(now), now);
                return;
            }
            try {
                env.prober().probe(e, sink, env);
            } catch (RuntimeException ignored) {
                // The prober broke its never-throw contract; the pick must not. It counts as a lost probe.
            }
        }

        private boolean contains(int[] values, int count, int value) {
            for (int i = 0; i < count; i++) {
                if (values[i] == value) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Distinct probe targets remembered in locals rather than an array. */
    private static final int CHOSEN_INLINE = 4;

    /** Receives the answers to one picker's probes sent from one stripe, into that stripe's pool. */
    private static final class Sink implements Prober.ProbeSink {
        private final ProbePool pool;
        private final Endpoint[] owner;

        Sink(ProbePool pool, Endpoint[] owner) {
            this.pool = pool;
            this.owner = owner;
        }

        @Override
        public void onProbe(Endpoint endpoint, int requestsInFlight, long latencyNanos, long nowNanos) {
            if (endpoint == null) {
                return;
            }
            pool.offer(new Probe(endpoint.load(), endpoint, owner, requestsInFlight, latencyNanos, nowNanos));
        }
    }
}
