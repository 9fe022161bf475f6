package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Endpoint;

import java.util.List;

/**
 * A load signal: how costly one more request on an endpoint looks. It is one half of a load-aware
 * strategy; the other half, the {@link Chooser}, decides which endpoints to compare and how to
 * break ties. Stateless and immutable; the live state lives in each endpoint's
 * {@link io.sluice.algorithms.BackendLoad}.
 */
interface LoadMetric {
    /**
     * Attaches this metric to one picker snapshot (picker build time, never the pick path), so
     * that per-endpoint constants such as inverse weights are computed once.
     *
     * @param endpoints the snapshot's endpoints, at least one; index {@code i} of the gauge is
     *                  {@code endpoints.get(i)}
     */
    Gauge gauge(List<Endpoint> endpoints);

    /**
     * A load metric attached to one snapshot: reads the live cost of endpoint {@code i}. Lock-free
     * and read-only, safe from any number of threads.
     */
    interface Gauge {
        /**
         * The cost of sending one more request to endpoint {@code i}; lower is better.
         *
         * @param nowNanos the pick's one clock reading, or 0 when {@link #readsClock()} is false
         * @return a number &gt;= 0, or NaN when this signal has no reading for {@code i} (only a
         *         gauge with a {@link #fallback()} may answer NaN)
         */
        double cost(int i, long nowNanos);

        /** False when {@link #cost} ignores its time argument, so the picker need not read the clock. */
        boolean readsClock();

        /**
         * The gauge that decides when this one cannot: when either of two compared endpoints has
         * no reading (NaN), or when their costs are equal. Null when there is none, in which case
         * ties go to the chooser's own rule. Must not itself have a fallback.
         */
        default Gauge fallback() {
            return null;
        }
    }
}
