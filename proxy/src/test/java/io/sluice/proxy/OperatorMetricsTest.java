package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What an operator reads on /metrics besides the traffic counters, against a running daemon: the
 * build, the JVM, upstream connections open and idle per backend, health check results, reload
 * outcomes and connections refused over the listener's limit.
 */
class OperatorMetricsTest {
    private static Map<String, Double> scrape(DaemonFixture f) throws Exception {
        HttpResponse<String> m = f.admin("GET", "/metrics", null);
        assertThat(m.statusCode()).isEqualTo(200);
        return TelemetryTest.samples(m.body());
    }

    @Test
    void buildJvmConnectionsChecksReloadsAndRefusals() throws Exception {
        List<TestBackend> bs = List.of(TestBackend.start("a"));
        String yaml = DaemonFixture.config("round-robin", bs, "",
                "    health-check: { type: http, path: /health, interval: 1s, timeout: 1s }\n")
                .replace("    bind: 127.0.0.1:0\n", "    bind: 127.0.0.1:0\n    max-connections: 1\n");
        try (DaemonFixture f = DaemonFixture.start(yaml, bs)) {
            Map<String, Double> s = scrape(f);
            assertThat(BuildInfo.version()).as("stamped by the build").matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(s.get("sluice_build_info{version=\"" + BuildInfo.version() + "\"}")).isEqualTo(1.0);
            assertThat(s).containsKey("process_cpu_seconds_total");
            assertThat(s.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\"}"));
            assertThat(s.keySet()).anyMatch(k -> k.startsWith("jvm_threads_current"));
            for (String r : List.of("applied", "invalid", "refused")) {
                assertThat(s.get("sluice_config_reloads_total{result=\"" + r + "\"}")).as(r).isEqualTo(0.0);
            }
            assertThat(s.get("sluice_listener_connections_refused_total{listener=\"web\"}")).isEqualTo(0.0);

            // One client connection, kept alive, holds the listener's only slot; its request leaves a
            // connection to the backend in the pool.
            try (RawConnection held = new RawConnection(f.port())) {
                assertThat(held.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
                try (RawConnection over = new RawConnection(f.port())) {
                    assertThat(over.closedByPeer()).as("over max-connections: closed at once").isTrue();
                }
                assertThat(DaemonFixture.await(10, () -> value(f,
                        "sluice_listener_connections_refused_total{listener=\"web\"}") == 1.0)).isTrue();
                assertThat(DaemonFixture.await(10, () -> value(f,
                        "sluice_backend_connections_idle{backend=\"a\",cluster=\"c\"}") >= 1.0)).isTrue();
                s = scrape(f);
                assertThat(s.get("sluice_backend_connections_open{backend=\"a\",cluster=\"c\"}"))
                        .isGreaterThanOrEqualTo(s.get("sluice_backend_connections_idle{backend=\"a\",cluster=\"c\"}"));
            }

            assertThat(DaemonFixture.await(10, () -> value(f,
                    "sluice_health_checks_total{backend=\"a\",cluster=\"c\",result=\"passed\"}") >= 3.0)).isTrue();
            s = scrape(f);
            assertThat(s.get("sluice_health_checks_total{backend=\"a\",cluster=\"c\",result=\"failed\"}")).isEqualTo(0.0);
            assertThat(s.get("sluice_health_checks_total{backend=\"a\",cluster=\"c\",result=\"timeout\"}")).isEqualTo(0.0);

            assertThat(f.admin("POST", "/reload", null).statusCode()).isEqualTo(200);
            f.rewrite("listeners: [oops\n");
            assertThat(f.admin("POST", "/reload", null).statusCode()).isEqualTo(422);
            s = scrape(f);
            assertThat(s.get("sluice_config_reloads_total{result=\"applied\"}")).isEqualTo(1.0);
            assertThat(s.get("sluice_config_reloads_total{result=\"invalid\"}")).isEqualTo(1.0);
            assertThat(s.get("sluice_config_reloads_total{result=\"refused\"}")).isEqualTo(0.0);
            assertThat(f.log).anyMatch(l -> l.startsWith("INFO POST /reload: reloaded"))
                    .anyMatch(l -> l.startsWith("WARN POST /reload: reload refused, the config has"));
        }
    }

    private static double value(DaemonFixture f, String series) {
        try {
            Double v = scrape(f).get(series);
            return v == null ? -1 : v;
        } catch (Exception e) {
            return -1;
        }
    }
}
