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
                && endNanos == r.endNanos;
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
