package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.internal.Endpoints;

import java.util.List;

/**
 * Server-reported utilisation, falling back to the client's own in-flight count when a report is
 * missing or stale. Composed with {@link PowerOfChoices#twoDistinct()} it is
 * {@code p2c-utilisation}, after Netflix's edge ("Rethinking Netflix's Edge Load Balancing",
 * Netflix Technology Blog, 2018: choice-of-2, a server's own view of its utilisation combined
 * with the client's view of its in-flight requests, and server data aged out so that it cannot
 * mislead for long).
 *
 * <h2>How the two signals are compared</h2>
 * A report is <em>fresh</em> when one exists ({@link BackendLoad#utilisation()} is not NaN) and
 * it is at most {@code staleAfter} old at the pick. Between two candidates:
 * <ol>
 *   <li>both fresh: the lower utilisation wins;</li>
 *   <li>both fresh and equal, or at least one not fresh: the lower {@code (inFlight + 1) / weight}
 *       wins;</li>
 *   <li>still equal: the first drawn.</li>
 * </ol>
 * The two signals are never mixed in one comparison: utilisation is a fraction of the server's
 * capacity and in-flight a count of requests, and no exchange rate between them holds for every
 * service. When one candidate has no fresh report both are compared on the one signal both have.
 * Utilisation is not divided by weight: it is already relative to the server's own capacity
 * (a bigger server reports less for the same traffic). Worked example, stale-after 5 s: A reported
 * 0.3 two seconds ago, B 0.7 one second ago: A wins. Four seconds later A's report is 6 s old:
 * now whichever of A and B has fewer requests in flight wins, whatever they reported.
 *
 * <p>Reading a report is racy by design: value and stamp are two volatile fields, and a pick that
 * reads between the two writes of a new report pairs the new value with the old stamp or the
 * reverse, which at worst misjudges freshness once by one report interval.
 */
final class ReportedUtilisation implements LoadMetric {
    private final long staleAfterNanos;

    /** @param staleAfterNanos the age beyond which a report is ignored, &gt;= 0 */
    ReportedUtilisation(long staleAfterNanos) {
        if (staleAfterNanos < 0) {
            throw new IllegalArgumentException("stale-after must be >= 0 ns, got " + staleAfterNanos);
        }
        this.staleAfterNanos = staleAfterNanos;
    }

    @Override
    public Gauge gauge(List<Endpoint> endpoints) {
        int n = endpoints.size();
        BackendLoad[] loads = new BackendLoad[n];
        double[] inverseWeight = new double[n];
        for (int i = 0; i < n; i++) {
            loads[i] = endpoints.get(i).load();
            inverseWeight[i] = 1 / endpoints.get(i).weight();
        }
        return new UtilisationGauge(loads, staleAfterNanos, new InFlightPerWeight(loads, inverseWeight));
    }

    @Override
    public String toString() {
        return "reported utilisation (stale after " + staleAfterNanos + " ns)";
    }

    private static final class UtilisationGauge implements Gauge {
        private final BackendLoad[] loads;
        private final long staleAfterNanos;
        private final Gauge fallback;

        UtilisationGauge(BackendLoad[] loads, long staleAfterNanos, Gauge fallback) {
            this.loads = loads;
            this.staleAfterNanos = staleAfterNanos;
            this.fallback = fallback;
        }

        @Override
        public double cost(int i, long nowNanos) {
            BackendLoad load = loads[i];
            double utilisation = load.utilisation();
            // A NaN utilisation (never reported) passes through as "no reading"; so does a stale one.
            // The age is a difference of nanoTime readings, meaningful across wrap-around.
            return nowNanos - load.utilisationStampNanos() > staleAfterNanos ? Double.NaN : utilisation;
        }

        @Override
        public Time time() {
            return Time.CLOCK;
        }

        @Override
        public Gauge fallback() {
            return fallback;
        }

        @Override
        public String toString() {
            return "reported utilisation, else in flight";
        }
    }

    /** The client-side signal: requests in flight plus this one, per unit of weight. */
    private static final class InFlightPerWeight implements Gauge {
        private final BackendLoad[] loads;
        private final double[] inverseWeight;

        InFlightPerWeight(BackendLoad[] loads, double[] inverseWeight) {
            this.loads = loads;
            this.inverseWeight = inverseWeight;
        }

        @Override
        public double cost(int i, long nowNanos) {
            return (Endpoints.inFlight(loads[i]) + 1) * inverseWeight[i];
        }

        @Override
        public Time time() {
            return Time.NONE;
        }

        @Override
        public String toString() {
            return "(in flight + 1) / weight";
        }
    }
}
