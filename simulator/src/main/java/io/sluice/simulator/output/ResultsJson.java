package io.sluice.simulator.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.metrics.BackendResult;
import io.sluice.simulator.metrics.Confidence;
import io.sluice.simulator.metrics.Interval;
import io.sluice.simulator.metrics.IntervalSample;
import io.sluice.simulator.metrics.LatencySummary;
import io.sluice.simulator.metrics.Outcomes;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.metrics.WellBehaved;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.run.RunResult;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.ScenarioRun;
import io.sluice.simulator.scenario.Sweep;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Writes {@code results.json}, schema {@code sluice.simulation-results} version 2, exactly as
 * {@code docs/results-schema.md} specifies it: the contract with {@code ./sluice report}.
 *
 * <p>Deterministic: the same scenario and results give the same bytes. Keys are written in the
 * schema's order, maps (strategy parameters, per-backend series) in sorted or scenario order, lines
 * end in {@code \n} on every platform, numbers print in their shortest round-tripping form with the
 * same digits on every JDK, and no wall-clock time or host name is written. NaN and infinities are written as {@code null}.
 *
 * <p>How the engine's measurements map onto the schema's fields:
 * <ul>
 *   <li>A run's {@code summary}, {@code latencyHistogram} and {@code backends} pool its seeds
 *       ({@code SimulationResult.pooled}: counts summed, histograms merged); {@code timeSeries} is
 *       its first seed's; {@code perSeed} has each seed's own summary and {@code confidence} the
 *       95 % Student t intervals over them ({@code metrics.Interval}).</li>
 *   <li>{@code summary.errors}: requests that failed other than by a timeout or a rejection: errors
 *       (crashed or unreachable backend), no backend available, and requests still unfinished at the drain
 *       limit; so {@code completed + errors + timeouts + rejections = requests}.</li>
 *   <li>{@code fairness.maxOverMeanLoad}: the most requested backend's attempts over the mean.</li>
 *   <li>{@code affinity.sessionsMoved}: devices that moved at least once while their previous backend
 *       was crashed or marked down in the deciding load balancer's view.</li>
 *   <li>{@code backends[].errors}: attempts sent to the backend that did not succeed there
 *       ({@code requests - completed}); {@code meanLatencyMs}: mean of its successful attempts, both
 *       network hops included.</li>
 *   <li>{@code timeSeries}: the intervals after the warm-up; a request counts in the interval it ended in;
 *       {@code errors} counts every failed ending (error, timeout, rejection, no backend).</li>
 *   <li>{@code summary.requestsByType}: arrivals of the measured window by message type name, as the
 *       run's workload counted them ({@link RunResult#requestsByType()}): numbers first, then words.</li>
 *   <li>{@code latencyHistogram}: the run's latency histogram (recorded in nanoseconds, 3 significant
 *       digits) re-recorded in microseconds, each bucket at its highest equivalent value.</li>
 *   <li>Protection, written only by a scenario with {@code rate-limits}, {@code adaptive-concurrency}
 *       or {@code compare-protection} (so older results keep their bytes): {@code summary.rateLimited}
 *       (refused by a rate limit, 429) and {@code summary.shed} (refused by the concurrency limit,
 *       503), both also counted in {@code rejections}; {@code summary.admittedPerSecond};
 *       {@code summary.wellBehaved}, the devices outside {@code misbehaving-devices}, or null; and a
 *       run's {@code protection}: {@code {strategy, enabled}} for a side of a comparison, else null.</li>
 * </ul>
 */
public final class ResultsJson {
    /** The {@code schema} field; a reader refuses any other. */
    public static final String SCHEMA = "sluice.simulation-results";
    public static final int SCHEMA_VERSION = 2;
    /** The file name inside the output folder. */
    public static final String FILE_NAME = "results.json";

    /** The percentiles of {@code latencyHistogram.percentiles}: fixed, so runs line up in charts. */
    static final double[] PERCENTILES = {0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97.5, 99, 99.5, 99.9,
            99.95, 99.99, 99.999, 100};

    private ResultsJson() {
    }

    /**
     * Writes {@code dir/results.json}, creating {@code dir} if needed.
     *
     * @return the file written
     */
    public static Path write(Path dir, Scenario scenario, List<RunResult> runs) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        Files.write(file, bytes(scenario, runs));
        return file;
    }

    /**
     * The document's bytes (UTF-8).
     *
     * @throws IllegalArgumentException when {@code runs} is empty (the schema requires at least one)
     */
    public static byte[] bytes(Scenario scenario, List<RunResult> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("results: at least one run is required");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 16);
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance);
        // Jackson's own shortest-digits double writer (Schubfach) prints the same digits on every JDK,
        // where Double.toString changed in JDK 19.
        JsonFactory factory = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
        try (JsonGenerator g = factory.createGenerator(buffer)) {
            g.setPrettyPrinter(pretty);
            g.writeStartObject();
            g.writeStringField("schema", SCHEMA);
            g.writeNumberField("schemaVersion", SCHEMA_VERSION);
            scenario(g, scenario);
            sweep(g, scenario.sweep());
            g.writeArrayFieldStart("runs");
            for (RunResult r : runs) {
                run(g, scenario, r);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private static void scenario(JsonGenerator g, Scenario s) throws IOException {
        g.writeObjectFieldStart("scenario");
        g.writeStringField("name", s.name());
        g.writeStringField("description", s.description());
        g.writeStringField("source", s.source());
        g.writeNumberField("seed", s.seed());
        g.writeNumberField("seeds", s.seeds());
        number(g, "durationSeconds", (s.durationNanos() - s.warmUpNanos()) / 1e9);
        number(g, "warmupSeconds", s.warmUpNanos() / 1e9);
        g.writeStringField("workload", s.workload().describe());
        number(g, "offeredRatePerSecond", s.offeredRatePerSecond());
        g.writeObjectFieldStart("backends");
        g.writeNumberField("count", s.backendCount());
        g.writeStringField("description", s.describeBackends());
        g.writeEndObject();
        g.writeNumberField("loadBalancers", s.loadBalancer().instances());
        g.writeStringField("yaml", s.yaml());
        comparison(g, s);
        g.writeEndObject();
    }

    /**
     * {@code scenario.comparison}: for a {@code --compare} run, where the policies came from and
     * each side's policy in one line; null otherwise. Additive: readers that do not know it skip it.
     */
    private static void comparison(JsonGenerator g, Scenario s) throws IOException {
        if (!s.isComparison()) {
            g.writeNullField("comparison");
            return;
        }
        g.writeObjectFieldStart("comparison");
        g.writeStringField("source", s.policySource() == null ? "" : s.policySource());
        g.writeStringField("current", s.strategies().get(0).policy().toString());
        g.writeStringField("proposed", s.strategies().get(1).policy().toString());
        g.writeEndObject();
    }

    private static void sweep(JsonGenerator g, Sweep sweep) throws IOException {
        if (sweep == null) {
            g.writeNullField("sweep");
            return;
        }
        g.writeObjectFieldStart("sweep");
        g.writeStringField("parameter", sweep.parameter().yamlName());
        g.writeArrayFieldStart("values");
        for (double v : sweep.values()) {
            g.writeNumber(v);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void run(JsonGenerator g, Scenario scenario, RunResult run) throws IOException {
        SimulationResult r = run.result();
        g.writeStartObject();
        g.writeStringField("strategy", run.run().label());
        g.writeStringField("spec", specText(run.run().spec()));
        if (run.run().sweepValue() == null) {
            g.writeNullField("sweepValue");
        } else {
            number(g, "sweepValue", run.run().sweepValue());
        }
        g.writeNumberField("seed", r.seed());
        g.writeArrayFieldStart("seeds");
        for (SimulationResult one : run.seeds()) {
            g.writeNumber(one.seed());
        }
        g.writeEndArray();
        boolean protection = hasProtection(scenario);
        if (protection) {
            ScenarioRun.Protection side = run.run().protection();
            if (side == null) {
                g.writeNullField("protection");
            } else {
                g.writeObjectFieldStart("protection");
                g.writeStringField("strategy", side.strategy());
                g.writeBooleanField("enabled", side.enabled());
                g.writeEndObject();
            }
        }
        summary(g, r, run.requestsByType(), protection);
        confidence(g, run.confidence());
        g.writeArrayFieldStart("perSeed");
        int i = 0;
        for (SimulationResult one : run.seeds()) {
            g.writeStartObject();
            g.writeNumberField("seed", one.seed());
            summary(g, one, run.requestsByTypePerSeed().get(i++), protection);
            g.writeEndObject();
        }
        g.writeEndArray();
        histogram(g, r);
        backends(g, scenario, r);
        timeSeries(g, scenario, r);
        g.writeEndObject();
    }

    /** Whether the scenario's tier has any protection, so its results carry the protection fields. */
    static boolean hasProtection(Scenario s) {
        return s.protection() != null || !s.loadBalancer().rateLimits().isEmpty()
                || s.strategies().stream().anyMatch(x -> x.policy().adaptiveConcurrency().isPresent());
    }

    private static void summary(JsonGenerator g, SimulationResult r, Map<String, Long> requestsByType,
                                boolean protection) throws IOException {
        Outcomes o = r.outcomes();
        long errors = errors(o);
        long rejections = o.rejected() + o.rateLimited() + o.shed();
        g.writeObjectFieldStart("summary");
        g.writeNumberField("requests", o.requests());
        g.writeNumberField("completed", o.succeeded());
        g.writeNumberField("errors", errors);
        g.writeNumberField("timeouts", o.timeouts());
        g.writeNumberField("rejections", rejections);
        g.writeNumberField("retries", o.retries());
        number(g, "throughputPerSecond", r.throughputPerSecond());
        number(g, "errorRate", rate(errors, o.requests()));
        number(g, "timeoutRate", o.timeoutRate());
        number(g, "rejectionRate", rate(rejections, o.requests()));
        if (protection) {
            g.writeNumberField("rateLimited", o.rateLimited());
            g.writeNumberField("shed", o.shed());
            number(g, "admittedPerSecond", r.admittedPerSecond());
            wellBehaved(g, r.wellBehaved());
        }
        LatencySummary l = r.latency();
        boolean any = l.count() > 0;
        g.writeObjectFieldStart("latencyMs");
        number(g, "mean", any ? l.meanNanos() / 1e6 : Double.NaN);
        number(g, "p50", any ? l.p50Nanos() / 1e6 : Double.NaN);
        number(g, "p90", any ? l.p90Nanos() / 1e6 : Double.NaN);
        number(g, "p99", any ? l.p99Nanos() / 1e6 : Double.NaN);
        number(g, "p999", any ? l.p999Nanos() / 1e6 : Double.NaN);
        number(g, "max", any ? l.maxNanos() / 1e6 : Double.NaN);
        g.writeEndObject();
        g.writeObjectFieldStart("fairness");
        number(g, "jainUtilisation", r.fairness().jainIndex());
        number(g, "maxOverMeanLoad", r.fairness().maxOverMeanRequests());
        g.writeEndObject();
        g.writeObjectFieldStart("affinity");
        number(g, "hitRate", r.affinity().hitRate());
        g.writeNumberField("sessionsMoved", r.affinity().devicesMovedByFailure());
        g.writeEndObject();
        g.writeObjectFieldStart("requestsByType");
        for (Map.Entry<String, Long> e : requestsByType.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void wellBehaved(JsonGenerator g, WellBehaved w) throws IOException {
        if (w == null) {
            g.writeNullField("wellBehaved");
            return;
        }
        LatencySummary l = w.latency();
        boolean any = l.count() > 0;
        g.writeObjectFieldStart("wellBehaved");
        g.writeNumberField("requests", w.requests());
        g.writeNumberField("completed", w.succeeded());
        number(g, "successRate", w.successRate());
        number(g, "meanMs", any ? l.meanNanos() / 1e6 : Double.NaN);
        number(g, "p99Ms", any ? l.p99Nanos() / 1e6 : Double.NaN);
        g.writeEndObject();
    }

    /**
     * The intervals of a run; {@code null} with one seed, where there is no spread to estimate. An
     * interval whose values include a NaN (a seed without a completed request) has null bounds.
     */
    private static void confidence(JsonGenerator g, Confidence c) throws IOException {
        if (c.seeds() < 2) {
            g.writeNullField("confidence");
            return;
        }
        g.writeObjectFieldStart("confidence");
        g.writeStringField("method", "student-t");
        number(g, "level", Interval.LEVEL);
        g.writeNumberField("seeds", c.seeds());
        interval(g, "p99Ms", c.p99Nanos(), 1e6);
        interval(g, "meanMs", c.meanNanos(), 1e6);
        interval(g, "failedShare", c.failedShare(), 1);
        g.writeEndObject();
    }

    /** Divided by {@code divisor} (1e6 for nanoseconds to milliseconds), as every other latency is. */
    private static void interval(JsonGenerator g, String name, Interval i, double divisor) throws IOException {
        g.writeObjectFieldStart(name);
        number(g, "mean", i.mean() / divisor);
        number(g, "low", i.low() / divisor);
        number(g, "high", i.high() / divisor);
        g.writeEndObject();
    }

    /** Failed requests that are neither timeouts nor rejections; see the class comment. */
    static long errors(Outcomes o) {
        return o.errors() + o.unavailable() + o.unfinished();
    }

    static double rate(long n, long of) {
        return of == 0 ? 0 : (double) n / of;
    }

    private static void histogram(JsonGenerator g, SimulationResult r) throws IOException {
        Histogram nanos = r.latencyHistogram();
        g.writeObjectFieldStart("latencyHistogram");
        g.writeStringField("unit", "us");
        g.writeStringField("encoding", "hdrhistogram-v2-compressed-base64");
        g.writeStringField("data", encodeMicros(nanos));
        g.writeArrayFieldStart("percentiles");
        boolean any = nanos.getTotalCount() > 0;
        for (double p : PERCENTILES) {
            g.writeStartObject();
            number(g, "percentile", p);
            number(g, "valueMs", any ? nanos.getValueAtPercentile(p) / 1e6 : Double.NaN);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The nanosecond histogram re-recorded in microseconds, compressed V2 encoding, base64. */
    static String encodeMicros(Histogram nanos) {
        Histogram micros = new Histogram(3);
        for (HistogramIterationValue v : nanos.recordedValues()) {
            micros.recordValueWithCount(Math.round(v.getValueIteratedTo() / 1000.0), v.getCountAtValueIteratedTo());
        }
        ByteBuffer buffer = ByteBuffer.allocate(micros.getNeededByteBufferCapacity());
        int length = micros.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    private static void backends(JsonGenerator g, Scenario scenario, SimulationResult r) throws IOException {
        g.writeArrayFieldStart("backends");
        List<BackendResult> results = r.backends();
        int b = 0;
        for (BackendGroup group : scenario.backends()) {
            for (int i = 0; i < group.count(); i++, b++) {
                BackendResult br = results.get(b);
                g.writeStartObject();
                g.writeStringField("id", br.id());
                g.writeStringField("zone", group.zone());
                number(g, "speed", group.speed());
                g.writeNumberField("servers", group.concurrency());
                g.writeNumberField("requests", br.requests());
                g.writeNumberField("errors", br.requests() - br.completed());
                number(g, "utilisation", br.utilisation());
                number(g, "meanLatencyMs", br.meanLatencyNanos() / 1e6);
                g.writeEndObject();
            }
        }
        g.writeEndArray();
    }

    private static void timeSeries(JsonGenerator g, Scenario scenario, SimulationResult r) throws IOException {
        long warmUp = scenario.warmUpNanos();
        List<IntervalSample> samples = new ArrayList<>();
        for (IntervalSample s : r.intervals()) {
            if (s.startNanos() >= warmUp) {
                samples.add(s);
            }
        }
        g.writeObjectFieldStart("timeSeries");
        number(g, "intervalSeconds", scenario.intervalNanos() / 1e9);
        g.writeArrayFieldStart("startSeconds");
        for (IntervalSample s : samples) {
            g.writeNumber((s.startNanos() - warmUp) / 1e9);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("throughputPerSecond");
        for (IntervalSample s : samples) {
            numberOrNull(g, s.throughputPerSecond());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("meanLatencyMs");
        for (IntervalSample s : samples) {
            numberOrNull(g, s.completed() == 0 ? Double.NaN : s.meanLatencyNanos() / 1e6);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("p99LatencyMs");
        for (IntervalSample s : samples) {
            numberOrNull(g, s.completed() == 0 ? Double.NaN : s.p99LatencyNanos() / 1e6);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("errors");
        for (IntervalSample s : samples) {
            g.writeNumber(s.failed());
        }
        g.writeEndArray();
        g.writeObjectFieldStart("backendUtilisation");
        List<BackendResult> ids = r.backends();
        for (int b = 0; b < ids.size(); b++) {
            g.writeArrayFieldStart(ids.get(b).id());
            for (IntervalSample s : samples) {
                numberOrNull(g, s.utilisation()[b]);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * A strategy spec as text, its parameters sorted by name: {@code StrategySpec.toString()} prints
     * them in the order of an immutable map, which changes from one JVM to the next.
     */
    public static String specText(StrategySpec spec) {
        StringBuilder sb = new StringBuilder(spec.name());
        if (!spec.params().isEmpty()) {
            sb.append(sorted(spec.params()));
        }
        for (StrategySpec.WrapperSpec w : spec.wrappers()) {
            sb.append(" +").append(w.name());
            if (!w.params().isEmpty()) {
                sb.append(sorted(w.params()));
            }
        }
        return sb.toString();
    }

    private static String sorted(Map<String, Object> params) {
        return new TreeMap<>(params).toString();
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        g.writeFieldName(field);
        numberOrNull(g, v);
    }

    private static void numberOrNull(JsonGenerator g, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }
}
