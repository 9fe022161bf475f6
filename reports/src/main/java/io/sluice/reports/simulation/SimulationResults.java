package io.sluice.reports.simulation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One simulator results file ({@code results.json}, schema {@value SimulationResultsReader#SCHEMA}
 * version {@value SimulationResultsReader#VERSION}, described in {@code docs/results-schema.md}),
 * as read and checked by {@link SimulationResultsReader}. Units are in the names, as in the file.
 * A {@code Double} or list entry that is {@code null} is a value that does not exist (a percentile
 * of zero requests).
 *
 * @param source   the file as the user named it
 * @param scenario what was simulated
 * @param sweep    the swept parameter, {@code null} when the scenario does not sweep
 * @param runs     one per strategy (and sweep value), in scenario order; never empty
 */
public record SimulationResults(String source, Scenario scenario, Sweep sweep, List<Run> runs) {
    public SimulationResults {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(scenario, "scenario");
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("runs is empty");
        }
    }

    /** Whether one parameter was swept (a run per strategy and value). */
    public boolean isSweep() {
        return sweep != null;
    }

    /**
     * The scenario as described for people.
     *
     * @param offeredRatePerSecond {@code null} when unknown (a trace)
     * @param backendCount         backends in the model
     * @param yaml                 the scenario text exactly as read
     */
    public record Scenario(String name, String description, String source, long seed, int seeds,
                           double durationSeconds, double warmupSeconds, String workload, Double offeredRatePerSecond,
                           int backendCount, String backendsDescription, int loadBalancers, String yaml) {
    }

    /**
     * The parameter a sweep varied and its values in run order.
     *
     * @param parameter e.g. {@code load}
     */
    public record Sweep(String parameter, List<Double> values) {
        public Sweep {
            values = List.copyOf(values);
        }
    }

    /**
     * One strategy (at one sweep value) over the whole scenario.
     *
     * @param strategy   the label users chose (defaults to the strategy name)
     * @param spec       the full strategy spec, wrappers and parameters included
     * @param sweepValue the swept parameter's value, {@code null} outside a sweep
     * @param summary    every seed's requests pooled (one seed: that seed's)
     * @param confidence 95 % intervals over the seeds; {@code null} with one seed or in a version 1 file
     * @param perSeed    each seed's own summary, in seed order; empty in a version 1 file
     * @param backends   one per backend, in scenario order
     */
    public record Run(String strategy, String spec, Double sweepValue, long seed, Summary summary,
                      Confidence confidence, List<SeedSummary> perSeed, LatencyHistogram latencyHistogram,
                      List<BackendResult> backends, TimeSeries timeSeries) {
        public Run {
            perSeed = List.copyOf(perSeed);
            backends = List.copyOf(backends);
        }

        /** How many seeds the run pooled (1 for a version 1 file). */
        public int seeds() {
            return confidence == null ? Math.max(1, perSeed.size()) : confidence.seeds();
        }
    }

    /** One seed's summary of a run. */
    public record SeedSummary(long seed, Summary summary) {
    }

    /**
     * 95 % confidence intervals over a run's seeds.
     *
     * @param method      how they were computed ({@code student-t}: over the per-seed values)
     * @param level       the confidence level, 0.95
     * @param seeds       how many seeds
     * @param p99Ms       of the per-seed p99 latencies
     * @param meanMs      of the per-seed mean latencies
     * @param failedShare of the per-seed failed shares
     */
    public record Confidence(String method, double level, int seeds, Interval p99Ms, Interval meanMs,
                             Interval failedShare) {
    }

    /**
     * A confidence interval; {@code low} and {@code high} are {@code null} when the values had no
     * spread to estimate (a seed that completed nothing), {@code mean} too when a value was missing.
     */
    public record Interval(Double mean, Double low, Double high) {
        /** Whether the interval has both bounds. */
        public boolean bounded() {
            return low != null && high != null;
        }

        /** Whether the two intervals share a point; false when either is unbounded. */
        public boolean overlaps(Interval other) {
            return bounded() && other.bounded() && low <= other.high && other.low <= high;
        }
    }

    /**
     * The measured window's totals.
     *
     * @param requests        arrivals in the measured window
     * @param completed       answered successfully
     * @param jainUtilisation Jain's fairness index over backend utilisations, 1 = perfectly even
     * @param maxOverMeanLoad the busiest backend's requests over the mean requests per backend
     * @param affinityHitRate share of a device's requests sent where its previous one went
     * @param sessionsMoved   devices whose backend changed because theirs failed or left
     * @param requestsByType  requests by message type name, in the file's order; empty when the workload has no types
     */
    public record Summary(long requests, long completed, long errors, long timeouts, long rejections, long retries,
                          double throughputPerSecond, Double errorRate, Double timeoutRate, Double rejectionRate,
                          Latency latencyMs, Double jainUtilisation, Double maxOverMeanLoad, Double affinityHitRate,
                          Long sessionsMoved, Map<String, Long> requestsByType) {
        /**
         * The share of requests that did not succeed: errorRate + timeoutRate + rejectionRate, a
         * missing rate counting 0; {@code null} when all three are missing (no request at all).
         */
        public Double failureRate() {
            if (errorRate == null && timeoutRate == null && rejectionRate == null) {
                return null;
            }
            return orZero(errorRate) + orZero(timeoutRate) + orZero(rejectionRate);
        }

        private static double orZero(Double d) {
            return d == null ? 0 : d;
        }
    }

    /** Latency of completed requests in milliseconds; each {@code null} when nothing completed. */
    public record Latency(Double mean, Double p50, Double p90, Double p99, Double p999, Double max) {
    }

    /**
     * The latency distribution.
     *
     * @param percentiles  as written in the file: ascending, ending at 100
     * @param distribution the full percentile distribution decoded from the HdrHistogram (five
     *                     steps per halving of the remaining tail, as HdrHistogram prints it), or
     *                     {@code percentiles} when the file carries no histogram data or an empty one
     */
    public record LatencyHistogram(List<Percentile> percentiles, List<Percentile> distribution) {
        public LatencyHistogram {
            percentiles = List.copyOf(percentiles);
            distribution = List.copyOf(distribution);
        }
    }

    /** The latency at or below which {@code percentile} per cent of completed requests fell. */
    public record Percentile(double percentile, double valueMs) {
    }

    /**
     * One backend over the measured window.
     *
     * @param speed         service-rate multiplier (1 = nominal)
     * @param utilisation   busy server time over available server time, in [0, 1]
     * @param meanLatencyMs {@code null} when it completed nothing
     */
    public record BackendResult(String id, String zone, double speed, int servers, long requests, long errors,
                                double utilisation, Double meanLatencyMs) {
    }

    /**
     * Per-interval measurements; every list has the length of {@code startSeconds}.
     *
     * @param startSeconds       interval starts, from the end of warm-up
     * @param meanLatencyMs      entries {@code null} for an interval without completions
     * @param p99LatencyMs       entries {@code null} for an interval without completions
     * @param backendUtilisation per backend id, in the order of the run's backends
     */
    public record TimeSeries(double intervalSeconds, List<Double> startSeconds, List<Double> throughputPerSecond,
                             List<Double> meanLatencyMs, List<Double> p99LatencyMs, List<Long> errors,
                             Map<String, List<Double>> backendUtilisation) {
        public TimeSeries {
            startSeconds = List.copyOf(startSeconds);
            throughputPerSecond = List.copyOf(throughputPerSecond);
            // Entries may be null (no completions), which List.copyOf refuses.
            meanLatencyMs = Collections.unmodifiableList(new ArrayList<>(meanLatencyMs));
            p99LatencyMs = Collections.unmodifiableList(new ArrayList<>(p99LatencyMs));
            errors = List.copyOf(errors);
            Map<String, List<Double>> copy = new LinkedHashMap<>();
            backendUtilisation.forEach((id, values) -> copy.put(id, List.copyOf(values)));
            backendUtilisation = Collections.unmodifiableMap(copy);
        }

        /** Number of intervals. */
        public int size() {
            return startSeconds.size();
        }
    }
}
