package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyRegistry;

import java.util.ArrayList;
import java.util.List;

/** Endpoint sets and pick sequences for the strategy tests. */
final class Fleet {
    private Fleet() {
    }

    /** Healthy weight-1 endpoints with the given ids. */
    static List<Endpoint> endpoints(Environment env, String... ids) {
        List<Endpoint> list = new ArrayList<>();
        for (String id : ids) {
            list.add(Endpoint.healthy(Backend.of(id, id + ":80"), env));
        }
        return list;
    }

    /** Healthy endpoints b0, b1, ... with the given effective weights. */
    static List<Endpoint> weighted(Environment env, double... weights) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            Endpoint e = Endpoint.healthy(Backend.of("b" + i, "b" + i + ":80"), env);
            list.add(e.withWeight(weights[i]));
        }
        return list;
    }

    /** Healthy endpoints b0, b1, ... with the given configured weights. */
    static List<Endpoint> weighted(Environment env, int... weights) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(Endpoint.healthy(Backend.of("b" + i, "b" + i + ":80", weights[i]), env));
        }
        return list;
    }

    static Strategy strategy(String name, Environment env) {
        return StrategyRegistry.standard().create(name, env);
    }

    static Picker picker(String name, Environment env, List<Endpoint> endpoints) {
        return strategy(name, env).newPicker(EndpointSet.of(endpoints));
    }

    /** The ids of {@code count} picks. */
    static List<String> ids(Picker picker, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(picker.pick(RequestContext.NONE).id());
        }
        return ids;
    }

    /** How often each of {@code endpoints} was picked in {@code count} picks, by list position. */
    static long[] counts(Picker picker, List<Endpoint> endpoints, int count) {
        long[] counts = new long[endpoints.size()];
        for (int i = 0; i < count; i++) {
            counts[endpoints.indexOf(picker.pick(RequestContext.NONE))]++;
        }
        return counts;
    }

    static Environment seeded(long seed) {
        return Environment.virtual(() -> 0L, seed);
    }
}
