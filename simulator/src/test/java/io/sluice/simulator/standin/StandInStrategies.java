package io.sluice.simulator.standin;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * TEST-ONLY stand-ins for strategies other helpers are writing (random, round-robin,
 * p2c-least-request), so the simulator's validation tests can run before those are merged. The
 * providers in this package register them under names prefixed {@code test-}; the lead switches
 * the tests to the real names after merging. Minimal on purpose: no weights, no edge-case polish.
 */
final class StandInStrategies {
    private StandInStrategies() {
    }

    static Strategy of(String name, Function<List<Endpoint>, Picker> pickerOf) {
        return new Strategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Picker newPicker(EndpointSet endpoints) {
                List<Endpoint> available = endpoints.available();
                return available.isEmpty() ? Picker.NONE : pickerOf.apply(available);
            }
        };
    }

    /** Uniform over the available endpoints. */
    static Strategy random(Environment env) {
        RandomGenerator random = env.random();
        return of("test-random", list -> ctx -> list.get(random.nextInt(list.size())));
    }

    /** Cyclic order over the available endpoints, starting at the first. */
    static Strategy roundRobin() {
        return of("test-round-robin", list -> {
            AtomicInteger cursor = new AtomicInteger();
            return ctx -> list.get((cursor.getAndIncrement() & Integer.MAX_VALUE) % list.size());
        });
    }

    /**
     * Power of d choices: d endpoints drawn uniformly with replacement, the one with the fewest
     * requests in flight (this load balancer's own count) wins, ties to the earlier draw: the
     * supermarket model of Mitzenmacher (2001) and Vvedenskaya et al. (1996).
     */
    static Strategy powerOfD(Environment env, int d) {
        RandomGenerator random = env.random();
        return of("test-power-of-d", list -> ctx -> {
            Endpoint best = list.get(random.nextInt(list.size()));
            int bestLoad = best.load().inFlight();
            for (int i = 1; i < d; i++) {
                Endpoint e = list.get(random.nextInt(list.size()));
                int load = e.load().inFlight();
                if (load < bestLoad) {
                    best = e;
                    bestLoad = load;
                }
            }
            return best;
        });
    }

    /** keyHash mod n over the available endpoints; requests without a key go to a random one. */
    static Strategy modHash(Environment env) {
        RandomGenerator random = env.random();
        return of("test-mod-hash", list -> ctx -> ctx.hasKey()
                ? list.get((int) Long.remainderUnsigned(ctx.keyHash(), list.size()))
                : list.get(random.nextInt(list.size())));
    }

    /** The endpoint with the lowest server-reported utilisation (unreported counts as 0), ties to the first. */
    static Strategy leastUtilisation() {
        return of("test-least-utilisation", list -> ctx -> {
            Endpoint best = null;
            double bestU = Double.POSITIVE_INFINITY;
            for (Endpoint e : list) {
                double u = e.load().utilisation();
                u = Double.isNaN(u) ? 0 : u;
                if (u < bestU) {
                    best = e;
                    bestU = u;
                }
            }
            return best;
        });
    }

    /**
     * Probes one random endpoint per pick through the environment's prober and sends to the endpoint
     * with the lowest in-flight count any probe has reported so far (unprobed ones count as 0, ties
     * to the first): enough to exercise a prober that answers later, in virtual time.
     */
    static Strategy probing(Environment env) {
        RandomGenerator random = env.random();
        java.util.Map<String, Integer> reported = new java.util.HashMap<>();
        return of("test-probing", list -> ctx -> {
            Endpoint target = list.get(random.nextInt(list.size()));
            env.prober().probe(target, (e, inFlight, latency, now) -> reported.put(e.id(), inFlight), env);
            Endpoint best = null;
            int bestLoad = Integer.MAX_VALUE;
            for (Endpoint e : list) {
                int load = reported.getOrDefault(e.id(), 0);
                if (load < bestLoad) {
                    best = e;
                    bestLoad = load;
                }
            }
            return best;
        });
    }
}
