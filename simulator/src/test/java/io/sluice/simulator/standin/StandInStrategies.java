package io.sluice.simulator.standin;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * TEST-ONLY strategies for engine tests that need a behaviour no real strategy has. The tests use
 * the registered strategies everywhere else. Minimal on purpose: no weights, no edge-case polish.
 */
final class StandInStrategies {
    private StandInStrategies() {
    }

    /**
     * Probes one random endpoint per pick through the environment's prober and sends to the endpoint
     * with the lowest in-flight count any probe has reported so far (unprobed ones count as 0, ties
     * to the first): exactly one probe per pick, so a test can count the prober's answers against
     * the requests (Prequal's probe rate is a fraction per request and its pool ages probes out).
     */
    static Strategy probing(Environment env) {
        RandomGenerator random = env.random();
        Map<String, Integer> reported = new HashMap<>();
        return new Strategy() {
            @Override
            public String name() {
                return "test-probing";
            }

            @Override
            public Picker newPicker(EndpointSet endpoints) {
                List<Endpoint> list = endpoints.available();
                if (list.isEmpty()) {
                    return Picker.NONE;
                }
                return ctx -> {
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
                };
            }
        };
    }
}
