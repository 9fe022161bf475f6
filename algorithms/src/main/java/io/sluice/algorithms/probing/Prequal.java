package io.sluice.algorithms.probing;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Prober;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.internal.Endpoints;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
 * RIF. Each pick allocates a few scratch arrays of pool size (16 by default) and nothing else.
 *
 * <p>The pool belongs to the strategy, not to one picker, so that probes survive picker rebuilds
 * (a health change elsewhere in the fleet) and late answers are not lost; each picker uses only
 * probes of the backends it has available. One strategy instance should serve one load balancer:
 * two balancers sharing it would share (and compete for) one pool.
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
    private final ProbePool pool;

    Prequal(Environment env, double probeRate, int poolSize, long maxProbeAgeNanos, int reuseBudget, double rifQuantile) {
        if (!(probeRate >= 0) || Double.isInfinite(probeRate)) {
            throw new IllegalArgumentException("probe rate must be a finite number >= 0, got " + probeRate);
        }
        this.env = env;
        this.probeRate = probeRate;
        this.pool = new ProbePool(poolSize, maxProbeAgeNanos, reuseBudget, rifQuantile);
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

    ProbePool pool() {
        return pool;
    }

    private final class PrequalPicker implements Picker {
        private final Endpoint[] available;
        private final Map<BackendLoad, Endpoint> byLoad;

        PrequalPicker(Endpoint[] available) {
            this.available = available;
            Map<BackendLoad, Endpoint> map = new IdentityHashMap<>(available.length * 2);
            for (Endpoint e : available) {
                map.put(e.load(), e);
            }
            this.byLoad = map; // never written again: safely published through the final field
        }

        @Override
        public Endpoint pick(RequestContext ctx) {
            RandomGenerator random = env.random();
            sendProbes(random);
            Endpoint chosen = pool.select(byLoad, env.nanoTime());
            return chosen != null ? chosen : Endpoints.anyOf(available, random);
        }

        private void sendProbes(RandomGenerator random) {
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
                    probe(e);
                }
                return;
            }
            // Distinct targets by rejection: count < n and count <= 17, so few redraws are needed
            // and no per-pick copy of the backend array is made.
            int[] chosen = new int[count];
            for (int j = 0; j < count; j++) {
                int idx;
                do {
                    idx = random.nextInt(n);
                } while (contains(chosen, j, idx));
                chosen[j] = idx;
                probe(available[idx]);
            }
        }

        private void probe(Endpoint e) {
            Prober prober = env.prober();
            try {
                prober.probe(e, pool, env);
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
}
