package io.sluice.cli.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExtraSectionsTest {
    @Test
    void proxyBenchMediansBecomeATablePerMatrix(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("proxy-bench.json");
        Files.writeString(f, """
                {"schema": "sluice.proxy-bench/1", "startedAt": "2026-12-05T17:00:00Z", "machine": {"cpus": 2},
                 "matrices": [{"threads": 1, "connections": 64, "medians": [
                   {"target": "sluice", "requestsPerSecond": 41234.5, "p50Micros": 1200, "p99Micros": 3400.25,
                    "cpuMicrosPerRequest": 21.5, "errors": 0},
                   {"target": "haproxy", "requestsPerSecond": 45000, "p50Micros": 1100, "p99Micros": null,
                    "cpuMicrosPerRequest": 19, "errors": 2}],
                   "sluiceVsHaproxy": {"verdict": "within 10%"}}]}
                """);
        String html = ExtraSections.proxyBench(f);
        assertThat(html).contains("id=\"proxy-bench\"", "1 thread(s), 64 connections", "<td class=\"l\">sluice</td>"
                + "<td>41234.5</td><td>1200.0</td><td>3400.3</td><td>21.5</td><td>0</td>", "n/a", "within 10%");
    }

    @Test
    void anotherJsonIsRefusedNamingTheSchema(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("results.json");
        Files.writeString(f, "{\"schema\": \"sluice.simulation-results\"}");
        assertThatThrownBy(() -> ExtraSections.proxyBench(f)).hasMessageContaining("results.json: schema:"
                + " 'sluice.simulation-results' is not a proxy benchmark's");
    }

    @Test
    void theNewestGatlingRunIsRead(@TempDir Path dir) throws IOException {
        Path run = Files.createDirectories(dir.resolve("scenarioplansimulation-20261205").resolve("js"));
        Files.writeString(run.resolve("stats.json"), """
                {"type": "GROUP", "name": "All Requests", "stats": {
                  "numberOfRequests": {"total": 5585, "ok": 5580, "ko": 5},
                  "percentiles1": {"total": 23, "ok": 23, "ko": 1000},
                  "percentiles4": {"total": 140, "ok": 139, "ko": 1000},
                  "meanNumberOfRequestsPerSecond": {"total": 279.25, "ok": 279, "ko": 0.25}}}
                """);
        String html = ExtraSections.gatling(dir);
        assertThat(html).contains("id=\"gatling\"", "<td class=\"l\">requests</td><td>5585.0</td><td>5580.0</td>",
                "<td class=\"l\">p99 ms</td><td>140.0</td>", "<td class=\"l\">p75 ms</td><td>n/a</td>");
        assertThatThrownBy(() -> ExtraSections.gatling(dir.resolve("scenarioplansimulation-20261205").resolve("js")))
                .hasMessageContaining("no Gatling run here");
    }
}
