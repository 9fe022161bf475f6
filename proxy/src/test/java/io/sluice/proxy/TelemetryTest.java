package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the running proxy reports: Prometheus metrics on the admin API, the access log, affinity counters. */
class TelemetryTest {
    /** Routes /app to cluster c; everything else matches no route (404). */
    private static String routedConfig(List<TestBackend> bs, String top) {
        return DaemonFixture.config("round-robin", bs, top, "")
                .replace("    routes:\n      - cluster: c\n",
                        "    routes:\n      - { name: app, match: { path-prefix: /app }, cluster: c }\n");
    }

    @Test
    void metricsCountRequestsByStatusClassAndPassPromtool() throws Exception {
        TestBackend a = TestBackend.start("a", (b, req, out) -> {
            if (req.target().equals("/app/fail")) {
                out.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return true;
            }
            return TestBackend.hello(b, req, out);
        });
        List<TestBackend> bs = List.of(a);
        try (DaemonFixture f = DaemonFixture.start(routedConfig(bs, ""), bs)) {
            for (int i = 0; i < 3; i++) {
                assertThat(f.get("/app/x").statusCode()).isEqualTo(200);
            }
            assertThat(f.get("/app/fail").statusCode()).isEqualTo(503);
            assertThat(f.get("/elsewhere").statusCode()).isEqualTo(404);
            assertThat(f.get("/elsewhere").statusCode()).isEqualTo(404);
            // The request end is recorded right after its last byte is written: let the counters catch up.
            assertThat(DaemonFixture.await(10, () -> {
                try {
                    Double n = samples(f.admin("GET", "/metrics", null).body()).get(
                            "sluice_requests_total{backend=\"none\",cluster=\"none\",code_class=\"4xx\","
                                    + "listener=\"web\",route=\"none\"}");
                    return n != null && n == 2.0;
                } catch (Exception e) {
                    return false;
                }
            })).isTrue();
            HttpResponse<String> m = f.admin("GET", "/metrics", null);
            Map<String, Double> s = samples(m.body());
            String app = "backend=\"a\",cluster=\"c\",code_class=\"%s\",listener=\"web\",route=\"app\"";
            assertThat(s.get("sluice_requests_total{" + app.formatted("2xx") + "}")).isEqualTo(3.0);
            assertThat(s.get("sluice_requests_total{" + app.formatted("5xx") + "}")).isEqualTo(1.0);
            assertThat(s.get("sluice_requests_total{" + app.formatted("4xx") + "}")).isEqualTo(0.0);
            assertThat(s.get("sluice_request_duration_seconds_count{backend=\"a\",cluster=\"c\"}")).isEqualTo(4.0);
            assertThat(s.get("sluice_backend_attempts_total{backend=\"a\",cluster=\"c\",outcome=\"response\"}"))
                    .isEqualTo(4.0);
            assertThat(s.get("sluice_backend_requests_in_flight{backend=\"a\",cluster=\"c\"}")).isEqualTo(0.0);
            assertThat(s.get("sluice_listener_connections_accepted_total{listener=\"web\"}")).isGreaterThanOrEqualTo(1.0);
            assertThat(s.get("sluice_backend_state{backend=\"a\",cluster=\"c\",state=\"healthy\"}")).isEqualTo(1.0);

            File promtool = findOnPath("promtool");
            assumeThat(promtool).as("promtool is not installed (Debian package 'prometheus'); skipping the lint")
                    .isNotNull();
            Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(m.body().getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("promtool's findings").isEmpty();
            assertThat(p.exitValue()).isZero();
        }
    }

    @Test
    void theAccessLogHasALineWithEveryFieldPerRequest() throws Exception {
        List<TestBackend> bs = List.of(TestBackend.start("a"));
        Path dir = Files.createTempDirectory("sluice-access-log");
        Path log = dir.resolve("access.log");
        try {
            Instant before = Instant.now().minusSeconds(1);
            try (DaemonFixture f = DaemonFixture.start(routedConfig(bs, "access-log: { path: '" + log + "' }\n"), bs)) {
                HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/app/items?x=1"))
                        .POST(HttpRequest.BodyPublishers.ofString("hello")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(f.get("/nowhere").statusCode()).isEqualTo(404);
            }
            // The daemon's stop closed the log, which writes out every queued line.
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).hasSize(2);
            JsonNode ok = DaemonFixture.JSON.readTree(lines.get(0));
            Set<String> fields = new HashSet<>();
            ok.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactlyInAnyOrder("time", "request_id", "client_address", "method", "path",
                    "host", "status", "bytes_in", "bytes_out", "duration_ms", "upstream_backend", "upstream_address",
                    "attempts", "cluster", "route", "listener", "outcome", "start_us", "affinity_key",
                    "upstream_ttfb_ms", "upstream_ms", "protocol", "tls_version", "grpc_status");
            assertThat(ok.get("protocol").asText()).isEqualTo("HTTP/1.1");
            assertThat(ok.get("tls_version").isNull()).as("a plain listener").isTrue();
            assertThat(ok.get("grpc_status").isNull()).as("not a gRPC call").isTrue();
            assertThat(Instant.parse(ok.get("time").asText())).isAfter(before);
            // The precise start agrees with the millisecond time to within the clocks' anchoring (1 s here).
            long startMicros = ok.get("start_us").asLong();
            assertThat(Math.abs(startMicros / 1000 - Instant.parse(ok.get("time").asText()).toEpochMilli()))
                    .isLessThan(1000);
            assertThat(ok.get("affinity_key").isNull()).as("no session affinity configured").isTrue();
            double ttfb = ok.get("upstream_ttfb_ms").asDouble();
            assertThat(ttfb).isPositive().isLessThanOrEqualTo(ok.get("upstream_ms").asDouble());
            assertThat(ok.get("upstream_ms").asDouble()).isLessThanOrEqualTo(ok.get("duration_ms").asDouble());
            assertThat(ok.get("request_id").asText()).isNotBlank();
            assertThat(ok.get("client_address").asText()).startsWith("127.0.0.1:");
            assertThat(ok.get("method").asText()).isEqualTo("POST");
            assertThat(ok.get("path").asText()).isEqualTo("/app/items?x=1");
            assertThat(ok.get("status").asInt()).isEqualTo(200);
            assertThat(ok.get("bytes_in").asLong()).isEqualTo(5);
            assertThat(ok.get("bytes_out").asLong()).isEqualTo(1);
            assertThat(ok.get("duration_ms").asDouble()).isGreaterThan(0);
            assertThat(ok.get("upstream_backend").asText()).isEqualTo("a");
            assertThat(ok.get("upstream_address").asText()).isEqualTo(bs.get(0).address());
            assertThat(ok.get("attempts").asInt()).isEqualTo(1);
            assertThat(ok.get("cluster").asText()).isEqualTo("c");
            assertThat(ok.get("route").asText()).isEqualTo("app");
            assertThat(ok.get("listener").asText()).isEqualTo("web");
            assertThat(ok.get("outcome").asText()).isEqualTo("ok");
            JsonNode none = DaemonFixture.JSON.readTree(lines.get(1));
            assertThat(none.get("status").asInt()).isEqualTo(404);
            assertThat(none.get("outcome").asText()).isEqualTo("no_route");
            assertThat(none.get("upstream_backend").isNull()).isTrue();
            assertThat(none.get("upstream_ttfb_ms").isNull()).as("no backend was asked").isTrue();
            assertThat(none.get("upstream_ms").isNull()).isTrue();
            assertThat(none.get("start_us").asLong()).isGreaterThanOrEqualTo(startMicros);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void headerAffinityWithoutAHashKeepsKeysOnTheirBackendAndMovesThemWhenItDrains() throws Exception {
        List<TestBackend> bs = List.of(TestBackend.start("a"), TestBackend.start("b"), TestBackend.start("c"));
        String cfg = DaemonFixture.config("round-robin", bs, "",
                "    session-persistence: { mode: header, name: x-device, idle-ttl: 10m }\n");
        try (DaemonFixture f = DaemonFixture.start(cfg, bs)) {
            Map<String, String> home = new HashMap<>();
            for (int round = 0; round < 3; round++) {
                for (int d = 0; d < 9; d++) {
                    String backend = device(f, "dev-" + d);
                    String was = home.putIfAbsent("dev-" + d, backend);
                    assertThat(backend).as("dev-" + d + " stays on its backend").isEqualTo(was == null ? backend : was);
                }
            }
            // First lookups are round robin's picks: 9 keys over 3 backends, 3 each.
            assertThat(new HashSet<>(home.values())).containsExactlyInAnyOrder("a", "b", "c");
            String victim = home.get("dev-0");
            assertThat(f.admin("POST", "/clusters/c/backends/" + victim + "/drain", null).statusCode()).isEqualTo(200);
            List<String> moved = new ArrayList<>();
            for (Map.Entry<String, String> e : home.entrySet()) {
                String now = device(f, e.getKey());
                assertThat(now).isNotEqualTo(victim);
                if (e.getValue().equals(victim)) {
                    moved.add(e.getKey());
                    assertThat(device(f, e.getKey())).as("a moved key stays where it moved").isEqualTo(now);
                } else {
                    assertThat(now).isEqualTo(e.getValue());
                }
            }
            JsonNode table = f.adminJson("/clusters/c").get("sessionPersistence").get("table");
            assertThat(table.get("moves").asLong()).isEqualTo(moved.size());
            assertThat(table.get("misses").asLong()).isEqualTo(9);
            assertThat(table.get("entries").asInt()).isEqualTo(9);
            String metrics = f.admin("GET", "/metrics", null).body();
            assertThat(metrics).contains("sluice_affinity_lookups_total{cluster=\"c\",result=\"move\"} "
                    + (double) moved.size());
            assertThat(metrics).contains("sluice_affinity_entries{cluster=\"c\"} 9.0");
        }
    }

    private static String device(DaemonFixture f, String id) throws Exception {
        HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/")).header("x-device", id)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    static File findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File file = new File(dir, name);
            if (file.isFile() && file.canExecute()) {
                return file;
            }
        }
        return null;
    }
}
