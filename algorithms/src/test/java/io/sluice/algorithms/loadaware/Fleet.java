package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test fleet of endpoints {@code b0, b1, ...} with given weights, a virtual clock the test
 * advances by hand, a seeded environment, and a count of clock reads. Load is set directly on each
 * endpoint's {@link BackendLoad}.
 */
final class Fleet {
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong clockReads = new AtomicLong();
    final Environment env;
    final List<Endpoint> endpoints;

    Fleet(long seed, int... weights) {
        this.env = Environment.virtual(() -> {
            clockReads.incrementAndGet();
            return clock.get();
        }, seed);
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(Endpoint.healthy(Backend.of("b" + i, "10.0.0." + i + ":80", weights[i]), env));
        }
        this.endpoints = List.copyOf(list);
    }

    /** A fleet of {@code n} endpoints of weight 1. */
    static Fleet ofEqual(long seed, int n) {
        int[] w = new int[n];
        java.util.Arrays.fill(w, 1);
        return new Fleet(seed, w);
    }

    BackendLoad load(int i) {
        return endpoints.get(i).load();
    }

    /** Starts {@code k} requests on endpoint {@code i} that do not end. */
    Fleet inFlight(int i, int k) {
        for (int j = 0; j < k; j++) {
            load(i).onRequestStart();
        }
        return this;
    }

    /** Records one completed request of latency {@code latencyNanos} on endpoint {@code i}, now. */
    Fleet latency(int i, long latencyNanos) {
        load(i).onRequestStart();
        load(i).onRequestEnd(now(), latencyNanos, true);
        return this;
    }

    long now() {
        return clock.get();
    }

    void advance(long nanos) {
        clock.addAndGet(nanos);
    }

    long clockReads() {
        return clockReads.get();
    }

    /** A picker of the named strategy over every endpoint of the fleet. */
    Picker picker(String strategy, Map<String, ?> params) {
        return picker(strategy, params, EndpointSet.of(endpoints));
    }

    Picker picker(String strategy, Map<String, ?> params, EndpointSet set) {
        return StrategyRegistry.standard().create(strategy, params, env).newPicker(set);
    }

    /** The set in which endpoint {@code i} is {@code health} and the others healthy. */
    EndpointSet withHealth(int i, HealthState health) {
        List<Endpoint> list = new ArrayList<>(endpoints);
        list.set(i, list.get(i).withHealth(health, now()));
        return EndpointSet.of(list);
    }

    /** How many of {@code picks} picks went to each endpoint, by index. */
    long[] counts(Picker picker, int picks) {
        long[] counts = new long[endpoints.size()];
        for (int p = 0; p < picks; p++) {
            Endpoint e = picker.pick(RequestContext.NONE);
            counts[endpoints.indexOf(byId(e.id()))]++;
        }
        return counts;
    }

    private Endpoint byId(String id) {
        for (Endpoint e : endpoints) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        throw new AssertionError("picked an endpoint not in the fleet: " + id);
    }

    /** Five standard deviations of a binomial count: the half-width of a band a correct picker leaves 1 time in 1.7 million. */
    static double fiveSigma(int picks, double p) {
        return 5 * Math.sqrt(picks * p * (1 - p));
    }
}
