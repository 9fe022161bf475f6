package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice report}: a report from a valid file, and one line naming file and field, exit 1, from a bad one. */
class ReportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = new CommandLine(new ReportCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** A small but complete results document: one run of two strategies over two backends and two intervals. */
    private static ObjectNode results() throws IOException {
        Histogram h = new Histogram(3);
        for (long us = 1000; us <= 100_000; us += 1000) {
            h.recordValue(us);
        }
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        String data = Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
        String run = """
                {"strategy": "%s", "spec": "%s", "sweepValue": null, "seed": 1,
                 "summary": {"requests": 100, "completed": 100, "errors": 0, "timeouts": 0, "rejections": 0,
                   "retries": 0, "throughputPerSecond": 50.0, "errorRate": 0.0, "timeoutRate": 0.0,
                   "rejectionRate": 0.0,
                   "latencyMs": {"mean": %s, "p50": 50.0, "p90": 90.0, "p99": %s, "p999": 100.0, "max": 100.0},
                   "fairness": {"jainUtilisation": 1.0, "maxOverMeanLoad": 1.0},
                   "affinity": {"hitRate": 0.5, "sessionsMoved": 0}},
                 "latencyHistogram": {"unit": "us", "encoding": "hdrhistogram-v2-compressed-base64", "data": "%s",
                   "percentiles": [{"percentile": 0.0, "valueMs": 1.0}, {"percentile": 100.0, "valueMs": 100.0}]},
                 "backends": [
                   {"id": "b0", "zone": "z", "speed": 1.0, "servers": 1, "requests": 50, "errors": 0,
                    "utilisation": 0.5, "meanLatencyMs": 50.0},
                   {"id": "b1", "zone": "z", "speed": 1.0, "servers": 1, "requests": 50, "errors": 0,
                    "utilisation": 0.5, "meanLatencyMs": 50.0}],
                 "timeSeries": {"intervalSeconds": 1.0, "startSeconds": [0.0, 1.0],
                   "throughputPerSecond": [50.0, 50.0], "meanLatencyMs": [50.0, 50.0], "p99LatencyMs": [99.0, null],
                   "errors": [0, 0], "backendUtilisation": {"b0": [0.5, 0.5], "b1": [0.5, 0.5]}}}
                """;
        String doc = """
                {"schema": "sluice.simulation-results", "schemaVersion": 1,
                 "scenario": {"name": "tiny", "description": "Two backends.", "source": "tiny.yaml", "seed": 1,
                   "durationSeconds": 2.0, "warmupSeconds": 0.0, "workload": "constant 50/s",
                   "offeredRatePerSecond": 50.0, "backends": {"count": 2, "description": "2 backends"},
                   "loadBalancers": 1, "yaml": "name: tiny"},
                 "sweep": null,
                 "runs": [%s, %s, %s]}
                """.formatted(run.formatted("round-robin", "round-robin", "50.0", "99.0", data),
                run.formatted("p2c-peak-ewma", "p2c-peak-ewma", "40.0", "80.0", data),
                run.formatted("random", "random", "55.0", "120.0", data));
        return (ObjectNode) JSON.readTree(doc);
    }

    @Test
    void writesTheReportAndSaysWhere() throws IOException {
        Path input = dir.resolve("results.json");
        Files.writeString(input, JSON.writeValueAsString(results()));
        Path outDir = dir.resolve("report");
        assertThat(run(input.toString(), "--out", outDir.toString())).isZero();
        Path index = outDir.resolve("index.html");
        assertThat(out.toString().trim()).isEqualTo("Wrote " + index.toAbsolutePath().normalize());
        assertThat(err.toString()).isEmpty();
        assertThat(Files.readString(index)).contains("For this workload deploy <strong>p2c-peak-ewma</strong>");
    }

    @Test
    void badJsonNamesTheFileAndTheFieldAndExitsOne() throws IOException {
        ObjectNode doc = results();
        ((ObjectNode) doc.get("runs").get(2).get("summary").get("latencyMs")).put("p99", "abc");
        Path input = dir.resolve("results.json");
        Files.writeString(input, JSON.writeValueAsString(doc));
        assertThat(run(input.toString(), "--out", dir.resolve("report").toString())).isEqualTo(1);
        assertThat(err.toString().trim()).isEqualTo("sluice: " + input
                + ": runs[2].summary.latencyMs.p99: expected a number, got \"abc\"");
        assertThat(out.toString()).isEmpty();
        assertThat(dir.resolve("report")).doesNotExist();
    }

    @Test
    void aMissingFileExitsOne() {
        Path missing = dir.resolve("nope.json");
        assertThat(run(missing.toString(), "--out", dir.toString())).isEqualTo(1);
        assertThat(err.toString().trim()).isEqualTo("sluice: " + missing + ": no such file");
    }

    @Test
    void withoutInputsItIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("RESULTS");
    }

    @Test
    void theCommandIsRegistered() {
        assertThat(new CommandLine(new SluiceCommand()).getSubcommands()).containsKey("report");
    }
}
