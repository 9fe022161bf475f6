package io.sluice.algorithms.hashing;

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
import java.util.Map;

/** Backend sets, keys and strategies for the hashing tests. */
final class Clusters {
    static final List<String> STRATEGIES = List.of(
            RingHashProvider.NAME, MaglevProvider.NAME, RendezvousProvider.NAME, JumpHashProvider.NAME,
            BoundedLoadProvider.NAME);

    private Clusters() {
    }

    /** A seeded virtual environment on a clock stuck at 0. */
    static Environment env(long seed) {
        return Environment.virtual(() -> 0L, seed);
    }

    static Strategy strategy(String name, Environment env) {
        return StrategyRegistry.standard().create(name, env);
    }

    static Strategy strategy(String name, Map<String, ?> params, Environment env) {
        return StrategyRegistry.standard().create(name, params, env);
    }

    static Endpoint endpoint(String id, double weight, Environment env) {
        Endpoint e = Endpoint.healthy(Backend.of(id, id + ":80"), env);
        return weight == 1 ? e : e.withWeight(weight);
    }

    /** {@code n} weight-1 endpoints {@code prefix-1000, prefix-1001, ...}: ids that sort in index order. */
    static List<Endpoint> equal(String prefix, int n, Environment env) {
        List<Endpoint> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(endpoint(id(prefix, i), 1, env));
        }
        return list;
    }

    /** Endpoints {@code prefix-1000...} with the given weights. */
    static List<Endpoint> weighted(String prefix, int[] weights, Environment env) {
        List<Endpoint> list = new ArrayList<>(weights.length);
        for (int i = 0; i < weights.length; i++) {
            list.add(endpoint(id(prefix, i), weights[i], env));
        }
        return list;
    }

    static String id(String prefix, int i) {
        return prefix + "-" + (1000 + i);
    }

    static Picker picker(Strategy s, List<Endpoint> endpoints) {
        return s.newPicker(EndpointSet.allAvailable(endpoints));
    }

    /** Keys {@code key-0 .. key-(n-1)}, hashed once. */
    static RequestContext[] keys(int n) {
        RequestContext[] keys = new RequestContext[n];
        for (int i = 0; i < n; i++) {
            keys[i] = RequestContext.ofKey("key-" + i);
        }
        return keys;
    }

    /** The id each key maps to. */
    static String[] assign(Picker p, RequestContext[] keys) {
        String[] ids = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            ids[i] = p.pick(keys[i]).id();
        }
        return ids;
    }
}
