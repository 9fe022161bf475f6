package io.sluice.simulator.engine;

import io.sluice.simulator.metrics.Affinity;
import io.sluice.simulator.metrics.BackendResult;
import io.sluice.simulator.metrics.IntervalSample;
import io.sluice.simulator.metrics.LatencySummary;
import io.sluice.simulator.metrics.Outcomes;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.metrics.WellBehaved;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What a run measures: the outcomes and latencies of requests that arrived after the warm-up, each
 * backend's share, and the time series of every interval (which counts every request that ended
 * in it, warm-up or not, until the end of the run).
 */
final class Measurements {
    private final VirtualClock clock;
    private final BackendStations stations;
    private final long duration;

    private final Histogram latency = new Histogram(3);
    private long latencySum;
    long measured;
    private long succeeded;
    private long errors;
    private long timeouts;
    private long rejected;
    private long unavailable;
    long retries;
    private long rateLimited;
    private long shed;
    // The well-behaved devices (when the run names misbehaving ones).
    private final boolean cohort;
    long wellBehavedMeasured;
    private long wellBehavedSucceeded;
    private long wellBehavedLatencySum;
    private final Histogram wellBehavedLatency = new Histogram(3);
    private final Histogram intervalLatency = new Histogram(3);
    private long intervalCompleted;
    private long intervalLatencySum;
    private long intervalFailed;
    private long intervalStart;
    private final List<IntervalSample> intervals = new ArrayList<>();
    final long[] backendRequests;
    private final long[] backendCompleted;
    private final long[] backendLatencySum;
    private final double[] busyAtWindowStart;
    private final double[] busyAtWindowEnd;
    private final double[] busyAtSample;

    Measurements(VirtualClock clock, BackendStations stations, long duration, boolean cohort) {
        this.cohort = cohort;
        this.clock = clock;
        this.stations = stations;
        this.duration = duration;
        int n = stations.n;
        backendRequests = new long[n];
        backendCompleted = new long[n];
        backendLatencySum = new long[n];
        busyAtWindowStart = new double[n];
        busyAtWindowEnd = new double[n];
        busyAtSample = new double[n];
    }

    /** A successful attempt of a request that arrived at {@code arrival}, sent to {@code b} at {@code sent}. */
    void success(long arrival, long sent, int b, boolean isMeasured, boolean wellBehaved) {
        long now = clock.now;
        if (isMeasured && cohort && wellBehaved) {
            wellBehavedSucceeded++;
            wellBehavedLatency.recordValue(now - arrival);
            wellBehavedLatencySum += now - arrival;
        }
        if (isMeasured) {
            backendCompleted[b]++;
            backendLatencySum[b] += now - sent;
        }
        long lat = now - arrival;
        if (isMeasured) {
            succeeded++;
            latency.recordValue(lat);
            latencySum += lat;
        }
        if (now < duration) {
            intervalCompleted++;
            intervalLatencySum += lat;
            intervalLatency.recordValue(lat);
        }
    }

    /** A request that ended without success. */
    void failure(byte outcome, boolean isMeasured) {
        if (isMeasured) {
            switch (outcome) {
                case AttemptSlots.ERROR, AttemptSlots.CONNECT_FAILED -> errors++;
                case AttemptSlots.REJECTED -> rejected++;
                case AttemptSlots.TIMEOUT -> timeouts++;
                case AttemptSlots.UNAVAILABLE -> unavailable++;
                default -> throw new IllegalStateException("outcome " + outcome);
            }
        }
        if (clock.now < duration) {
            intervalFailed++;
        }
    }

    /** A request the rate limits refused (429). */
    void rateLimited(boolean isMeasured) {
        if (isMeasured) {
            rateLimited++;
        }
        if (clock.now < duration) {
            intervalFailed++;
        }
    }

    /** A request the adaptive concurrency limit refused (503). */
    void shed(boolean isMeasured) {
        if (isMeasured) {
            shed++;
        }
        if (clock.now < duration) {
            intervalFailed++;
        }
    }

    void windowStart() {
        snapshotBusy(busyAtWindowStart);
    }

    void windowEnd() {
        snapshotBusy(busyAtWindowEnd);
    }

    private void snapshotBusy(double[] into) {
        for (int b = 0; b < stations.n; b++) {
            into[b] = stations.busyNow(b);
        }
    }

    /** Closes the interval that ends now. */
    void sample() {
        long now = clock.now;
        long len = now - intervalStart;
        int n = stations.n;
        int[] held = new int[n];
        double[] util = new double[n];
        for (int b = 0; b < n; b++) {
            double busy = stations.busyNow(b);
            held[b] = stations.inSystem[b];
            util[b] = len == 0 ? 0 : (busy - busyAtSample[b]) / ((double) stations.servers[b] * len);
            busyAtSample[b] = busy;
        }
        double mean = intervalCompleted == 0 ? Double.NaN : (double) intervalLatencySum / intervalCompleted;
        long p99 = intervalCompleted == 0 ? 0 : intervalLatency.getValueAtPercentile(99);
        double tput = len == 0 ? 0 : intervalCompleted / (len / 1e9);
        intervals.add(new IntervalSample(intervalStart, now, intervalCompleted, tput, mean, p99, intervalFailed, held,
                util));
        intervalCompleted = 0;
        intervalLatencySum = 0;
        intervalFailed = 0;
        intervalLatency.reset();
        intervalStart = now;
    }

    SimulationResult result(SimulationConfig config, long warmUp, Affinity affinity, long events, long probes) {
        long window = duration - warmUp;
        int n = stations.n;
        List<BackendResult> backends = new ArrayList<>(n);
        for (int b = 0; b < n; b++) {
            double u = (busyAtWindowEnd[b] - busyAtWindowStart[b]) / ((double) stations.servers[b] * window);
            double meanLatency = backendCompleted[b] == 0 ? Double.NaN
                    : (double) backendLatencySum[b] / backendCompleted[b];
            backends.add(new BackendResult(stations.ids[b], backendRequests[b], backendCompleted[b], Math.min(1.0, u),
                    meanLatency));
        }
        long ended = succeeded + errors + timeouts + rejected + unavailable + rateLimited + shed;
        Outcomes outcomes = new Outcomes(measured, succeeded, errors, timeouts, rejected, unavailable,
                measured - ended, retries, rateLimited, shed);
        double mean = succeeded == 0 ? Double.NaN : (double) latencySum / succeeded;
        return new SimulationResult(config.describe(), config.seed(), window, outcomes,
                LatencySummary.of(latency, mean), latency, backends, affinity, intervals, events, probes, clock.now,
                cohort ? wellBehaved() : null);
    }

    private WellBehaved wellBehaved() {
        double mean = wellBehavedSucceeded == 0 ? Double.NaN : (double) wellBehavedLatencySum / wellBehavedSucceeded;
        return new WellBehaved(wellBehavedMeasured, wellBehavedSucceeded,
                LatencySummary.of(wellBehavedLatency, mean), wellBehavedLatency);
    }
}
