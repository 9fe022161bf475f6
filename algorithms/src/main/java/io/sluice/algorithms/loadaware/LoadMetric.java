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
        /** The instant at which a chooser asks for the costs it compares. */
        enum Time {
            /** {@link #cost} ignores its time argument; the chooser passes 0. */
            NONE,
            /** {@link #cost} needs the present: the chooser reads its clock once per pick. */
            CLOCK,
            /**
             * Any common instant at or after every compared endpoint's {@link #sampleNanos} orders
             * them the same way (their costs all decay by one factor as time passes), so the
             * chooser may pass the latest sample time of the endpoints it compares instead of
             * reading its clock. A chooser that cannot may read the clock: the present is at or
             * after every sample, so the order is the same.
             */
            LATEST_SAMPLE
        }

        /**
         * The cost of sending one more request to endpoint {@code i}; lower is better.
         *
         * @param nowNanos the instant {@link #time()} asks for: 0, the pick's clock reading, or
         *                 the latest sample time of the compared endpoints
         * @return a number &gt;= 0, or NaN when this signal has no reading for {@code i} (only a
         *         gauge with a {@link #fallback()} may answer NaN)
         */
        double cost(int i, long nowNanos);

        /** The instant at which {@link #cost} must be read. */
        Time time();

        /** When endpoint {@code i}'s signal last changed by a sample; only for {@link Time#LATEST_SAMPLE}. */
        default long sampleNanos(int i) {
            return 0L;
        }

        /**
         * Whether {@link #orderKey} is defined: a gauge whose costs can be ordered by keys that
         * do not change with time lets the full-scan rule keep its endpoints in a tree instead of
         * scanning them (see {@link LowestCost}).
         */
        default boolean hasOrderKey() {
            return false;
        }

        /**
         * A key of endpoint {@code i} whose order is the order of {@link #cost} at any instant at
         * or after every sample (equal keys for equal costs, up to rounding), and which changes
         * only when the endpoint's own load signals change: a request starts or ends there.
         * Only when {@link #hasOrderKey()}.
         */
        default double orderKey(int i) {
            throw new UnsupportedOperationException(this + " has no order key");
        }

        /**
         * The gauge that decides when this one cannot: when either of two compared endpoints has
         * no reading (NaN), or when their costs are equal. Null when there is none, in which case
         * ties go to the chooser's own rule. Must not itself have a fallback, and reads time the
         * same way as this gauge or not at all.
         */
        default Gauge fallback() {
            return null;
        }
    }
}
