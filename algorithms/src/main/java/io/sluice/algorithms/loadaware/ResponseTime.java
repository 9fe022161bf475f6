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
 *   cost = ewma(now) * (inFlight + 1) / weight,   and 0 for a backend with no latency sample yet
 * </pre>
 * Worked example: A (weight 1) averages 10 ms with 3 in flight, B (weight 2) 30 ms with 1:
 * A costs 40 ms, B 30 ms: B wins despite being slower, because it has room.
 *
 * <p>The average is the backend's {@link PeakEwma}, the only latency average a
 * {@link BackendLoad} keeps, so a slow response raises the cost at once and fast ones lower it
 * gradually.
 *
 * <p>An unmeasured backend costs 0 whatever it has in flight, so it is tried. With a full scan
 * that means a new backend takes <em>every</em> request until its first response returns (tied
 * unmeasured backends share them); a burst of the arrival rate times its first response time.
 * That is the price of trying it at once; {@link PeakEwmaLoad} instead penalises an unmeasured
 * backend as soon as it has a request out.
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
            // An unmeasured backend has latency 0 and so costs 0.
            return latency * (ActiveRequests.inFlight(loads[i]) + 1) * inverseWeight[i];
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
