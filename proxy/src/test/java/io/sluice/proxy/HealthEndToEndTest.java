package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.algorithms.HealthState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Active health checks and passive outlier detection, end to end: real backends whose health the
 * test switches, the proxy's own checks and data path, traffic from a real client.
 */
class HealthEndToEndTest {
    /**
     * A backend whose {@code /health} answers 200 or 503 as {@link #healthy} says and records, for
     * each failing and each passing answer, the health the proxy gave it at that moment.
     */
    static final class Switchable {
        final AtomicBoolean healthy = new AtomicBoolean(true);
        final List<HealthState> stateAtFailure = new CopyOnWriteArrayList<>();
        final List<HealthState> stateAtPass = new CopyOnWriteArrayList<>();
        final AtomicInteger traffic = new AtomicInteger();
        final AtomicReference<DaemonFixture> fixture = new AtomicReference<>();
        final TestBackend backend;

        Switchable(String id) throws IOException {
            backend = TestBackend.start(id, (b, req, out) -> {
                if (!req.target().equals("/health")) {
                    traffic.incrementAndGet();
                    return TestBackend.hello(b, req, out);
                }
                DaemonFixture f = fixture.get();
                HealthState now = f == null ? null : f.cluster().loadBalancer().endpoint(id).health();
                boolean ok = healthy.get();
                (ok ? stateAtPass : stateAtFailure).add(now);
                byte[] body = (ok ? "ok" : "sick").getBytes(StandardCharsets.US_ASCII);
                out.write(((ok ? "HTTP/1.1 200 OK" : "HTTP/1.1 503 Service Unavailable") + "\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                return true;
            });
        }
    }

    @Test
    void aBackendFailingItsChecksLeavesAfterFallAndComesBackAfterRise() throws Exception {
        Switchable sick = new Switchable("sick");
        TestBackend well = TestBackend.start("well");
        List<TestBackend> bs = List.of(sick.backend, well);
        String cfg = DaemonFixture.config("round-robin", bs, "", """
                    health-check: { type: http, path: /health, interval: 200ms, timeout: 200ms, rise: 2, fall: 3 }
                """);
        try (DaemonFixture f = DaemonFixture.start(cfg, bs)) {
            sick.fixture.set(f);
            // Backends start fully up (init-state fully-up): 3 failed checks to fall.
            assertThat(DaemonFixture.await(10, () -> !sick.stateAtPass.isEmpty())).isTrue();
            assertThat(DaemonFixture.await(10, () -> {
                try {
                    return f.backend("sick").get("check").get("counter").asText().equals("3/3 UP");
                } catch (Exception e) {
                    return false;
                }
            })).isTrue();
            for (int i = 0; i < 10; i++) {
                f.get("/");
            }
            assertThat(sick.traffic.get()).as("round robin sends it half").isEqualTo(5);

            sick.healthy.set(false);
            assertThat(DaemonFixture.await(10, () -> state(f, "sick") == HealthState.UNHEALTHY)).isTrue();
            // The k-th failing answer is served before the proxy has read it, so while serving failures 1..fall
            // the backend must still be in rotation; it leaves once the fall-th has been counted.
            assertThat(sick.stateAtFailure).hasSizeGreaterThanOrEqualTo(3);
            assertThat(sick.stateAtFailure.subList(0, 3)).containsOnly(HealthState.HEALTHY);
            JsonNode down = f.backend("sick");
            assertThat(down.get("health").asText()).isEqualTo("unhealthy");
            assertThat(down.get("check").get("status").asText()).isEqualTo("DOWN");
            assertThat(down.get("check").get("code").asText()).isEqualTo("L7STS");
            assertThat(down.get("opinions").get("activeUp").asBoolean()).isFalse();
            int before = sick.traffic.get();
            for (int i = 0; i < 10; i++) {
                assertThat(f.get("/").body()).isEqualTo("well");
            }
            assertThat(sick.traffic.get()).as("no traffic while down").isEqualTo(before);

            int passesBefore = sick.stateAtPass.size();
            sick.healthy.set(true);
            assertThat(DaemonFixture.await(10, () -> state(f, "sick") == HealthState.HEALTHY)).isTrue();
            List<HealthState> recovering = sick.stateAtPass.subList(passesBefore, sick.stateAtPass.size());
            assertThat(recovering).hasSizeGreaterThanOrEqualTo(2);
            assertThat(recovering.subList(0, 2)).as("still out while serving passes 1..rise")
                    .containsOnly(HealthState.UNHEALTHY);
            for (int i = 0; i < 10; i++) {
                f.get("/");
            }
            assertThat(sick.traffic.get()).as("back in rotation").isGreaterThan(before);
            String metrics = f.daemon.proxy().metrics().scrapeText();
            assertThat(metrics).contains("sluice_backend_health_transitions_total{backend=\"sick\",cluster=\"c\","
                    + "state=\"unhealthy\"} 1.0");
            assertThat(metrics).contains("sluice_backend_health_transitions_total{backend=\"sick\",cluster=\"c\","
                    + "state=\"healthy\"} 1.0");
        }
    }

    @Test
    void consecutive5xxEjectAndTheEjectionEnds() throws Exception {
        TestBackend bad = TestBackend.start("bad", (b, req, out) -> {
            out.write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\n\r\nbad"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        });
        TestBackend good = TestBackend.start("good");
        List<TestBackend> bs = List.of(bad, good);
        String cfg = DaemonFixture.config("round-robin", bs, "", """
                    outlier-detection: { consecutive-5xx: 3, base-ejection-time: 1s, max-ejection-percent: 50 }
                """);
        try (DaemonFixture f = DaemonFixture.start(cfg, bs)) {
            int errors = 0;
            for (int i = 0; i < 6; i++) {
                if (f.get("/").statusCode() == 500) {
                    errors++;
                }
            }
            assertThat(errors).as("round robin: 3 of 6 went to the bad one").isEqualTo(3);
            // The third 5xx trips the rule on the data path; the ejection reaches the picker through the
            // monitor's event loop an instant later.
            assertThat(DaemonFixture.await(10, () -> state(f, "bad") == HealthState.EJECTED)).isTrue();
            for (int i = 0; i < 10; i++) {
                assertThat(f.get("/").body()).isEqualTo("good");
            }
            JsonNode b = f.backend("bad");
            assertThat(b.get("health").asText()).isEqualTo("ejected");
            assertThat(b.get("outlier").get("ejected").asBoolean()).isTrue();
            assertThat(b.get("outlier").get("reason").asText()).isEqualTo("consecutive_5xx");
            assertThat(f.daemon.proxy().metrics().scrapeText()).contains(
                    "sluice_backend_ejections_total{backend=\"bad\",cluster=\"c\",reason=\"consecutive_5xx\"} 1.0");
            // base ejection time 1 s x multiplier 1: restored by the monitor's timer.
            assertThat(DaemonFixture.await(10, () -> state(f, "bad") == HealthState.HEALTHY)).isTrue();
        }
    }

    private static HealthState state(DaemonFixture f, String id) {
        return f.cluster().loadBalancer().endpoint(id).health();
    }
}
