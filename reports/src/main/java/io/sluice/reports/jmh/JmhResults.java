package io.sluice.reports.jmh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON JMH writes with {@code -rf json -rff FILE}: an array with one object per
 * benchmark run, shaped (abridged) like
 * <pre>{@code
 * [ { "jmhVersion": "1.37", "benchmark": "io.sluice.benchmarks.PickBenchmark.pick", "mode": "avgt",
 *     "threads": 2, "forks": 1, "jdkVersion": "17.0.15", "measurementIterations": 5,
 *     "params": { "strategy": "maglev", "backends": "1000", "weights": "1" },
 *     "primaryMetric": { "score": 7.9, "scoreUnit": "ns/op",
 *                        "rawData": [ [ 7.8, 8.1, 7.9, 7.7, 8.0 ] ] },   // per fork, per iteration
 *     "secondaryMetrics": {} } ]
 * }</pre>
 * Only what a summary needs is kept ({@link JmhResult}); everything else is ignored, so newer JMH
 * versions that add fields still read.
 */
public final class JmhResults {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JmhResults() {
    }

    /**
     * Every result in {@code file}.
     *
     * @throws IllegalArgumentException when the file is missing, unreadable or not JMH JSON, naming it
     */
    public static List<JmhResult> read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no JMH result file at " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JMH results " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every result in each file, in file order. */
    public static List<JmhResult> read(List<Path> files) {
        List<JmhResult> all = new ArrayList<>();
        for (Path f : files) {
            all.addAll(read(f));
        }
        return all;
    }

    /**
     * Every result in {@code json}.
     *
     * @param source where the text came from, for error messages
     * @throws IllegalArgumentException when it is not JMH JSON, naming the source and what is wrong
     */
    public static List<JmhResult> parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not JSON: " + e.getOriginalMessage(), e);
        }
        return parse(root, source);
    }

    /**
     * Every result in an already parsed JMH document (how a report reads a file once and then
     * decides what kind of results it holds).
     *
     * @param source where the tree came from, for error messages
     * @throws IllegalArgumentException when it is not JMH JSON, naming the source and what is wrong
     */
    public static List<JmhResult> parse(JsonNode root, String source) {
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(source + ": not a JMH result file (expected a JSON array of"
                    + " benchmark results)");
        }
        List<JmhResult> results = new ArrayList<>(root.size());
        int index = 0;
        for (JsonNode run : root) {
            results.add(result(run, source + "[" + index++ + "]"));
        }
        return results;
    }

    private static JmhResult result(JsonNode run, String where) {
        JsonNode metric = required(run, "primaryMetric", where);
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : run.path("params").properties()) {
            params.put(p.getKey(), p.getValue().asText());
        }
        List<Double> iterations = new ArrayList<>();
        for (JsonNode fork : required(metric, "rawData", where)) {
            for (JsonNode value : fork) {
                // JMH writes a NaN iteration as the string "NaN"; asDouble parses it, and it is dropped.
                double v = value.asDouble(Double.NaN);
                if (!Double.isNaN(v)) {
                    iterations.add(v);
                }
            }
        }
        return new JmhResult(required(run, "benchmark", where).asText(), required(run, "mode", where).asText(),
                required(run, "threads", where).asInt(), params, required(metric, "scoreUnit", where).asText(),
                iterations, run.path("jdkVersion").asText(""));
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(where + ": not a JMH result, it has no '" + field + "'");
        }
        return value;
    }
}
