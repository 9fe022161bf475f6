package io.sluice.simulator.metrics;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * Everything one simulation run measured. Immutable: the latency histogram is copied in and out.
 * Same configuration and seed give an equal result ({@link #equals} compares every number, the
 * histogram contents included).
 *
 * <p>Latencies are in nanoseconds of virtual time, measured at the load balancer from a request's
 * arrival to its final answer (queueing, service, both network hops and any retries included).
 * Only requests that arrived in the measured window {@code [warm-up, duration)} count in the
 * totals; the run then drains so they all end. The {@link #intervals()} time series covers the
 * whole run, warm-up included.
 */
public final class SimulationResult {
    private final String description;
    private final long seed;
    private final long windowNanos;
    private final Outcomes outcomes;
    private final LatencySummary latency;
    private final Histogram histogram;
    private final List<BackendResult> backends;
    private final Fairness fairness;
    private final Affinity affinity;
    private final List<IntervalSample> intervals;
    private final long events;
    private final long probes;
    private final long endNanos;
    private final WellBehaved wellBehaved;

    /**
     * Made by the simulation engine.
     *
     * @param description what ran, one line (strategy, backends, workload)
     * @param windowNanos length of the measured window
     * @param histogram   latency of successful measured requests in nanoseconds (copied)
     * @param events      discrete events the engine processed
     * @param probes      probes the strategies sent
     * @param endNanos    virtual time when the run stopped (after draining)
     */
    public SimulationResult(String description, long seed, long windowNanos, Outcomes outcomes, LatencySummary latency,
                            Histogram histogram, List<BackendResult> backends, Affinity affinity,
                            List<IntervalSample> intervals, long events, long probes, long endNanos) {
        this(description, seed, windowNanos, outcomes, latency, histogram, backends, affinity, intervals, events,
                probes, endNanos, null);
    }

    /**
     * As the other constructor, with the figures of the well-behaved devices.
     *
     * @param wellBehaved what the devices outside the misbehaving prefix saw, or null when the run
     *                    names no misbehaving devices
     */
    public SimulationResult(String description, long seed, long windowNanos, Outcomes outcomes, LatencySummary latency,
                            Histogram histogram, List<BackendResult> backends, Affinity affinity,
                            List<IntervalSample> intervals, long events, long probes, long endNanos,
                            WellBehaved wellBehaved) {
        this.wellBehaved = wellBehaved;
        this.description = Objects.requireNonNull(description);
        this.seed = seed;
        this.windowNanos = windowNanos;
        this.outcomes = Objects.requireNonNull(outcomes);
        this.latency = Objects.requireNonNull(latency);
        this.histogram = histogram.copy();
        this.backends = List.copyOf(backends);
        this.fairness = Fairness.of(this.backends);
        this.affinity = Objects.requireNonNull(affinity);
        this.intervals = List.copyOf(intervals);
        this.events = events;
        this.probes = probes;
        this.endNanos = endNanos;
    }

    /**
     * The runs of one configuration with different seeds taken together, as if they were one long
     * run: outcomes, per-backend requests and completions, affinity counts, events and probes are
     * summed; the latency histograms are merged, so the percentiles are those of every measured
     * request of every seed, and the exact mean is their mean (the seeds' means weighted by their
     * successful requests); a backend's utilisation and the fairness built on it are the mean over
     * seeds, its mean latency weighted by completions; the measured window is the seeds' windows
     * added up, so throughput stays per second of one run. The time series and the seed are the
     * first run's: one concrete history to look at, not an average that no run went through.
     * A single run is returned as it is.
     *
     * @throws IllegalArgumentException when {@code runs} is empty or the runs have different backends
     */
    public static SimulationResult pooled(List<SimulationResult> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("nothing to pool");
        }
        SimulationResult first = runs.get(0);
        if (runs.size() == 1) {
            return first;
        }
        int nb = first.backends.size();
        long window = 0;
        long[] o = new long[10];
        List<WellBehaved> cohorts = new java.util.ArrayList<>();
        Histogram histogram = new Histogram(first.histogram.getNumberOfSignificantValueDigits());
        histogram.setAutoResize(true);
        double latencySum = 0;
        long[] requests = new long[nb];
        long[] completed = new long[nb];
        double[] utilisation = new double[nb];
        double[] latencyWeighted = new double[nb];
        long[] a = new long[5];
        long events = 0;
        long probes = 0;
        long end = 0;
        for (SimulationResult r : runs) {
            if (r.backends.size() != nb) {
                throw new IllegalArgumentException("runs to pool have " + nb + " and " + r.backends.size()
                        + " backends");
            }
            window += r.windowNanos;
            Outcomes x = r.outcomes;
            long[] v = {x.requests(), x.succeeded(), x.errors(), x.timeouts(), x.rejected(), x.unavailable(),
                    x.unfinished(), x.retries(), x.rateLimited(), x.shed()};
            if (r.wellBehaved != null) {
                cohorts.add(r.wellBehaved);
            }
            for (int i = 0; i < o.length; i++) {
                o[i] += v[i];
            }
            histogram.add(r.histogram);
            if (r.latency.count() > 0) {
                latencySum += r.latency.meanNanos() * r.latency.count();
            }
            for (int b = 0; b < nb; b++) {
                BackendResult br = r.backends.get(b);
                requests[b] += br.requests();
                completed[b] += br.completed();
                utilisation[b] += br.utilisation() / runs.size();
                if (br.completed() > 0) {
                    latencyWeighted[b] += br.meanLatencyNanos() * br.completed();
                }
            }
            Affinity f = r.affinity;
            a[0] += f.devices();
            a[1] += f.requestsWithPrevious();
            a[2] += f.hits();
            a[3] += f.devicesMoved();
            a[4] += f.devicesMovedByFailure();
            events += r.events;
            probes += r.probes;
            end = Math.max(end, r.endNanos);
        }
        List<BackendResult> backends = new java.util.ArrayList<>(nb);
        for (int b = 0; b < nb; b++) {
            backends.add(new BackendResult(first.backends.get(b).id(), requests[b], completed[b], utilisation[b],
                    completed[b] == 0 ? Double.NaN : latencyWeighted[b] / completed[b]));
        }
        long count = histogram.getTotalCount();
        LatencySummary latency = LatencySummary.of(histogram, count == 0 ? Double.NaN : latencySum / count);
        return new SimulationResult(first.description, first.seed, window,
                new Outcomes(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9]), latency, histogram, backends,
                new Affinity(a[0], a[1], a[2], a[3], a[4]), first.intervals, events, probes, end,
                cohorts.size() == runs.size() ? WellBehaved.pooled(cohorts) : null);
    }

    public String description() {
        return description;
    }

    public long seed() {
        return seed;
    }

    /** Length of the measured window (duration minus warm-up). */
    public long windowNanos() {
        return windowNanos;
    }

    public Outcomes outcomes() {
        return outcomes;
    }

    /** Successful measured requests per second of the measured window. */
    public double throughputPerSecond() {
        return outcomes.succeeded() / (windowNanos / 1e9);
    }

    public LatencySummary latency() {
        return latency;
    }

    /** A copy of the latency histogram (nanoseconds). */
    public Histogram latencyHistogram() {
        return histogram.copy();
    }

    /** The latency histogram in HdrHistogram's uncompressed encoding, to store or compare byte for byte. */
    public byte[] latencyHistogramBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoByteBuffer(buffer);
        return Arrays.copyOf(buffer.array(), length);
    }

    /** Per backend, in backend order. */
    public List<BackendResult> backends() {
        return backends;
    }

    public Fairness fairness() {
        return fairness;
    }

    public Affinity affinity() {
        return affinity;
    }

    public List<IntervalSample> intervals() {
        return intervals;
    }

    /** Discrete events processed (a measure of simulation work, for throughput benchmarks). */
    public long events() {
        return events;
    }

    public long probes() {
        return probes;
    }

    /** What the well-behaved devices saw, or null when the run names no misbehaving devices. */
    public WellBehaved wellBehaved() {
        return wellBehaved;
    }

    /** Requests per second of the measured window that passed the load balancer's protection. */
    public double admittedPerSecond() {
        return outcomes.admitted() / (windowNanos / 1e9);
    }

    /** Virtual time at which the run stopped. */
    public long endNanos() {
        return endNanos;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimulationResult r && description.equals(r.description) && seed == r.seed
                && windowNanos == r.windowNanos && outcomes.equals(r.outcomes) && latency.equals(r.latency)
                && histogram.equals(r.histogram) && backends.equals(r.backends) && affinity.equals(r.affinity)
                && intervals.equals(r.intervals) && events == r.events && probes == r.probes
                && endNanos == r.endNanos && java.util.Objects.equals(wellBehaved, r.wellBehaved);
    }

    @Override
    public int hashCode() {
        return Objects.hash(description, seed, outcomes, latency, events, endNanos);
    }

    @Override
    public String toString() {
        return description + ": " + outcomes + ", throughput " + Math.round(throughputPerSecond()) + "/s, latency "
                + latency + ", " + fairness + ", " + affinity;
    }
}
