package io.sluice.simulator.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The rules of {@code docs/results-schema.md} (schema v2) as assertions, so every test that writes
 * results can check the file the way the reports module will read it: every field present with
 * its type and in its order, {@code runs} non-empty, time-series arrays as long as
 * {@code startSeconds}, one backend entry per backend, histogram percentiles ascending and ending
 * at 100, rates in [0, 1], nulls only where a value may not exist, requests by type counted at most
 * once, and the histogram decodable.
 */
public final class ResultsSchemaRules {
    private ResultsSchemaRules() {
    }

    /** Checks the document and returns it parsed. */
    public static JsonNode check(byte[] json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = new String(json, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r");
        // As JSON values only: the base64 of a histogram may spell NaN by chance.
        assertThat(text).doesNotContainPattern("[:\\[,]\\s*-?(NaN|Infinity)");
        fields(root, "", "schema", "schemaVersion", "scenario", "sweep", "runs");
        assertThat(root.get("schema").asText()).isEqualTo("sluice.simulation-results");
        assertThat(root.get("schemaVersion").isInt()).isTrue();
        assertThat(root.get("schemaVersion").asInt()).isEqualTo(2);

        JsonNode s = root.get("scenario");
        fields(s, "scenario", "name", "description", "source", "seed", "seeds", "durationSeconds", "warmupSeconds",
                "workload", "offeredRatePerSecond", "backends", "loadBalancers", "yaml", "comparison");
        text(s, "scenario", "name", "description", "source", "workload", "yaml");
        integer(s, "scenario", "seed", "seeds", "loadBalancers");
        int seeds = s.get("seeds").asInt();
        assertThat(seeds).as("scenario.seeds").isPositive();
        number(s, "scenario", "durationSeconds", "warmupSeconds");
        assertThat(s.get("durationSeconds").asDouble()).isPositive();
        numberOrNull(s, "scenario", "offeredRatePerSecond");
        JsonNode comparison = s.get("comparison");
        if (!comparison.isNull()) {
            fields(comparison, "scenario.comparison", "source", "current", "proposed");
            text(comparison, "scenario.comparison", "source", "current", "proposed");
        }
        fields(s.get("backends"), "scenario.backends", "count", "description");
        integer(s.get("backends"), "scenario.backends", "count");
        text(s.get("backends"), "scenario.backends", "description");
        int backendCount = s.get("backends").get("count").asInt();

        JsonNode sweep = root.get("sweep");
        if (!sweep.isNull()) {
            fields(sweep, "sweep", "parameter", "values");
            text(sweep, "sweep", "parameter");
            assertThat(sweep.get("values").isArray() && !sweep.get("values").isEmpty()).isTrue();
            sweep.get("values").forEach(v -> assertThat(v.isNumber()).isTrue());
        }

        JsonNode runs = root.get("runs");
        assertThat(runs.isArray()).as("runs is an array").isTrue();
        assertThat(runs.size()).as("runs is never empty").isPositive();
        for (int i = 0; i < runs.size(); i++) {
            run(runs.get(i), "runs[" + i + "]", backendCount, !sweep.isNull(), seeds);
        }
        return root;
    }

    private static void run(JsonNode r, String p, int backendCount, boolean swept, int seeds) {
        boolean protection = r.has("protection");
        if (protection) {
            // A scenario with protection in its tier; see the schema's protection fields.
            fields(r, p, "strategy", "spec", "sweepValue", "seed", "seeds", "protection", "summary", "confidence",
                    "perSeed", "latencyHistogram", "backends", "timeSeries");
            JsonNode side = r.get("protection");
            if (!side.isNull()) {
                fields(side, p + ".protection", "strategy", "enabled");
                assertThat(side.get("enabled").isBoolean()).as(p + ".protection.enabled").isTrue();
            }
        } else {
            fields(r, p, "strategy", "spec", "sweepValue", "seed", "seeds", "summary", "confidence", "perSeed",
                    "latencyHistogram", "backends", "timeSeries");
        }
        text(r, p, "strategy", "spec");
        integer(r, p, "seed");
        assertThat(r.get("seeds").size()).as(p + ".seeds: scenario.seeds of them").isEqualTo(seeds);
        assertThat(r.get("seeds").get(0).asLong()).as(p + ".seeds starts with the run's seed")
                .isEqualTo(r.get("seed").asLong());
        r.get("seeds").forEach(v -> assertThat(v.isIntegralNumber()).isTrue());
        JsonNode perSeed = r.get("perSeed");
        assertThat(perSeed.size()).as(p + ".perSeed: one per seed").isEqualTo(seeds);
        long pooledRequests = 0;
        for (int k = 0; k < perSeed.size(); k++) {
            JsonNode one = perSeed.get(k);
            fields(one, p + ".perSeed[" + k + "]", "seed", "summary");
            assertThat(one.get("seed").asLong()).isEqualTo(r.get("seeds").get(k).asLong());
            summary(one.get("summary"), p + ".perSeed[" + k + "].summary", backendCount);
            pooledRequests += one.get("summary").get("requests").asLong();
        }
        assertThat(r.get("summary").get("requests").asLong()).as(p + ".summary pools the seeds' requests")
                .isEqualTo(pooledRequests);
        JsonNode c = r.get("confidence");
        if (seeds == 1) {
            assertThat(c.isNull()).as(p + ".confidence with one seed").isTrue();
        } else {
            String cp = p + ".confidence";
            fields(c, cp, "method", "level", "seeds", "p99Ms", "meanMs", "failedShare");
            assertThat(c.get("method").asText()).isEqualTo("student-t");
            assertThat(c.get("level").asDouble()).isEqualTo(0.95);
            assertThat(c.get("seeds").asInt()).isEqualTo(seeds);
            for (String m : List.of("p99Ms", "meanMs", "failedShare")) {
                JsonNode i = c.get(m);
                fields(i, cp + "." + m, "mean", "low", "high");
                numberOrNull(i, cp + "." + m, "mean", "low", "high");
                if (i.get("low").isNumber()) {
                    assertThat(i.get("low").asDouble()).as(cp + "." + m + " low <= mean")
                            .isLessThanOrEqualTo(i.get("mean").asDouble());
                    assertThat(i.get("mean").asDouble()).as(cp + "." + m + " mean <= high")
                            .isLessThanOrEqualTo(i.get("high").asDouble());
                }
            }
        }
        if (swept) {
            number(r, p, "sweepValue");
        } else {
            assertThat(r.get("sweepValue").isNull()).as(p + ".sweepValue").isTrue();
        }

        long completed = summary(r.get("summary"), p + ".summary", backendCount);
        histogramAndSeries(r, p, backendCount, completed);
    }

    /** Checks a summary object; returns its completed count. */
    private static long summary(JsonNode sum, String sp, int backendCount) {
        if (sum.has("rateLimited")) {
            fields(sum, sp, "requests", "completed", "errors", "timeouts", "rejections", "retries",
                    "throughputPerSecond", "errorRate", "timeoutRate", "rejectionRate", "rateLimited", "shed",
                    "admittedPerSecond", "wellBehaved", "latencyMs", "fairness", "affinity", "requestsByType");
            integer(sum, sp, "rateLimited", "shed");
            assertThat(sum.get("rateLimited").asLong() + sum.get("shed").asLong()).as(sp + ": 429s and 503s are"
                    + " rejections").isLessThanOrEqualTo(sum.get("rejections").asLong());
            number(sum, sp, "admittedPerSecond");
            JsonNode wb = sum.get("wellBehaved");
            if (!wb.isNull()) {
                fields(wb, sp + ".wellBehaved", "requests", "completed", "successRate", "meanMs", "p99Ms");
                integer(wb, sp + ".wellBehaved", "requests", "completed");
                assertThat(wb.get("requests").asLong()).as(sp + ".wellBehaved.requests")
                        .isLessThanOrEqualTo(sum.get("requests").asLong());
            }
        } else {
            fields(sum, sp, "requests", "completed", "errors", "timeouts", "rejections", "retries",
                    "throughputPerSecond", "errorRate", "timeoutRate", "rejectionRate", "latencyMs", "fairness",
                    "affinity", "requestsByType");
        }
        integer(sum, sp, "requests", "completed", "errors", "timeouts", "rejections", "retries");
        long requests = sum.get("requests").asLong();
        long completed = sum.get("completed").asLong();
        assertThat(completed + sum.get("errors").asLong() + sum.get("timeouts").asLong()
                + sum.get("rejections").asLong()).as(sp + ": every request ends one way").isEqualTo(requests);
        number(sum, sp, "throughputPerSecond");
        for (String rate : List.of("errorRate", "timeoutRate", "rejectionRate")) {
            number(sum, sp, rate);
            assertThat(sum.get(rate).asDouble()).as(sp + "." + rate).isBetween(0.0, 1.0);
        }
        JsonNode lat = sum.get("latencyMs");
        fields(lat, sp + ".latencyMs", "mean", "p50", "p90", "p99", "p999", "max");
        numberOrNull(lat, sp + ".latencyMs", "mean", "p50", "p90", "p99", "p999", "max");
        if (completed > 0) {
            double previous = 0;
            for (String q : List.of("p50", "p90", "p99", "p999", "max")) {
                assertThat(lat.get(q).isNumber()).as(sp + ".latencyMs." + q).isTrue();
                assertThat(lat.get(q).asDouble()).as(sp + ".latencyMs." + q + " ascending")
                        .isGreaterThanOrEqualTo(previous);
                previous = lat.get(q).asDouble();
            }
        } else {
            lat.forEach(v -> assertThat(v.isNull()).as(sp + ".latencyMs without completions").isTrue());
        }
        JsonNode fair = sum.get("fairness");
        fields(fair, sp + ".fairness", "jainUtilisation", "maxOverMeanLoad");
        number(fair, sp + ".fairness", "jainUtilisation", "maxOverMeanLoad");
        assertThat(fair.get("jainUtilisation").asDouble()).isBetween(1.0 / backendCount - 1e-9, 1.0 + 1e-9);
        JsonNode aff = sum.get("affinity");
        fields(aff, sp + ".affinity", "hitRate", "sessionsMoved");
        numberOrNull(aff, sp + ".affinity", "hitRate");
        if (aff.get("hitRate").isNumber()) {
            assertThat(aff.get("hitRate").asDouble()).isBetween(0.0, 1.0);
        }
        integer(aff, sp + ".affinity", "sessionsMoved");
        JsonNode byType = sum.get("requestsByType");
        assertThat(byType.isObject()).as(sp + ".requestsByType is an object").isTrue();
        long typed = 0;
        for (Iterator<String> it = byType.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            assertThat(byType.get(name).isIntegralNumber() && byType.get(name).asLong() > 0)
                    .as(sp + ".requestsByType." + name + " is a count > 0").isTrue();
            typed += byType.get(name).asLong();
        }
        assertThat(typed).as(sp + ".requestsByType counts requests at most once").isLessThanOrEqualTo(requests);
        return completed;
    }

    private static void histogramAndSeries(JsonNode r, String p, int backendCount, long completed) {
        JsonNode h = r.get("latencyHistogram");
        String hp = p + ".latencyHistogram";
        fields(h, hp, "unit", "encoding", "data", "percentiles");
        assertThat(h.get("unit").asText()).isEqualTo("us");
        assertThat(h.get("encoding").asText()).isEqualTo("hdrhistogram-v2-compressed-base64");
        Histogram decoded;
        try {
            decoded = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(h.get("data").asText())), 0);
        } catch (DataFormatException e) {
            throw new AssertionError(hp + ".data does not decode", e);
        }
        assertThat(decoded.getTotalCount()).as(hp + ".data holds every completed request").isEqualTo(completed);
        JsonNode pct = h.get("percentiles");
        assertThat(pct.isArray() && !pct.isEmpty()).isTrue();
        double previousPercentile = -1;
        double previousValue = 0;
        for (int i = 0; i < pct.size(); i++) {
            JsonNode e = pct.get(i);
            fields(e, hp + ".percentiles[" + i + "]", "percentile", "valueMs");
            number(e, hp + ".percentiles[" + i + "]", "percentile");
            numberOrNull(e, hp + ".percentiles[" + i + "]", "valueMs");
            assertThat(e.get("percentile").asDouble()).as("percentiles ascending").isGreaterThan(previousPercentile);
            previousPercentile = e.get("percentile").asDouble();
            if (e.get("valueMs").isNumber()) {
                assertThat(e.get("valueMs").asDouble()).isGreaterThanOrEqualTo(previousValue);
                previousValue = e.get("valueMs").asDouble();
            }
        }
        assertThat(previousPercentile).as("percentiles end at 100").isEqualTo(100.0);

        JsonNode backends = r.get("backends");
        assertThat(backends.size()).as(p + ".backends: one per backend").isEqualTo(backendCount);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            JsonNode b = backends.get(i);
            String bp = p + ".backends[" + i + "]";
            fields(b, bp, "id", "zone", "speed", "servers", "requests", "errors", "utilisation", "meanLatencyMs");
            text(b, bp, "id", "zone");
            number(b, bp, "speed", "utilisation");
            integer(b, bp, "servers", "requests", "errors");
            numberOrNull(b, bp, "meanLatencyMs");
            assertThat(b.get("utilisation").asDouble()).isBetween(0.0, 1.0);
            ids.add(b.get("id").asText());
        }

        JsonNode ts = r.get("timeSeries");
        String tp = p + ".timeSeries";
        fields(ts, tp, "intervalSeconds", "startSeconds", "throughputPerSecond", "meanLatencyMs", "p99LatencyMs",
                "errors", "backendUtilisation");
        number(ts, tp, "intervalSeconds");
        int n = ts.get("startSeconds").size();
        assertThat(n).as(tp + ".startSeconds").isPositive();
        assertThat(ts.get("startSeconds").get(0).asDouble()).isEqualTo(0.0);
        for (String series : List.of("throughputPerSecond", "meanLatencyMs", "p99LatencyMs", "errors")) {
            assertThat(ts.get(series).size()).as(tp + "." + series + " has the length of startSeconds").isEqualTo(n);
        }
        ts.get("errors").forEach(v -> assertThat(v.isIntegralNumber()).isTrue());
        ts.get("throughputPerSecond").forEach(v -> assertThat(v.isNumber()).isTrue());
        List<String> keys = new ArrayList<>();
        ts.get("backendUtilisation").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as(tp + ".backendUtilisation keyed by backend id, in scenario order").isEqualTo(ids);
        ts.get("backendUtilisation").forEach(series -> assertThat(series.size()).isEqualTo(n));
    }

    /** The object has exactly these fields, in this order. */
    private static void fields(JsonNode node, String path, String... names) {
        assertThat(node.isObject()).as(path + " is an object").isTrue();
        List<String> actual = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(actual::add);
        assertThat(actual).as(path + " fields").containsExactly(names);
    }

    private static void text(JsonNode node, String path, String... names) {
        for (String n : names) {
            assertThat(node.get(n).isTextual()).as(path + "." + n + " is text").isTrue();
        }
    }

    private static void integer(JsonNode node, String path, String... names) {
        for (String n : names) {
            assertThat(node.get(n).isIntegralNumber()).as(path + "." + n + " is a whole number").isTrue();
            assertThat(node.get(n).asLong()).as(path + "." + n).isGreaterThanOrEqualTo(
                    n.equals("seed") ? Long.MIN_VALUE : 0);
        }
    }

    private static void number(JsonNode node, String path, String... names) {
        for (String n : names) {
            assertThat(node.get(n).isNumber()).as(path + "." + n + " is a number").isTrue();
        }
    }

    private static void numberOrNull(JsonNode node, String path, String... names) {
        for (String n : names) {
            assertThat(node.get(n).isNumber() || node.get(n).isNull()).as(path + "." + n + " is a number or null")
                    .isTrue();
        }
    }
}
