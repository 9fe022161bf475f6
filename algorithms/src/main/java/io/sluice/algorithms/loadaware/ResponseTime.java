package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.PeakEwma;

import java.util.List;

/**
 * The response-time load signal of {@code response-time-weighted}, after NGINX Plus's
 * {@code least_time}: the backend's latency average times the requests that would be in flight
 * with this one, per unit of weight.
 *
 * <pre>
 *   cost = ewma(now) * (inFlight + 1) / weight     measured backend
 *   cost = 0                                       no sample, nothing in flight (try it)
 *   cost = (PENALTY + inFlight) / weight           no sample, requests in flight
 * </pre>
 * Worked example: A (weight 1) averages 10 ms with 3 in flight, B (weight 2) 30 ms with 1:
 * A costs 40 ms, B 30 ms: B wins despite being slower, because it has room.
 *
 * <p>The average is the backend's {@link PeakEwma}, the only latency average a
 * {@link BackendLoad} keeps, so a slow response raises the cost at once and fast ones lower it
 * gradually.
 *
 * <p>An idle unmeasured backend costs 0, so it is tried at once; as soon as it has a request out
 * it takes Finagle's penalty ({@link PeakEwmaLoad#PENALTY}), as in {@code p2c-peak-ewma}. Without
 * the penalty a full scan would hand a new backend <em>every</em> request until its first answer
 * returned: a burst of the arrival rate times its first response time, on an unknown backend.
 */
final class ResponseTime implements LoadMetric {
    static final ResponseTime INSTANCE = new ResponseTime();

    private ResponseTime() {
    }

    @Override
    public Gauge gauge(List<Endpoint> endpoints) {
        int n = endpoints.size();
        BackendLoad[] loads = new BackendLoad[n];
        PeakEwma[] latencies = new PeakEwma[n];
        double[] inverseWeight = new double[n];
        for (int i = 0; i < n; i++) {
            Endpoint e = endpoints.get(i);
            loads[i] = e.load();
            latencies[i] = e.load().latency();
            inverseWeight[i] = 1 / e.weight();
        }
        return new ResponseTimeGauge(loads, latencies, inverseWeight);
    }

    @Override
    public String toString() {
        return "response time";
    }

    private static final class ResponseTimeGauge implements Gauge {
        private final BackendLoad[] loads;
        private final PeakEwma[] latencies;
        private final double[] inverseWeight;

        ResponseTimeGauge(BackendLoad[] loads, PeakEwma[] latencies, double[] inverseWeight) {
            this.loads = loads;
            this.latencies = latencies;
            this.inverseWeight = inverseWeight;
        }

        @Override
        public double cost(int i, long nowNanos) {
            double latency = latencies[i].costNanos(nowNanos);
            double inFlight = ActiveRequests.inFlight(loads[i]);
            if (latency == 0) {
                return inFlight == 0 ? 0 : (PeakEwmaLoad.PENALTY + inFlight) * inverseWeight[i];
            }
            return latency * (inFlight + 1) * inverseWeight[i];
        }

        @Override
        public Time time() {
            return Time.LATEST_SAMPLE;
        }

        @Override
        public long sampleNanos(int i) {
            return latencies[i].stampNanos();
        }

        @Override
        public String toString() {
            return "EWMA latency x (in flight + 1) / weight";
        }
    }
}
