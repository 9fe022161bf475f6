package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.PeakEwma;
import io.sluice.algorithms.internal.Endpoints;

import java.util.List;

/**
 * Finagle's and Linkerd's peak-EWMA load signal: the expected wait for one more request, i.e. the
 * peak-sensitive latency average ({@link PeakEwma}) times the requests that would then be in
 * flight, divided by the weight. Composed with {@link PowerOfChoices#twoDistinct()} it is
 * {@code p2c-peak-ewma} (Finagle's {@code P2CPeakEwma}); with {@link LowestCost} it is
 * {@code response-time-weighted} (NGINX Plus's {@code least_time}).
 *
 * <pre>
 *   cost = ewma(now) * (inFlight + 1) / weight          when the backend has a latency sample
 *   cost = 0                                            no sample, nothing in flight
 *   cost = (PENALTY + inFlight) / weight                no sample, requests in flight
 * </pre>
 * Worked example: A has an EWMA of 20 ms and 1 in flight, B 50 ms and none: A costs 40 ms, B
 * 50 ms, A wins. A third request to A would cost 60 ms, and B would win.
 *
 * <p>The last two rows are Finagle's treatment of a backend it knows nothing about. One it has
 * never sent anything costs 0, so it is tried at once. One whose first requests are out but
 * unanswered might be hanging: it costs {@link #PENALTY}, Finagle's constant
 * {@code Long.MaxValue >> 16} ns (about 39 hours), more than any measured latency times any
 * plausible in-flight count, so it loses every comparison against a measured backend until its
 * first answer arrives; adding the in-flight count still orders two such backends.
 *
 * <p>"No sample" means the decayed EWMA reads exactly 0, as in Finagle: a backend last measured
 * so long ago that its EWMA has underflowed (about 745 decay times) counts as unmeasured again.
 *
 * <p>Time: every EWMA of one load balancer shares one decay time tau, so between two instants
 * at or after their last samples all of them shrink by the same factor and their order does not
 * change. The gauge therefore asks to be read at the latest sample time of the endpoints compared
 * ({@link Gauge.Time#LATEST_SAMPLE}) rather than now: no clock read on the pick path, and of two
 * candidates the later-sampled one needs no decay at all while the other decays over the gap
 * between their samples, which under load is short enough for {@link PeakEwma}'s polynomial
 * instead of {@code Math.exp}. Worked example, tau 10 s: A sampled 100 ms at t = 0, B 30 ms at
 * t = 3 s. Read at 3 s: A 100 e^-0.3 = 74 ms against B 30 ms. Read now, at 30 s: A 5.0 ms against
 * B 2.0 ms. B wins either way. (Endpoints whose EWMAs have different taus, which one load
 * balancer never builds, would be ordered as of that latest sample rather than now.)
 */
final class PeakEwmaLoad implements LoadMetric {
    /** Finagle's cost of an unmeasured backend with requests in flight: {@code Long.MAX_VALUE >> 16} ns. */
    static final double PENALTY = Long.MAX_VALUE >> 16;

    static final PeakEwmaLoad INSTANCE = new PeakEwmaLoad();

    /** {@code ln(k + 1)} for the in-flight counts a backend usually has, so an update skips a logarithm. */
    private static final double[] LOG_ONE_PLUS = new double[1024];

    static {
        for (int k = 0; k < LOG_ONE_PLUS.length; k++) {
            LOG_ONE_PLUS[k] = Math.log(k + 1);
        }
    }

    static double logOnePlus(int k) {
        return k < LOG_ONE_PLUS.length ? LOG_ONE_PLUS[k] : Math.log(k + 1.0);
    }

    private PeakEwmaLoad() {
    }

    @Override
    public Gauge gauge(List<Endpoint> endpoints) {
        int n = endpoints.size();
        BackendLoad[] loads = new BackendLoad[n];
        double[] inverseWeight = new double[n];
        for (int i = 0; i < n; i++) {
            Endpoint e = endpoints.get(i);
            loads[i] = e.load();
            inverseWeight[i] = 1 / e.weight();
        }
        return new PeakEwmaGauge(loads, inverseWeight);
    }

    @Override
    public String toString() {
        return "peak EWMA";
    }

    private static final class PeakEwmaGauge implements Gauge {
        private final BackendLoad[] loads;
        private final double[] inverseWeight;

        /** {@code ln(1/w)} per endpoint, for the order key. */
        private final double[] logInverseWeight;
        /** The common decay time, or NaN when the loads do not share one (no order key then). */
        private final double tau;
        /** The stamp the order keys count time from, so the time term stays small. */
        private final long base;

        PeakEwmaGauge(BackendLoad[] loads, double[] inverseWeight) {
            this.loads = loads;
            this.inverseWeight = inverseWeight;
            this.logInverseWeight = new double[loads.length];
            for (int i = 0; i < loads.length; i++) {
                logInverseWeight[i] = Math.log(inverseWeight[i]);
            }
            double common = loads.length == 0 ? Double.NaN : loads[0].latencyDecayNanos();
            for (BackendLoad l : loads) {
                if (l.latencyDecayNanos() != common) {
                    common = Double.NaN;
                }
            }
            this.tau = common;
            this.base = loads.length == 0 ? 0 : loads[0].latencyStampNanos();
        }

        @Override
        public double cost(int i, long nowNanos) {
            // One object holds both signals: a single dependent load per candidate.
            BackendLoad load = loads[i];
            double latency = load.latencyNanos(nowNanos);
            double inFlight = Endpoints.inFlight(load);
            if (latency == 0) {
                return inFlight == 0 ? 0 : (PENALTY + inFlight) * inverseWeight[i];
            }
            return latency * (inFlight + 1) * inverseWeight[i];
        }

        @Override
        public Time time() {
            return Time.LATEST_SAMPLE;
        }

        @Override
        public long sampleNanos(int i) {
            return loads[i].latencyStampNanos();
        }

        @Override
        public boolean hasOrderKey() {
            return !Double.isNaN(tau);
        }

        /**
         * The cost's logarithm without its time term. For a measured backend, at any instant t at
         * or after its sample time s,
         * <pre>
         *   ln cost(t) = ln ewma - (t - s) / tau + ln(inFlight + 1) - ln w
         *              = [ln ewma + (s - base) / tau + ln(inFlight + 1) - ln w] - (t - base) / tau
         * </pre>
         * and the last term is the same for every backend: the bracket orders them as their costs
         * at t do, whatever t, and changes only with the backend's own sample or count. The other
         * two rows of the cost keep their order by tiers: an idle unmeasured backend (cost 0) is
         * -infinity; an unmeasured one with requests out (the penalty, 39 hours, which no decayed
         * cost reaches) is its penalty cost scaled by 2^900, above every bracket (a bracket is at
         * most a few dozen plus the age of the run over tau) and in the penalty's own order
         * (scaling by a power of two is exact). Unlike the cost, the key never treats a backend
         * as unmeasured again once its EWMA has decayed for some 745 decay times (two hours at
         * 10 s) without a sample: it stays the cheapest, which only matters if it also has a
         * request out all that time.
         */
        @Override
        public double orderKey(int i) {
            BackendLoad load = loads[i];
            double latency = load.lastLatencyNanos();
            long stamp = load.latencyStampNanos();
            int inFlight = Endpoints.inFlight(load);
            if (latency == 0) {
                return inFlight == 0 ? Double.NEGATIVE_INFINITY : (PENALTY + inFlight) * inverseWeight[i] * 0x1p900;
            }
            return Math.log(latency) + (stamp - base) / tau + logOnePlus(inFlight) + logInverseWeight[i];
        }

        @Override
        public String toString() {
            return "peak EWMA x (in flight + 1) / weight";
        }
    }
}
