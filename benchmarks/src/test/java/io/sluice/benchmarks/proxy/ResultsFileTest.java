package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON the reports read: the documented fields, raw rounds and medians, null for what was not measured. */
class ResultsFileTest {
    private static final Map<String, String> VERSIONS = Map.of("haproxy", "HAProxy version 2.6.12",
            "nginx", "nginx version: nginx/1.22.1", "wrk", "wrk 4.1.0");

    @TempDir
    Path dir;

    private ResultsFile results(ProxyBenchOptions options, List<Target> targets, List<Run> runs,
                                Map<Target, String> failures) {
        Comparison c = Comparison.of(1, 64, targets, runs, failures);
        return new ResultsFile(options, VERSIONS, targets, Instant.parse("2026-11-28T10:00:00Z"),
                Instant.parse("2026-11-28T10:05:00Z"), runs, List.of(c), List.of(), "epoll");
    }

    @Test
    void theFileHoldsSettingsEveryRoundAndTheMedians() throws Exception {
        ProxyBenchOptions options = ProxyBenchOptions.parse("--threads", "1", "--sluice", "/src/sluice");
        List<Target> targets = List.of(Target.DIRECT, Target.SLUICE, Target.HAPROXY, Target.NGINX);
        ResultsFile file = results(options, targets, ComparisonTest.threeRounds(30_000, 2_000), Map.of());
        Path json = dir.resolve("proxy-bench.json");
        file.write(json);
        JsonNode root = new ObjectMapper().readTree(json.toFile());

        assertThat(root.get("schema").asText()).isEqualTo(ResultsFile.SCHEMA);
        assertThat(root.get("startedAt").asText()).isEqualTo("2026-11-28T10:00:00Z");
        assertThat(root.at("/versions/nginx").asText()).contains("1.22.1");
        assertThat(root.at("/settings/rounds").asInt()).isEqualTo(3);
        assertThat(root.at("/settings/durationSeconds").asInt()).isEqualTo(10);
        assertThat(root.at("/settings/connections").toString()).isEqualTo("[64,256]");
        assertThat(root.at("/settings/coldSeconds").asInt()).isEqualTo(10);
        assertThat(root.at("/settings/transport").asText()).isEqualTo("auto");
        assertThat(root.at("/sluice/transport").asText()).isEqualTo("epoll");
        assertThat(root.at("/settings/strategy").asText()).isEqualTo("round-robin");
        assertThat(root.at("/settings/targets").toString()).isEqualTo("[\"direct\",\"sluice\",\"haproxy\",\"nginx\"]");
        assertThat(root.at("/sluice/measured").asBoolean()).isTrue();

        JsonNode matrix = root.at("/matrices/0");
        assertThat(matrix.get("threads").asInt()).isEqualTo(1);
        assertThat(matrix.get("connections").asInt()).isEqualTo(64);
        assertThat(matrix.get("runs")).hasSize(12);
        JsonNode first = matrix.at("/runs/1");
        assertThat(first.get("round").asInt()).isEqualTo(1);
        assertThat(first.get("target").asText()).isEqualTo("sluice");
        assertThat(first.get("requestsPerSecond").asDouble()).isEqualTo(30_000);
        assertThat(first.at("/latencyMicros/p99").asDouble()).isEqualTo(2_000);
        assertThat(first.at("/errors/non2xx").asLong()).isZero();
        assertThat(first.get("cpuMicrosPerRequest").asDouble()).isEqualTo(11);

        JsonNode sluice = matrix.at("/medians/1");
        assertThat(sluice.get("target").asText()).isEqualTo("sluice");
        assertThat(sluice.get("rounds").asInt()).isEqualTo(3);
        assertThat(sluice.get("requestsPerSecond").asDouble()).isEqualTo(30_000);
        assertThat(sluice.get("p99Micros").asDouble()).isEqualTo(2_000);
        assertThat(sluice.get("requestsPerSecondVsHaproxy").asDouble()).isEqualTo(1.2);
        assertThat(sluice.get("failure").isNull()).isTrue();

        assertThat(matrix.at("/sluiceVsHaproxy/requestsPerSecondRatio").asDouble()).isEqualTo(1.2);
        assertThat(matrix.at("/sluiceVsHaproxy/p99Ratio").asDouble()).isEqualTo(0.8);
        assertThat(matrix.at("/sluiceVsHaproxy/verdict").asText()).isEqualTo("met");
        assertThat(matrix.at("/sluiceVsHaproxy/rounds")).hasSize(3);
    }

    @Test
    void whatWasNotMeasuredIsNullAndSluiceIsMarkedAbsent() throws Exception {
        ProxyBenchOptions options = ProxyBenchOptions.parse("--threads", "1");
        List<Target> targets = List.of(Target.DIRECT, Target.HAPROXY, Target.NGINX);
        List<Run> runs = ComparisonTest.threeRounds(30_000, 2_000).stream()
                .filter(r -> r.target() == Target.DIRECT || r.target() == Target.HAPROXY).toList();
        ResultsFile file = results(options, targets, runs, Map.of(Target.NGINX, "could not start"));
        JsonNode root = new ObjectMapper().readTree(file.toJson().toString());

        assertThat(root.at("/sluice/measured").asBoolean()).isFalse();
        assertThat(root.at("/sluice/note").asText()).contains("not available");
        JsonNode nginx = root.at("/matrices/0/medians/2");
        assertThat(nginx.get("target").asText()).isEqualTo("nginx");
        assertThat(nginx.get("rounds").asInt()).isZero();
        assertThat(nginx.get("requestsPerSecond").isNull()).isTrue();
        assertThat(nginx.get("failure").asText()).isEqualTo("could not start");
        assertThat(root.at("/matrices/0/sluiceVsHaproxy/requestsPerSecondRatio").isNull()).isTrue();
        assertThat(root.at("/matrices/0/sluiceVsHaproxy/verdict").asText()).isEqualTo("not measured");
    }

    @Test
    void theSummaryHasATablePerThreadCountAndTheNoiseNote() {
        ProxyBenchOptions options = ProxyBenchOptions.parse("--threads", "1", "--quick");
        List<Target> targets = List.of(Target.DIRECT, Target.HAPROXY, Target.NGINX);
        List<Run> runs = ComparisonTest.threeRounds(30_000, 2_000).stream()
                .filter(r -> r.target() != Target.SLUICE).toList();
        String md = results(options, targets, runs, Map.of()).summaryMarkdown();
        assertThat(md).contains("## 1 thread, 64 connections\n")
                .contains("| haproxy | 3 | 25,000 |")
                .contains("quick profile")
                .contains("**Sluice was not measured**")
                .contains(ProxyBench.NOISE_NOTE)
                .contains("coordinated omission");
    }
}
