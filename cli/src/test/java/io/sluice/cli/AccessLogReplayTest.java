package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import io.sluice.proxy.Proxy;
import io.sluice.proxy.config.ConfigParser;
import io.sluice.simulator.run.Progress;
import io.sluice.simulator.run.RunResult;
import io.sluice.simulator.run.Runner;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.WorkloadSpec;
import io.sluice.simulator.workload.Workloads;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture and replay, end to end: the real proxy in front of two real HTTP backends writes its
 * access log while a client sends 40 requests for 8 devices, some slow (the backend takes 120 ms)
 * and most fast (2 ms); the simulator then replays that very file ({@code format: sluice-access-log})
 * and must see 40 requests, the 8 devices as affinity keys, and each request's observed time to
 * first byte as its service demand, so that the slow requests are slow in the simulation too.
 */
class AccessLogReplayTest {
    private static final int REQUESTS = 40;
    private static final int DEVICES = 8;
    private static final long SLOW_MS = 120;
    private static final long FAST_MS = 2;

    @TempDir
    Path dir;

    private static HttpServer backend(String id) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            // The service time the test asks for: /work?ms=N takes N ms before answering.
            String q = exchange.getRequestURI().getQuery();
            long ms = q != null && q.startsWith("ms=") ? Long.parseLong(q.substring(3)) : 0;
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = id.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        return server;
    }

    @Test
    void aCapturedAccessLogReplaysWithItsKeysAndServiceDemands() throws Exception {
        Path log = dir.resolve("access.log");
        HttpServer a = backend("a");
        HttpServer b = backend("b");
        Map<Integer, Long> askedMs = new HashMap<>();
        try {
            String config = "accessLog: { path: '" + log + "' }\n"
                    + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - { name: work, cluster: c }\n"
                    + "clusters:\n  - name: c\n    strategy: { name: round-robin }\n"
                    + "    sessionPersistence: { mode: header, name: x-device }\n"
                    + "    backends:\n"
                    + "      - { id: a, address: '127.0.0.1:" + a.getAddress().getPort() + "' }\n"
                    + "      - { id: b, address: '127.0.0.1:" + b.getAddress().getPort() + "' }\n";
            try (Proxy proxy = Proxy.start(ConfigParser.parse(config))) {
                int port = proxy.address("web").getPort();
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                for (int i = 0; i < REQUESTS; i++) {
                    long ms = i % 5 == 0 ? SLOW_MS : FAST_MS;
                    askedMs.put(i, ms);
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/work?ms=" + ms))
                            .header("x-device", "dev-" + (i % DEVICES)).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                }
            }
            // Closing the proxy closed the log, which writes out every queued line.
        } finally {
            a.stop(0);
            b.stop(0);
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(REQUESTS);
        ObjectMapper json = new ObjectMapper();
        List<Long> loggedDemands = new ArrayList<>();
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            loggedDemands.add(Math.round(n.get("upstream_ttfb_ms").asDouble() * 1_000_000));
        }

        // The arrivals the simulator reads from the file.
        JsonNode workload = new ObjectMapper(new YAMLFactory()).readTree(
                "{kind: trace, path: access.log, format: sluice-access-log}");
        WorkloadSpec spec = Workloads.parse(workload, "workload", dir);
        List<Long> demands = new ArrayList<>();
        Set<String> devices = new HashSet<>();
        long last = -1;
        try (ArrivalStream s = spec.open(1, Long.MAX_VALUE)) {
            Arrival arrival = new Arrival();
            while (s.next(arrival)) {
                assertThat(arrival.timeNanos).as("replayed in start order").isGreaterThanOrEqualTo(last);
                last = arrival.timeNanos;
                devices.add(arrival.deviceId);
                demands.add(arrival.serviceNanos);
            }
        }
        assertThat(demands).hasSize(REQUESTS);
        Set<String> expectedDevices = new HashSet<>();
        for (int d = 0; d < DEVICES; d++) {
            expectedDevices.add("dev-" + d);
        }
        assertThat(devices).isEqualTo(expectedDevices);
        assertThat(demands).containsExactlyInAnyOrderElementsOf(loggedDemands);
        // The client sent one request at a time, so each line's time to first byte is its backend's
        // think time plus loopback: at least what it asked for. 8 slow requests asked 120 ms; the 32
        // fast ones 2 ms, and on loopback they stay far below 120 ms.
        long slow = demands.stream().filter(d -> d >= SLOW_MS * 1_000_000).count();
        assertThat(slow).isEqualTo(askedMs.values().stream().filter(ms -> ms == SLOW_MS).count());
        assertThat(demands).allMatch(d -> d >= FAST_MS * 1_000_000);

        // The whole replay through the simulator: a capacity model of two one-server backends.
        String scenario = """
                seed: 7
                seeds: 1
                duration: 60s
                backends: [{name: api, count: 2, service-time: {distribution: constant, mean: 1ms}}]
                strategies: [rendezvous]
                workload: {kind: trace, path: access.log, format: sluice-access-log}
                """;
        Path file = dir.resolve("replay.yaml");
        Files.writeString(file, scenario);
        Scenario s = Scenarios.load(file.toString(), Scenarios.Options.defaults());
        RunResult result = new Runner(1, Progress.NONE).run(s.runs()).get(0);
        assertThat(result.result().outcomes().requests()).isEqualTo(REQUESTS);
        assertThat(result.result().outcomes().succeeded()).isEqualTo(REQUESTS);
        assertThat(result.result().affinity().devices()).isEqualTo(DEVICES);
        // The demands, not the 1 ms model, set the simulated latency: the slowest request takes at
        // least its observed 120 ms, where the model alone would give about 1 ms.
        assertThat(result.result().latency().maxNanos()).isGreaterThanOrEqualTo(SLOW_MS * 1_000_000);
    }
}
