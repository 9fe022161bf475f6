package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;
import io.sluice.algorithms.internal.LowestKeyIndex;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The "cheapest of them all" selection rule: every pick takes the endpoint of lowest cost; among
 * equally cheap ones it takes one uniformly at random. NGINX Plus's {@code least_time} scans its
 * upstream for this on every request; here a scan is the fallback, not the rule's cost.
 *
 * <h2>Incremental, when the gauge allows</h2>
 * A gauge with an {@link LoadMetric.Gauge#orderKey order key} (peak EWMA: the cost's logarithm
 * without its common time term) orders its endpoints by keys that change only when an endpoint's
 * own load does. The picker then keeps them in a {@link LowestKeyIndex}, updated on every request
 * start and end, and a pick is one descent of the tree: O(log N), no clock read, no
 * {@code Math.exp} (the scan it replaces read every backend's EWMA and decayed it, one exponential
 * each: about 23 us at 1000 backends). The answer is the scan's, exactly: the lowest cost now,
 * ties uniformly at random. The cost moves to the data path: O(log N) and a logarithm per request
 * start and end.
 *
 * <p>Without an order key (or while the tree is not listening, see {@link LowestKeyIndex}) the
 * picker scans: every cost read at one clock reading, the random tie-break by reservoir sampling
 * over the tied endpoints (the k-th endpoint found at the current minimum replaces the choice with
 * probability 1/k, which leaves each of the m tied endpoints chosen with probability exactly 1/m).
 *
 * <p>Gauges with a fallback are refused: a full scan has no pairwise comparison for a fallback to
 * settle.
 *
 * <p>One instance per strategy: its trees share one {@link LowestKeyIndex.Owner}.
 */
final class LowestCost implements Chooser {
    private final LowestKeyIndex.Owner owner = new LowestKeyIndex.Owner();

    LowestCost() {
    }

    @Override
    public Picker picker(List<Endpoint> endpoints, LoadMetric.Gauge gauge, Environment env) {
        if (gauge.fallback() != null) {
            throw new IllegalArgumentException("a full scan compares one cost per endpoint; " + gauge
                    + " has a fallback, which needs a pairwise chooser");
        }
        return new LowestCostPicker(endpoints.toArray(new Endpoint[0]), gauge, env, owner);
    }

    @Override
    public String toString() {
        return "lowest cost";
    }

    private static final class LowestCostPicker implements Picker {
        private final Endpoint[] endpoints;
        private final LoadMetric.Gauge gauge;
        private final boolean readsClock;
        private final LongSupplier clock;
        private final RandomGenerator random;
        /** Null when the gauge has no order key. */
        private final LowestKeyIndex index;

        LowestCostPicker(Endpoint[] endpoints, LoadMetric.Gauge gauge, Environment env, LowestKeyIndex.Owner owner) {
            this.endpoints = endpoints;
            this.gauge = gauge;
            // The latest sample of n endpoints is not worth a pass of its own: the present orders them the same.
            this.readsClock = gauge.time() != LoadMetric.Gauge.Time.NONE;
            this.clock = env.clock();
            this.random = env.random();
            if (gauge.hasOrderKey()) {
                BackendLoad[] loads = new BackendLoad[endpoints.length];
                for (int i = 0; i < loads.length; i++) {
                    loads[i] = endpoints[i].load();
                }
                this.index = new LowestKeyIndex(owner, loads, gauge::orderKey);
            } else {
                this.index = null;
            }
        }

        @Override
        public Endpoint pick(RequestContext ctx) {
            if (index != null && index.ready()) {
                int i = index.lowest(random);
                if (i >= 0) {
                    return endpoints[i];
                }
            }
            return endpoints[scan(Tried.NONE)];
        }

        @Override
        public Endpoint pick(RequestContext ctx, Tried tried) {
            if (tried.isEmpty()) {
                return pick(ctx);
            }
            if (Endpoints.allTried(endpoints, tried)) {
                return null;
            }
            if (index != null && index.ready()) {
                int i = index.lowest(random, tried);
                if (i >= 0) {
                    return endpoints[i];
                }
            }
            int i = scan(tried);
            return i < 0 ? null : endpoints[i];
        }

        /** The scan: lowest cost now, ties by reservoir sampling; -1 when every endpoint was tried. */
        private int scan(Tried tried) {
            long now = readsClock ? clock.getAsLong() : 0L;
            int best = -1;
            double bestCost = Double.POSITIVE_INFINITY;
            int tied = 0;
            for (int i = 0; i < endpoints.length; i++) {
                if (!tried.isEmpty() && tried.contains(endpoints[i])) {
                    continue;
                }
                double cost = gauge.cost(i, now);
                if (best < 0 || cost < bestCost) {
                    best = i;
                    bestCost = cost;
                    tied = 1;
                } else if (cost == bestCost && random.nextInt(++tied) == 0) {
                    best = i;
                }
            }
            return best;
        }

        @Override
        public String toString() {
            return "LowestCost{n=" + endpoints.length + (index != null ? ", tree" : ", scan") + "}";
        }
    }
}
