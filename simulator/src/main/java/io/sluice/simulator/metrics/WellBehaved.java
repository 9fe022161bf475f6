package io.sluice.simulator.metrics;

import java.util.List;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * What the well-behaved devices saw: the measured requests of every device outside a scenario's
 * {@code compare-protection.misbehaving-devices} prefix. Protection is meant for them: a limit that
 * stops a runaway fleet should leave their success rate alone and bring their tail latency back.
 *
 * @param requests  their measured requests
 * @param succeeded answered successfully
 * @param latency   latency of their successful requests
 */
public record WellBehaved(long requests, long succeeded, LatencySummary latency, Histogram histogram) {
    public WellBehaved {
        Objects.requireNonNull(latency, "latency");
        histogram = histogram.copy();
    }

    /** A copy of the latency histogram (nanoseconds). */
    @Override
    public Histogram histogram() {
        return histogram.copy();
    }

    /** Share of their requests that succeeded; 1 with none. */
    public double successRate() {
        return requests == 0 ? 1 : (double) succeeded / requests;
    }

    /** The seeds' figures together: counts summed, histograms merged (as {@link SimulationResult#pooled}). */
    static WellBehaved pooled(List<WellBehaved> all) {
        Histogram h = new Histogram(3);
        h.setAutoResize(true);
        long requests = 0;
        long succeeded = 0;
        double sum = 0;
        for (WellBehaved w : all) {
            requests += w.requests;
            succeeded += w.succeeded;
            h.add(w.histogram);
            if (w.latency.count() > 0) {
                sum += w.latency.meanNanos() * w.latency.count();
            }
        }
        long count = h.getTotalCount();
        return new WellBehaved(requests, succeeded, LatencySummary.of(h, count == 0 ? Double.NaN : sum / count), h);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WellBehaved w && requests == w.requests && succeeded == w.succeeded
                && latency.equals(w.latency) && histogram.equals(w.histogram);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requests, succeeded, latency);
    }
}
