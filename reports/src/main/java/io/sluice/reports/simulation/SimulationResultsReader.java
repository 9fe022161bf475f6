package io.sluice.reports.simulation;

import io.sluice.reports.ReportInputException;
import io.sluice.reports.json.JsonField;
import io.sluice.reports.simulation.SimulationResults.BackendResult;
import io.sluice.reports.simulation.SimulationResults.Confidence;
import io.sluice.reports.simulation.SimulationResults.Interval;
import io.sluice.reports.simulation.SimulationResults.Latency;
import io.sluice.reports.simulation.SimulationResults.LatencyHistogram;
import io.sluice.reports.simulation.SimulationResults.Percentile;
import io.sluice.reports.simulation.SimulationResults.Run;
import io.sluice.reports.simulation.SimulationResults.Scenario;
import io.sluice.reports.simulation.SimulationResults.SeedSummary;
import io.sluice.reports.simulation.SimulationResults.Summary;
import io.sluice.reports.simulation.SimulationResults.Sweep;
import io.sluice.reports.simulation.SimulationResults.TimeSeries;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Reads and checks a simulator results document (schema {@value #SCHEMA}, described in
 * {@code docs/results-schema.md}). Everything the schema declares is required, with its type; a
 * value the schema allows to be {@code null} (one that does not exist) may be; fields it does not
 * declare are ignored, so a writer may add some without a new version. Besides types it checks
 * what the schema's "rules a writer keeps" promise: runs not empty, one backend entry per
 * backend, time-series lists as long as {@code startSeconds}, histogram percentiles ascending and
 * ending at 100, sweep values that belong to the sweep. Every failure is a
 * {@link ReportInputException} naming the file and the JSON path.
 */
public final class SimulationResultsReader {
    /** The {@code schema} value of a simulator results document. */
    public static final String SCHEMA = "sluice.simulation-results";
    /**
     * The newest {@code schemaVersion} this reader knows. Version 2 added several seeds per run
     * ({@code scenario.seeds}, a run's {@code seeds}, {@code confidence} and {@code perSeed}); a
     * version 1 file is read as one seed per run without intervals.
     */
    public static final int VERSION = 2;
    /** The only histogram encoding of versions 1 and 2. */
    public static final String ENCODING = "hdrhistogram-v2-compressed-base64";

    /** Milliseconds per histogram unit. */
    private static final Map<String, Double> MILLIS_PER_UNIT = Map.of("ns", 1e-6, "us", 1e-3, "ms", 1.0);
    /** HdrHistogram's usual resolution for a percentile distribution (its outputPercentileDistribution). */
    private static final int TICKS_PER_HALF_DISTANCE = 5;

    private SimulationResultsReader() {
    }

    /**
     * The results in {@code document}.
     *
     * @throws ReportInputException naming the file and JSON path of the first problem found
     */
    public static SimulationResults read(JsonField document) {
        String schema = document.get("schema").text();
        if (!SCHEMA.equals(schema)) {
            throw document.get("schema").problem("expected \"" + SCHEMA + "\", got " + JsonField.describe(
                    document.get("schema").node()));
        }
        JsonField version = document.get("schemaVersion");
        long v = version.integer();
        if (v < 1) {
            throw version.problem("expected a version from 1, got " + v);
        }
        if (v > VERSION) {
            throw version.problem("version " + v + " is newer than this sluice reads (up to " + VERSION
                    + "); use a newer sluice");
        }
        Scenario scenario = scenario(document.get("scenario").object(), v);
        JsonField sweepField = document.get("sweep").nullableObject();
        Sweep sweep = sweepField == null ? null : sweep(sweepField);
        List<JsonField> runFields = document.get("runs").elements();
        if (runFields.isEmpty()) {
            throw document.get("runs").problem("empty, expected at least one run");
        }
        List<Run> runs = new ArrayList<>();
        for (JsonField r : runFields) {
            runs.add(run(r, scenario, sweep, v));
        }
        return new SimulationResults(document.source(), scenario, sweep, runs);
    }

    private static Scenario scenario(JsonField s, long version) {
        JsonField backends = s.get("backends").object();
        long count = backends.get("count").count();
        if (count < 1 || count > Integer.MAX_VALUE) {
            throw backends.get("count").problem("expected at least 1 backend, got " + count);
        }
        int seeds = 1;
        if (version >= 2) {
            long n = s.get("seeds").count();
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw s.get("seeds").problem("expected at least 1 seed, got " + n);
            }
            seeds = (int) n;
        }
        return new Scenario(s.get("name").text(), s.get("description").text(), s.get("source").text(),
                s.get("seed").integer(), seeds, s.get("durationSeconds").nonNegative(), s.get("warmupSeconds").nonNegative(),
                s.get("workload").text(), s.get("offeredRatePerSecond").nullableNonNegative(), (int) count,
                backends.get("description").text(), (int) Math.min(Integer.MAX_VALUE, s.get("loadBalancers").count()),
                s.get("yaml").text());
    }

    private static Sweep sweep(JsonField s) {
        List<Double> values = new ArrayList<>();
        List<JsonField> valueFields = s.get("values").elements();
        if (valueFields.isEmpty()) {
            throw s.get("values").problem("empty, expected the swept values");
        }
        for (JsonField value : valueFields) {
            values.add(value.number());
        }
        return new Sweep(s.get("parameter").text(), values);
    }

    private static Run run(JsonField r, Scenario scenario, Sweep sweep, long version) {
        JsonField sweepValueField = r.get("sweepValue");
        Double sweepValue = sweepValueField.nullableNumber();
        if (sweep == null && sweepValue != null) {
            throw sweepValueField.problem("expected null (the scenario has no sweep), got " + sweepValue);
        }
        if (sweep != null && (sweepValue == null || !sweep.values().contains(sweepValue))) {
            throw sweepValueField.problem("expected one of sweep.values " + sweep.values() + ", got "
                    + JsonField.describe(sweepValueField.node()));
        }
        List<BackendResult> backends = backends(r.get("backends"), scenario.backendCount());
        Confidence confidence = null;
        List<SeedSummary> perSeed = new ArrayList<>();
        if (version >= 2) {
            List<JsonField> seedFields = r.get("seeds").elements();
            if (seedFields.size() != scenario.seeds()) {
                throw r.get("seeds").problem("has " + seedFields.size() + " seeds, expected scenario.seeds = "
                        + scenario.seeds());
            }
            List<JsonField> perSeedFields = r.get("perSeed").elements();
            if (perSeedFields.size() != scenario.seeds()) {
                throw r.get("perSeed").problem("has " + perSeedFields.size() + " entries, expected one per seed ("
                        + scenario.seeds() + ")");
            }
            for (int i = 0; i < perSeedFields.size(); i++) {
                JsonField one = perSeedFields.get(i).object();
                long seed = one.get("seed").integer();
                if (seed != seedFields.get(i).integer()) {
                    throw one.get("seed").problem("is " + seed + ", expected seeds[" + i + "] = "
                            + seedFields.get(i).integer());
                }
                perSeed.add(new SeedSummary(seed, summary(one.get("summary").object())));
            }
            JsonField c = r.get("confidence").nullableObject();
            if (c == null && scenario.seeds() > 1) {
                throw r.get("confidence").problem("is null, expected intervals over the " + scenario.seeds()
                        + " seeds");
            }
            confidence = c == null ? null : confidence(c, scenario.seeds());
        }
        return new Run(r.get("strategy").text(), r.get("spec").text(), sweepValue, r.get("seed").integer(),
                summary(r.get("summary").object()), confidence, perSeed, histogram(r.get("latencyHistogram").object()),
                backends, timeSeries(r.get("timeSeries").object(), backends));
    }

    private static Confidence confidence(JsonField c, int seeds) {
        JsonField method = c.get("method");
        if (!"student-t".equals(method.text())) {
            throw method.problem("expected \"student-t\", got " + JsonField.describe(method.node()));
        }
        double level = c.get("level").fraction();
        long n = c.get("seeds").count();
        if (n != seeds) {
            throw c.get("seeds").problem("is " + n + ", expected scenario.seeds = " + seeds);
        }
        return new Confidence(method.text(), level, seeds, interval(c.get("p99Ms").object()),
                interval(c.get("meanMs").object()), interval(c.get("failedShare").object()));
    }

    private static Interval interval(JsonField i) {
        Double mean = i.get("mean").nullableNumber();
        Double low = i.get("low").nullableNumber();
        Double high = i.get("high").nullableNumber();
        if (low != null && high != null && (low > high || mean == null || mean < low || mean > high)) {
            throw i.problem("expected low <= mean <= high, got " + low + " <= " + mean + " <= " + high);
        }
        return new Interval(mean, low, high);
    }

    private static Summary summary(JsonField s) {
        JsonField latency = s.get("latencyMs").object();
        JsonField fairness = s.get("fairness").object();
        JsonField affinity = s.get("affinity").nullableObject();
        return new Summary(s.get("requests").count(), s.get("completed").count(), s.get("errors").count(),
                s.get("timeouts").count(), s.get("rejections").count(), s.get("retries").count(),
                s.get("throughputPerSecond").nonNegative(), s.get("errorRate").nullableFraction(),
                s.get("timeoutRate").nullableFraction(), s.get("rejectionRate").nullableFraction(),
                new Latency(latency.get("mean").nullableNonNegative(), latency.get("p50").nullableNonNegative(),
                        latency.get("p90").nullableNonNegative(), latency.get("p99").nullableNonNegative(),
                        latency.get("p999").nullableNonNegative(), latency.get("max").nullableNonNegative()),
                fairness.get("jainUtilisation").nullableFraction(), fairness.get("maxOverMeanLoad").nullableNonNegative(),
                affinity == null ? null : affinity.get("hitRate").nullableFraction(),
                affinity == null || affinity.get("sessionsMoved").isNull() ? null : affinity.get("sessionsMoved").count(),
                requestsByType(s.get("requestsByType")));
    }

    /** Optional: files written before the field existed have none, read as no types. */
    private static Map<String, Long> requestsByType(JsonField f) {
        if (!f.isPresent()) {
            return Map.of();
        }
        Map<String, Long> out = new LinkedHashMap<>();
        f.object().members().forEach((name, count) -> out.put(name, count.count()));
        return Collections.unmodifiableMap(out);
    }

    private static LatencyHistogram histogram(JsonField h) {
        JsonField unitField = h.get("unit");
        Double millisPerUnit = MILLIS_PER_UNIT.get(unitField.text());
        if (millisPerUnit == null) {
            throw unitField.problem("expected one of \"ns\", \"us\", \"ms\", got " + JsonField.describe(unitField.node()));
        }
        JsonField encoding = h.get("encoding");
        if (!ENCODING.equals(encoding.text())) {
            throw encoding.problem("expected \"" + ENCODING + "\", got " + JsonField.describe(encoding.node()));
        }
        List<Percentile> percentiles = percentiles(h.get("percentiles"));
        JsonField data = h.get("data");
        String encoded = data.nullableText();
        List<Percentile> distribution = encoded == null ? List.of() : distribution(data, encoded, millisPerUnit);
        return new LatencyHistogram(percentiles, distribution.isEmpty() ? percentiles : distribution);
    }

    private static List<Percentile> percentiles(JsonField list) {
        List<Percentile> percentiles = new ArrayList<>();
        Percentile previous = null;
        for (JsonField p : list.elements()) {
            JsonField level = p.get("percentile");
            double percentile = level.number();
            if (percentile < 0 || percentile > 100) {
                throw level.problem("expected a percentile in [0, 100], got " + level.node().asText());
            }
            JsonField valueField = p.get("valueMs");
            double value = valueField.nonNegative();
            if (previous != null && percentile < previous.percentile()) {
                throw level.problem(percentile + " after " + previous.percentile() + ", expected ascending percentiles");
            }
            if (previous != null && value < previous.valueMs()) {
                throw valueField.problem(value + " ms is below the previous percentile's " + previous.valueMs()
                        + " ms, expected latencies that never decrease");
            }
            previous = new Percentile(percentile, value);
            percentiles.add(previous);
        }
        if (previous != null && previous.percentile() != 100.0) {
            throw list.problem("ends at " + previous.percentile() + ", expected the last percentile to be 100.0");
        }
        return percentiles;
    }

    /**
     * The HdrHistogram's own percentile distribution: iterate with 5 ticks per half distance, as
     * {@code outputPercentileDistribution} prints it, so the tail (99.9 %, 99.99 %...) gets as many
     * points as the body.
     */
    private static List<Percentile> distribution(JsonField data, String encoded, double millisPerUnit) {
        Histogram histogram;
        try {
            byte[] bytes = Base64.getDecoder().decode(encoded);
            histogram = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (IllegalArgumentException e) {
            throw data.problem("not base64 or not a compressed HdrHistogram: " + e.getMessage());
        } catch (DataFormatException | RuntimeException e) {
            throw data.problem("not a compressed HdrHistogram (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        List<Percentile> distribution = new ArrayList<>();
        if (histogram.getTotalCount() == 0) {
            return distribution;
        }
        for (HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE)) {
            distribution.add(new Percentile(value.getPercentileLevelIteratedTo(),
                    value.getValueIteratedTo() * millisPerUnit));
        }
        return distribution;
    }

    private static List<BackendResult> backends(JsonField list, int expectedCount) {
        List<JsonField> fields = list.elements();
        if (fields.size() != expectedCount) {
            throw list.problem("has " + fields.size() + " entries, expected one per backend (scenario.backends.count is "
                    + expectedCount + ")");
        }
        List<BackendResult> backends = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonField b : fields) {
            String id = b.get("id").text();
            if (!ids.add(id)) {
                throw b.get("id").problem("backend \"" + id + "\" appears twice");
            }
            long servers = b.get("servers").count();
            backends.add(new BackendResult(id, b.get("zone").text(), b.get("speed").nonNegative(),
                    (int) Math.min(Integer.MAX_VALUE, servers), b.get("requests").count(), b.get("errors").count(),
                    b.get("utilisation").fraction(), b.get("meanLatencyMs").nullableNonNegative()));
        }
        return backends;
    }

    private static TimeSeries timeSeries(JsonField t, List<BackendResult> backends) {
        double interval = t.get("intervalSeconds").number();
        if (interval <= 0) {
            throw t.get("intervalSeconds").problem("expected a positive interval, got " + interval);
        }
        List<Double> starts = list(t.get("startSeconds"), -1, JsonField::number);
        int n = starts.size();
        List<Double> throughput = list(t.get("throughputPerSecond"), n, JsonField::nonNegative);
        List<Double> mean = list(t.get("meanLatencyMs"), n, JsonField::nullableNonNegative);
        List<Double> p99 = list(t.get("p99LatencyMs"), n, JsonField::nullableNonNegative);
        List<Long> errors = list(t.get("errors"), n, JsonField::count);
        JsonField utilisationField = t.get("backendUtilisation");
        Map<String, JsonField> byId = utilisationField.members();
        Map<String, List<Double>> utilisation = new LinkedHashMap<>();
        Set<String> known = new HashSet<>();
        for (BackendResult b : backends) {
            known.add(b.id());
        }
        for (String id : byId.keySet()) {
            if (!known.contains(id)) {
                throw byId.get(id).problem("no backend \"" + id + "\" in this run's backends");
            }
        }
        // Kept in the backends' order, whatever order the object had.
        for (BackendResult b : backends) {
            JsonField values = byId.get(b.id());
            if (values != null) {
                utilisation.put(b.id(), list(values, n, JsonField::fraction));
            }
        }
        return new TimeSeries(interval, starts, throughput, mean, p99, errors, utilisation);
    }

    /** The elements of an array read with {@code element}; {@code length} checked unless negative. */
    private static <T> List<T> list(JsonField array, int length, Function<JsonField, T> element) {
        List<JsonField> fields = array.elements();
        if (length >= 0 && fields.size() != length) {
            throw array.problem("has " + fields.size() + " values, expected " + length
                    + " (one per interval, like startSeconds)");
        }
        List<T> values = new ArrayList<>(fields.size());
        for (JsonField f : fields) {
            values.add(element.apply(f));
        }
        return values;
    }

    /** Whether {@code document} says it is a simulator results document (whatever its version). */
    public static boolean recognises(JsonField document) {
        return document.node().isObject() && document.node().path("schema").asText("").equals(SCHEMA);
    }
}
