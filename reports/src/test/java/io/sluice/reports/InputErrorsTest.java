package io.sluice.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad or mismatched input: each case edits one field of a valid fixture and checks the whole
 * message, which must name the file (as given) and the JSON path of the field.
 */
class InputErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** normal.json with one edit, written as {@code results.json} in the temp folder. */
    private Path edited(String fixture, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode doc = (ObjectNode) JSON.readTree(Fixtures.path(fixture).toFile());
        edit.accept(doc);
        Path file = dir.resolve("results.json");
        Files.writeString(file, JSON.writeValueAsString(doc));
        return file;
    }

    private static ObjectNode run(ObjectNode doc, int i) {
        return (ObjectNode) doc.get("runs").get(i);
    }

    private String problem(Path file) {
        try {
            ReportGenerator.render(List.of(file));
        } catch (ReportInputException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for " + file);
    }

    private String problem(String fixture, Consumer<ObjectNode> edit) throws IOException {
        return problem(edited(fixture, edit));
    }

    @Test
    void aStringWhereANumberBelongsIsNamedWithItsPath() throws IOException {
        Path file = edited("normal.json", d -> ((ObjectNode) run(d, 2).get("summary").get("latencyMs")).put("p99", "abc"));
        assertThat(problem(file)).isEqualTo(file + ": runs[2].summary.latencyMs.p99: expected a number, got \"abc\"");
    }

    @Test
    void aMissingFieldIsNamed() throws IOException {
        Path file = edited("normal.json", d -> ((ObjectNode) run(d, 0).get("summary")).remove("requests"));
        assertThat(problem(file)).isEqualTo(file + ": runs[0].summary.requests: missing");
    }

    @Test
    void nullIsRefusedWhereTheSchemaDoesNotAllowIt() throws IOException {
        assertThat(problem("normal.json", d -> run(d, 1).putNull("strategy")))
                .endsWith("results.json: runs[1].strategy: expected a string, got null");
    }

    @Test
    void nullIsAcceptedForAValueThatDoesNotExist() throws IOException {
        Path file = edited("normal.json", d -> {
            ObjectNode latency = (ObjectNode) run(d, 4).get("summary").get("latencyMs");
            latency.putNull("p999");
            ((ArrayNode) run(d, 4).get("timeSeries").get("p99LatencyMs")).setNull(3);
        });
        assertThat(ReportGenerator.render(List.of(file))).contains("campus-steady");
    }

    @Test
    void aFractionalCountIsRefused() throws IOException {
        assertThat(problem("normal.json", d -> ((ObjectNode) run(d, 0).get("summary")).put("errors", 1.5)))
                .endsWith("results.json: runs[0].summary.errors: expected a whole number, got 1.5");
    }

    @Test
    void aRateOutsideZeroToOneIsRefused() throws IOException {
        assertThat(problem("normal.json", d -> ((ObjectNode) run(d, 3).get("summary")).put("errorRate", 1.5)))
                .endsWith("runs[3].summary.errorRate: expected a fraction in [0, 1], got 1.5");
    }

    @Test
    void anUnknownSchemaIsRefusedByName() throws IOException {
        assertThat(problem("normal.json", d -> d.put("schema", "acme.results")))
                .endsWith("results.json: schema: unknown results schema \"acme.results\"; this sluice reads simulator"
                        + " results (\"schema\": \"sluice.simulation-results\") or JMH JSON (-rf json)");
    }

    @Test
    void aNewerSchemaVersionIsRefused() throws IOException {
        assertThat(problem("normal.json", d -> d.put("schemaVersion", 3)))
                .endsWith("results.json: schemaVersion: version 3 is newer than this sluice reads (up to 2); use a newer"
                        + " sluice");
    }

    @Test
    void noRunsIsRefused() throws IOException {
        assertThat(problem("normal.json", d -> d.putArray("runs")))
                .endsWith("results.json: runs: empty, expected at least one run");
    }

    @Test
    void aTimeSeriesOfTheWrongLengthIsRefused() throws IOException {
        assertThat(problem("normal.json", d -> ((ArrayNode) run(d, 1).get("timeSeries").get("errors")).remove(0)))
                .endsWith("results.json: runs[1].timeSeries.errors: has 59 values, expected 60 (one per interval, like"
                        + " startSeconds)");
    }

    @Test
    void utilisationOfAnUnknownBackendIsRefused() throws IOException {
        assertThat(problem("normal.json", d -> {
            ObjectNode byBackend = (ObjectNode) run(d, 0).get("timeSeries").get("backendUtilisation");
            byBackend.set("b9", byBackend.get("b0"));
        })).endsWith("results.json: runs[0].timeSeries.backendUtilisation.b9: no backend \"b9\" in this run's backends");
    }

    @Test
    void aBackendCountThatDisagreesWithTheScenarioIsRefused() throws IOException {
        assertThat(problem("normal.json", d -> ((ArrayNode) run(d, 2).get("backends")).remove(4)))
                .endsWith("results.json: runs[2].backends: has 4 entries, expected one per backend"
                        + " (scenario.backends.count is 5)");
    }

    @Test
    void percentilesOutOfOrderOrNotEndingAt100AreRefused() throws IOException {
        assertThat(problem("normal.json", d -> {
            ArrayNode p = (ArrayNode) run(d, 0).get("latencyHistogram").get("percentiles");
            ((ObjectNode) p.get(2)).put("percentile", 10.0);
        })).endsWith("runs[0].latencyHistogram.percentiles[2].percentile: 10.0 after 50.0, expected ascending"
                + " percentiles");
        assertThat(problem("normal.json", d -> {
            ArrayNode p = (ArrayNode) run(d, 0).get("latencyHistogram").get("percentiles");
            p.remove(p.size() - 1);
        })).endsWith("runs[0].latencyHistogram.percentiles: ends at 99.99, expected the last percentile to be 100.0");
    }

    @Test
    void histogramDataThatIsNotAHistogramIsRefused() throws IOException {
        assertThat(problem("normal.json", d -> ((ObjectNode) run(d, 1).get("latencyHistogram")).put("data", "%%%")))
                .contains("results.json: runs[1].latencyHistogram.data: not base64");
        assertThat(problem("normal.json", d -> ((ObjectNode) run(d, 1).get("latencyHistogram")).put("data", "AAAA")))
                .contains("results.json: runs[1].latencyHistogram.data: not a compressed HdrHistogram");
    }

    @Test
    void aSweepValueOutsideTheSweepIsRefused() throws IOException {
        assertThat(problem("sweep.json", d -> run(d, 4).put("sweepValue", 0.95)))
                .endsWith("results.json: runs[4].sweepValue: expected one of sweep.values [0.5, 0.7, 0.9], got 0.95");
        assertThat(problem("normal.json", d -> run(d, 0).put("sweepValue", 0.5)))
                .endsWith("results.json: runs[0].sweepValue: expected null (the scenario has no sweep), got 0.5");
    }

    @Test
    void textThatIsNotJsonIsRefusedWithItsPosition() throws IOException {
        Path file = dir.resolve("log.txt");
        Files.writeString(file, "{\"schema\": \"sluice.simulation-results\",\n  oops }");
        assertThat(problem(file)).startsWith(file + ": not JSON (line 2, column 3): Unexpected character ('o'");
    }

    @Test
    void jsonOfAnotherKindIsRefusedSayingWhatIsRead() throws IOException {
        Path file = dir.resolve("other.json");
        Files.writeString(file, "{\"name\": \"x\"}");
        assertThat(problem(file)).isEqualTo(file + ": not a results file this sluice reads; expected simulator results"
                + " (\"schema\": \"sluice.simulation-results\") or JMH JSON (-rf json)");
        Files.writeString(file, "[]");
        assertThat(problem(file)).isEqualTo(file + ": an empty array: no results in it");
        Files.writeString(file, "");
        assertThat(problem(file)).startsWith(file + ": empty file");
    }

    @Test
    void aBrokenJmhEntryIsNamedByFileAndIndex() throws IOException {
        Path file = dir.resolve("jmh.json");
        Files.writeString(file, "[{\"jmhVersion\": \"1.37\", \"benchmark\": \"b\", \"mode\": \"avgt\", \"threads\": 1}]");
        assertThat(problem(file)).isEqualTo(file + "[0]: not a JMH result, it has no 'primaryMetric'");
    }

    @Test
    void aMissingFileOrAnEmptyFolderIsNamed() throws IOException {
        Path missing = dir.resolve("nope.json");
        assertThat(problem(missing)).isEqualTo(missing + ": no such file");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThat(problem(empty)).isEqualTo(empty + ": a folder without results.json; name a results file");
        assertThatThrownBy(() -> ReportGenerator.render(List.of())).isInstanceOf(ReportInputException.class)
                .hasMessage("no results files given");
    }

    @Test
    void aLongStringIsCutInTheMessage() throws IOException {
        String message = problem("normal.json", d -> d.put("schemaVersion", "x".repeat(100)));
        assertThat(message).endsWith("schemaVersion: expected a whole number, got \"" + "x".repeat(40) + "...\"");
    }

    @Test
    void messagesAreUtf8Safe() throws IOException {
        Path file = dir.resolve("ünïcode.json");
        Files.write(file, "{\"schema\": 5}".getBytes(StandardCharsets.UTF_8));
        JsonNode ignored = JSON.readTree(file.toFile());
        assertThat(ignored.get("schema").asInt()).isEqualTo(5);
        assertThat(problem(file)).isEqualTo(file + ": schema: unknown results schema 5; this sluice reads simulator"
                + " results (\"schema\": \"sluice.simulation-results\") or JMH JSON (-rf json)");
    }
}
