package io.sluice.simulator.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.run.Progress;
import io.sluice.simulator.run.RunResult;
import io.sluice.simulator.run.Runner;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results.json follows docs/results-schema.md: fields, units, nulls, histogram encoding. */
class ResultsJsonTest {
    private static final String SMALL = """
            description: Two backends, one run.
            seed: 3
            seeds: 1
            duration: 2s
            warm-up: 500ms
            interval: 500ms
            backends:
              - {name: api, count: 2, servers: 2, service-time: {distribution: exponential, mean: 2ms}, zone: eu}
            strategies: [{name: p2c-least-request, label: p2c, params: {choices: 3}}]
            workload: {kind: poisson, rate: 500, devices: 50}
            """;

    private static List<RunResult> run(Scenario s) {
        return new Runner(1, Progress.NONE).run(s.runs());
    }

    private static Scenario parse(String yaml) {
        return Scenarios.parse(yaml, "small", "small.yaml", null, Scenarios.Options.defaults());
    }

    @Test
    void theDocumentCarriesTheScenarioAndEveryMeasurementInTheSchemasUnits() {
        Scenario s = parse(SMALL);
        List<RunResult> results = run(s);
        JsonNode root = ResultsSchemaRules.check(ResultsJson.bytes(s, results));
        JsonNode sc = root.get("scenario");
        assertThat(sc.get("name").asText()).isEqualTo("small");
        assertThat(sc.get("description").asText()).isEqualTo("Two backends, one run.");
        assertThat(sc.get("source").asText()).isEqualTo("small.yaml");
        assertThat(sc.get("seed").asLong()).isEqualTo(3);
        assertThat(sc.get("durationSeconds").asDouble()).isEqualTo(1.5);
        assertThat(sc.get("warmupSeconds").asDouble()).isEqualTo(0.5);
        assertThat(sc.get("workload").asText()).isEqualTo("poisson 500/s, 50 devices");
        assertThat(sc.get("offeredRatePerSecond").asDouble()).isEqualTo(500.0);
        assertThat(sc.at("/backends/count").asInt()).isEqualTo(2);
        assertThat(sc.at("/backends/description").asText())
                .isEqualTo("2 backends: 2 x api (2 servers, exponential(mean=2ms), speed 1, zone eu)");
        assertThat(sc.get("loadBalancers").asInt()).isEqualTo(1);
        assertThat(sc.get("yaml").asText()).isEqualTo(SMALL);
        assertThat(root.get("sweep").isNull()).isTrue();

        JsonNode run = root.at("/runs/0");
        var r = results.get(0).result();
        assertThat(run.get("strategy").asText()).isEqualTo("p2c");
        assertThat(run.get("spec").asText()).isEqualTo("p2c-least-request{choices=3}");
        assertThat(run.get("seed").asLong()).isEqualTo(3);
        assertThat(run.at("/summary/requests").asLong()).isEqualTo(r.outcomes().requests());
        assertThat(run.at("/summary/completed").asLong()).isEqualTo(r.outcomes().succeeded());
        // 500/s over the 1.5 s window: about 750 requests, nearly all served.
        assertThat(run.at("/summary/throughputPerSecond").asDouble())
                .isEqualTo(r.outcomes().succeeded() / 1.5);
        assertThat(run.at("/summary/latencyMs/mean").asDouble()).isEqualTo(r.latency().meanNanos() / 1e6);
        assertThat(run.at("/summary/latencyMs/p99").asDouble()).isEqualTo(r.latency().p99Nanos() / 1e6);
        assertThat(run.at("/summary/latencyMs/max").asDouble()).isEqualTo(r.latency().maxNanos() / 1e6);
        assertThat(run.at("/summary/fairness/jainUtilisation").asDouble()).isEqualTo(r.fairness().jainIndex());
        assertThat(run.at("/summary/fairness/maxOverMeanLoad").asDouble())
                .isEqualTo(r.fairness().maxOverMeanRequests());
        assertThat(run.at("/summary/affinity/hitRate").asDouble()).isEqualTo(r.affinity().hitRate());
        assertThat(run.at("/backends/0/id").asText()).isEqualTo("api-0");
        assertThat(run.at("/backends/0/zone").asText()).isEqualTo("eu");
        assertThat(run.at("/backends/0/servers").asInt()).isEqualTo(2);
        assertThat(run.at("/backends/0/speed").asDouble()).isEqualTo(1.0);
        assertThat(run.at("/backends/1/requests").asLong()).isEqualTo(r.backends().get(1).requests());
        assertThat(run.at("/backends/1/meanLatencyMs").asDouble())
                .isEqualTo(r.backends().get(1).meanLatencyNanos() / 1e6);
        // The time series starts after the warm-up: 1.5 s in intervals of 0.5 s.
        assertThat(run.at("/timeSeries/intervalSeconds").asDouble()).isEqualTo(0.5);
        assertThat(run.at("/timeSeries/startSeconds").toString()).isEqualTo("[0.0,0.5,1.0]");
        // The last percentile is the maximum.
        JsonNode pct = run.at("/latencyHistogram/percentiles");
        assertThat(pct.get(pct.size() - 1).get("valueMs").asDouble()).isEqualTo(r.latency().maxNanos() / 1e6);
    }

    @Test
    void severalSeedsArePooledWithPerSeedSummariesAndIntervals() {
        Scenario one = parse(SMALL);
        Scenario four = one.withSeeds(4);
        List<RunResult> results = run(four);
        JsonNode root = ResultsSchemaRules.check(ResultsJson.bytes(four, results));
        assertThat(root.at("/scenario/seeds").asInt()).isEqualTo(4);
        JsonNode run = root.at("/runs/0");
        assertThat(run.get("seeds").size()).isEqualTo(4);
        assertThat(run.at("/seeds/0").asLong()).isEqualTo(3);
        // The first seed's summary is exactly the one-seed run's.
        JsonNode alone = ResultsSchemaRules.check(ResultsJson.bytes(one, run(one))).at("/runs/0/summary");
        assertThat(run.at("/perSeed/0/summary")).isEqualTo(alone);
        // Pooled: requests summed; throughput per second of one run.
        RunResult r = results.get(0);
        long requests = r.seeds().stream().mapToLong(x -> x.outcomes().requests()).sum();
        long completed = r.seeds().stream().mapToLong(x -> x.outcomes().succeeded()).sum();
        assertThat(run.at("/summary/requests").asLong()).isEqualTo(requests);
        assertThat(run.at("/summary/throughputPerSecond").asDouble()).isCloseTo(completed / 4.0 / 1.5,
                org.assertj.core.api.Assertions.within(1e-9));
        // The intervals, in the schema's units.
        JsonNode c = run.get("confidence");
        assertThat(c.get("method").asText()).isEqualTo("student-t");
        assertThat(c.at("/p99Ms/mean").asDouble()).isEqualTo(r.confidence().p99Nanos().mean() / 1e6);
        assertThat(c.at("/p99Ms/low").asDouble()).isEqualTo(r.confidence().p99Nanos().low() / 1e6);
        assertThat(c.at("/failedShare/high").asDouble()).isEqualTo(r.confidence().failedShare().high());
        assertThat(c.at("/meanMs/low").asDouble()).isLessThan(c.at("/meanMs/high").asDouble());
    }

    @Test
    void valuesThatDoNotExistAreNull() {
        // Every backend crashed from the start: nothing completes, so latencies have no value.
        Scenario s = parse(SMALL.replace("workload:", """
                events:
                  - {kind: crash, backend: api-0, at: 0s}
                  - {kind: crash, backend: api-1, at: 0s}
                load-balancer: {connect-timeout: 10ms}
                workload:"""));
        JsonNode run = ResultsSchemaRules.check(ResultsJson.bytes(s, run(s))).at("/runs/0");
        assertThat(run.at("/summary/completed").asLong()).isZero();
        assertThat(run.at("/summary/errorRate").asDouble()).isEqualTo(1.0);
        assertThat(run.at("/summary/latencyMs/mean").isNull()).isTrue();
        assertThat(run.at("/summary/latencyMs/p50").isNull()).isTrue();
        assertThat(run.at("/latencyHistogram/percentiles/0/valueMs").isNull()).isTrue();
        assertThat(run.at("/backends/0/meanLatencyMs").isNull()).isTrue();
        assertThat(run.at("/timeSeries/meanLatencyMs/0").isNull()).isTrue();
        assertThat(run.at("/timeSeries/p99LatencyMs/0").isNull()).isTrue();
        assertThat(run.at("/timeSeries/errors/0").asLong()).isPositive();
    }

    @Test
    void aSweepIsWrittenWithItsParameterAndEachRunsValue() {
        Scenario s = parse(SMALL + "sweep: {parameter: rate-multiplier, values: [1, 2]}\n");
        JsonNode root = ResultsSchemaRules.check(ResultsJson.bytes(s, run(s)));
        assertThat(root.get("sweep").toString()).isEqualTo("{\"parameter\":\"rate-multiplier\",\"values\":[1.0,2.0]}");
        assertThat(root.at("/runs/0/sweepValue").asDouble()).isEqualTo(1.0);
        assertThat(root.at("/runs/1/sweepValue").asDouble()).isEqualTo(2.0);
    }

    @Test
    void theHistogramIsInMicrosecondsAndDecodes() throws Exception {
        Histogram nanos = new Histogram(3);
        nanos.recordValueWithCount(1_500_000, 3);
        nanos.recordValue(20_000_000);
        Histogram micros = Histogram.decodeFromCompressedByteBuffer(
                ByteBuffer.wrap(Base64.getDecoder().decode(ResultsJson.encodeMicros(nanos))), 0);
        assertThat(micros.getTotalCount()).isEqualTo(4);
        // 3 significant digits: 1.5 ms is within 0.1% either way of 1500 us.
        assertThat(micros.getValueAtPercentile(50)).isBetween(1498L, 1502L);
        assertThat(micros.getMaxValue()).isBetween(19_980L, 20_020L);
        assertThat(ResultsJson.encodeMicros(nanos)).isEqualTo(ResultsJson.encodeMicros(nanos.copy()));
    }

    @Test
    void theSpecTextSortsParametersSoItDoesNotDependOnTheJvm() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("z", 1);
        params.put("a", "2s");
        StrategySpec spec = new StrategySpec("p", params, List.of(new StrategySpec.WrapperSpec("w", Map.of("y", 1,
                "b", 2)), new StrategySpec.WrapperSpec("v", Map.of())));
        assertThat(ResultsJson.specText(spec)).isEqualTo("p{a=2s, z=1} +w{b=2, y=1} +v");
        assertThat(ResultsJson.specText(StrategySpec.of("random"))).isEqualTo("random");
    }

    @Test
    void theFileGoesIntoTheFolderWhichIsCreated(@TempDir Path dir) throws Exception {
        Scenario s = parse(SMALL);
        List<RunResult> results = run(s);
        Path file = ResultsJson.write(dir.resolve("a/b"), s, results);
        assertThat(file).isEqualTo(dir.resolve("a/b/results.json"));
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).isEqualTo(ResultsJson.bytes(s, results));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\n  \"schema\": \"sluice.simulation-results\",\n  \"schemaVersion\": 2,\n")
                .endsWith("}\n");
    }

    @Test
    void runsMayNotBeEmpty() {
        assertThatThrownBy(() -> ResultsJson.bytes(parse(SMALL), List.of()))
                .hasMessage("results: at least one run is required");
    }
}
