package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The "scan them all" selection rule: every pick reads the cost of every endpoint and takes the
 * cheapest; among equally cheap ones it takes one uniformly at random. O(n) per pick, so meant
 * for clusters of tens of backends (NGINX Plus's {@code least_time} scans its upstream the same
 * way); the power-of-choices rule is the one that scales.
 *
 * <p>The random tie-break is reservoir sampling over the tied endpoints: the k-th endpoint found
 * at the current minimum replaces the choice with probability 1/k, which leaves each of the m
 * tied endpoints chosen with probability exactly 1/m. (Starting the scan at a random offset would
 * be cheaper but not uniform: of two neighbouring tied endpoints the second would win only when
 * the scan starts exactly on it.) A random draw is spent only on ties.
 *
 * <p>Gauges with a fallback are refused: a full scan has no pairwise comparison for a fallback to
 * settle.
 */
final class FullScan implements Chooser {
    static final FullScan INSTANCE = new FullScan();

    private FullScan() {
    }

    @Override
    public Picker picker(List<Endpoint> endpoints, LoadMetric.Gauge gauge, Environment env) {
        if (gauge.fallback() != null) {
            throw new IllegalArgumentException("a full scan compares one cost per endpoint; " + gauge
                    + " has a fallback, which needs a pairwise chooser");
        }
        return new ScanPicker(endpoints.toArray(new Endpoint[0]), gauge, env);
    }

    @Override
    public String toString() {
        return "full scan";
    }

    private static final class ScanPicker implements Picker {
        private final Endpoint[] endpoints;
        private final LoadMetric.Gauge gauge;
        private final boolean readsClock;
        private final LongSupplier clock;
        private final RandomGenerator random;

        ScanPicker(Endpoint[] endpoints, LoadMetric.Gauge gauge, Environment env) {
            this.endpoints = endpoints;
            this.gauge = gauge;
            // The latest sample of n endpoints is not worth a pass of its own: the present orders them the same.
            this.readsClock = gauge.time() != LoadMetric.Gauge.Time.NONE;
            this.clock = env.clock();
            this.random = env.random();
        }

        @Override
        public Endpoint pick(RequestContext ctx) {
            long now = readsClock ? clock.getAsLong() : 0L;
            int best = 0;
            double bestCost = gauge.cost(0, now);
            int tied = 1;
            for (int i = 1; i < endpoints.length; i++) {
                double cost = gauge.cost(i, now);
                if (cost < bestCost) {
                    best = i;
                    bestCost = cost;
                    tied = 1;
                } else if (cost == bestCost && random.nextInt(++tied) == 0) {
                    best = i;
                }
            }
            return endpoints[best];
        }

        @Override
        public String toString() {
            return "FullScan{n=" + endpoints.length + "}";
        }
    }
}
