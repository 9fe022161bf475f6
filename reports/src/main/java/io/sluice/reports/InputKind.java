package io.sluice.reports;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.reports.jmh.JmhResults;
import io.sluice.reports.json.JsonField;
import io.sluice.reports.simulation.SimulationResultsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The kinds of results file a report reads, told apart by the JSON's shape:
 * <ul>
 *   <li>an object with a {@code "schema"} string is whatever that schema names
 *       ({@value SimulationResultsReader#SCHEMA} for the simulator); an unknown schema is refused
 *       by name, so a newer writer's file is not mistaken for something else;</li>
 *   <li>an array whose first element has JMH's {@code "jmhVersion"}, or its {@code "benchmark"}
 *       and {@code "primaryMetric"}, is JMH's {@code -rf json} output.</li>
 * </ul>
 * A new kind (Gatling's {@code stats.json}, the proxy benchmark's results) is one more constant:
 * its own {@link #recognises} test on the shape (or its schema name) and its reader.
 */
enum InputKind {
    SIMULATION("simulator results (\"schema\": \"" + SimulationResultsReader.SCHEMA + "\")") {
        @Override
        boolean recognises(JsonNode root) {
            return root.isObject() && SimulationResultsReader.SCHEMA.equals(root.path("schema").asText(null));
        }

        @Override
        Input read(JsonField root) {
            return new Input.Simulation(root.source(), SimulationResultsReader.read(root),
                    io.sluice.reports.simulation.PolicyComparison.read(root),
                    io.sluice.reports.simulation.ProtectionResults.read(root));
        }
    },
    JMH("JMH JSON (-rf json)") {
        @Override
        boolean recognises(JsonNode root) {
            if (!root.isArray() || root.isEmpty()) {
                return false;
            }
            JsonNode first = root.get(0);
            return first.has("jmhVersion") || (first.has("benchmark") && first.has("primaryMetric"));
        }

        @Override
        Input read(JsonField root) {
            try {
                return new Input.Jmh(root.source(), JmhResults.parse(root.node(), root.source()));
            } catch (ReportInputException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                // JmhResults names the file and the entry index already.
                throw new ReportInputException(e.getMessage(), e);
            }
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The file the simulator writes into its output folder; a folder given as input means it. */
    static final String RESULTS_FILE = "results.json";

    private final String description;

    InputKind(String description) {
        this.description = description;
    }

    abstract boolean recognises(JsonNode root);

    abstract Input read(JsonField root);

    /**
     * Reads {@code file} (or {@code results.json} inside it when it is a folder) and dispatches on
     * its shape.
     *
     * @throws ReportInputException naming the file (as given) and the problem
     */
    static Input read(Path file) {
        String source = file.toString();
        Path path = file;
        if (Files.isDirectory(file)) {
            path = file.resolve(RESULTS_FILE);
            source = path.toString();
            if (!Files.isRegularFile(path)) {
                throw new ReportInputException(file + ": a folder without " + RESULTS_FILE
                        + "; name a results file");
            }
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ReportInputException(source + ": no such file", e);
        } catch (IOException e) {
            throw new ReportInputException(source + ": cannot read: " + e.getMessage(), e);
        }
        return parse(bytes, source);
    }

    /** Parses {@code json} read from {@code source} and dispatches on its shape. */
    static Input parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ReportInputException(source + ": not JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ReportInputException(source + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ReportInputException(source + ": empty file, expected " + known());
        }
        JsonField document = JsonField.root(root, source);
        for (InputKind kind : values()) {
            if (kind.recognises(root)) {
                return kind.read(document);
            }
        }
        if (root.isObject() && root.has("schema")) {
            JsonField schema = document.get("schema");
            throw schema.problem("unknown results schema " + JsonField.describe(schema.node()) + "; this sluice reads "
                    + known());
        }
        if (root.isArray() && root.isEmpty()) {
            throw new ReportInputException(source + ": an empty array: no results in it");
        }
        throw new ReportInputException(source + ": not a results file this sluice reads; expected " + known());
    }

    private static String known() {
        return Arrays.stream(values()).map(k -> k.description).collect(Collectors.joining(" or "));
    }
}
