package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.algorithms.HealthState;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admin API over a real socket: listings, weight, drain, and its answers to bad requests. */
class AdminApiTest {
    private static List<TestBackend> backends(String... ids) throws IOException {
        TestBackend[] out = new TestBackend[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = TestBackend.start(ids[i]);
        }
        return List.of(out);
    }

    @Test
    void listsClustersAndBackendsWithHealthLoadAndWeight() throws Exception {
        List<TestBackend> bs = backends("a", "b");
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("round-robin", bs, "", ""), bs)) {
            for (int i = 0; i < 4; i++) {
                assertThat(f.get("/").statusCode()).isEqualTo(200);
            }
            JsonNode list = f.adminJson("/clusters").get("clusters");
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("name").asText()).isEqualTo("c");
            assertThat(list.get(0).get("backends").asInt()).isEqualTo(2);
            assertThat(list.get(0).get("available").asInt()).isEqualTo(2);

            JsonNode c = f.adminJson("/clusters/c");
            assertThat(c.get("strategy").get("name").asText()).isEqualTo("round-robin");
            assertThat(c.get("healthCheck").get("type").asText()).isEqualTo("none");
            JsonNode a = f.backend("a");
            assertThat(a.get("health").asText()).isEqualTo("healthy");
            assertThat(a.get("weight").asInt()).isEqualTo(1);
            assertThat(a.get("inFlight").asInt()).isZero();
            assertThat(a.get("completed").asLong() + f.backend("b").get("completed").asLong()).isEqualTo(4);
            assertThat(a.get("ewmaMs").asDouble()).isGreaterThan(0);
            assertThat(a.get("check").isNull()).as("no health check configured").isTrue();
            assertThat(a.get("opinions").get("draining").asBoolean()).isFalse();
        }
    }

    @Test
    void drainFinishesTheRequestUnderWayAndTakesNoNewOnes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch arrived = new CountDownLatch(1);
        TestBackend slow = TestBackend.holdingSlow("a", arrived, release);
        List<TestBackend> bs = List.of(slow, TestBackend.start("b"));
        // Cookie affinity pins the requests to "a" until it is drained.
        String cfg = DaemonFixture.config("round-robin", bs, "",
                "    sessionPersistence: { mode: cookie, name: SRV }\n");
        try (DaemonFixture f = DaemonFixture.start(cfg, bs)) {
            CompletableFuture<HttpResponse<String>> inFlight = f.client.sendAsync(HttpRequest.newBuilder(f.uri("/slow"))
                    .header("Cookie", "SRV=a").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> drained = f.admin("POST", "/clusters/c/backends/a/drain", null);
            assertThat(drained.statusCode()).isEqualTo(200);
            JsonNode d = DaemonFixture.JSON.readTree(drained.body());
            assertThat(d.get("health").asText()).isEqualTo("draining");
            assertThat(d.get("inFlight").asInt()).isEqualTo(1);
            assertThat(f.cluster().loadBalancer().endpoint("a").health()).isEqualTo(HealthState.DRAINING);

            int before = slow.requestCount();
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/")).header("Cookie", "SRV=a")
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).as("a drained backend takes no new request, sticky or not").isEqualTo("b");
            }
            assertThat(slow.requestCount()).isEqualTo(before);

            release.countDown();
            HttpResponse<String> finished = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).as("the request under way finishes").isEqualTo(200);
            assertThat(finished.body()).isEqualTo("a");

            assertThat(f.admin("POST", "/clusters/c/backends/a/undrain", null).statusCode()).isEqualTo(200);
            HttpResponse<String> back = f.client.send(HttpRequest.newBuilder(f.uri("/")).header("Cookie", "SRV=a")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(back.body()).isEqualTo("a");
        }
    }

    /**
     * Server-reported load (what the Node Manager will send over Kafka) steers p2c-utilisation:
     * with a reported 0.95 against 0.05, b loses every two-choices comparison it is part of, and
     * two distinct choices out of two backends always include a, so a gets every request.
     */
    @Test
    void reportedUtilisationSteersTheUtilisationStrategy() throws Exception {
        List<TestBackend> bs = backends("a", "b");
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("p2c-utilisation", bs, "", ""), bs)) {
            HttpResponse<String> r = f.admin("POST", "/clusters/c/backends/b/load", "{\"utilisation\": 0.95}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(f.admin("POST", "/clusters/c/backends/a/load", "{\"utilisation\": 0.05}").statusCode())
                    .isEqualTo(200);
            for (int i = 0; i < 20; i++) {
                assertThat(f.get("/").body()).isEqualTo("a");
            }
            assertThat(f.cluster().loadBalancer().endpoint("b").load().utilisation()).isEqualTo(0.95);

            assertThat(f.admin("POST", "/clusters/c/backends/b/load", "{\"utilisation\": 1.5}").statusCode())
                    .isEqualTo(400);
            assertThat(f.admin("POST", "/clusters/c/backends/b/load", "{\"load\": 0.5}").statusCode())
                    .isEqualTo(400);
            assertThat(f.admin("POST", "/clusters/c/backends/zz/load", "{\"utilisation\": 0.5}").statusCode())
                    .isEqualTo(404);
            assertThat(f.admin("GET", "/clusters/c/backends/b/load", null).statusCode()).isEqualTo(405);
            assertThat(f.daemon.proxy().loadReports().report("c", "gone", 0.5)).isFalse();
        }
    }

    @Test
    void aWeightChangeShiftsTheShares() throws Exception {
        List<TestBackend> bs = backends("a", "b");
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("weighted-round-robin", bs, "", ""), bs)) {
            HttpResponse<String> r = f.admin("POST", "/clusters/c/backends/a/weight", "{\"weight\": 3}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(DaemonFixture.JSON.readTree(r.body()).get("weight").asInt()).isEqualTo(3);
            assertThat(f.backend("a").get("weight").asInt()).isEqualTo(3);
            assertThat(f.backend("a").get("configuredWeight").asInt()).isEqualTo(1);
            int toA = 0;
            int n = 400;
            for (int i = 0; i < n; i++) {
                if (f.get("/").body().equals("a")) {
                    toA++;
                }
            }
            // Weights 3:1 give a 3/4 of the requests: weighted round robin is deterministic, so one
            // client's 400 sequential requests split 300:100 up to where the cycle starts (a few
            // requests); [0.70, 0.80] leaves room for that and nothing more.
            assertThat(toA / (double) n).isBetween(0.70, 0.80);
            assertThat(f.daemon.proxy().metrics().scrapeText())
                    .contains("sluice_backend_weight{backend=\"a\",cluster=\"c\"} 3.0");
        }
    }

    @Test
    void badAdminRequestsGetTheirStatusAndAMessage() throws Exception {
        List<TestBackend> bs = backends("a");
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("round-robin", bs, "", ""), bs)) {
            assertThat(f.admin("GET", "/nope", null).statusCode()).isEqualTo(404);
            assertThat(f.admin("GET", "/clusters/nope", null).statusCode()).isEqualTo(404);
            HttpResponse<String> noBackend = f.admin("POST", "/clusters/c/backends/zz/drain", null);
            assertThat(noBackend.statusCode()).isEqualTo(404);
            assertThat(noBackend.body()).contains("no backend 'zz'").contains("backends: a");

            HttpResponse<String> wrongMethod = f.admin("GET", "/clusters/c/backends/a/drain", null);
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
            assertThat(f.admin("DELETE", "/clusters", null).statusCode()).isEqualTo(405);
            assertThat(f.admin("POST", "/metrics", "x").statusCode()).isEqualTo(405);
            assertThat(f.admin("GET", "/reload", null).statusCode()).isEqualTo(405);

            HttpResponse<String> badJson = f.admin("POST", "/clusters/c/backends/a/weight", "{weight: 3");
            assertThat(badJson.statusCode()).isEqualTo(400);
            assertThat(DaemonFixture.JSON.readTree(badJson.body()).get("error").asText()).contains("not JSON");
            for (String body : new String[]{"{\"weight\": 0}", "{\"weight\": -1}", "{\"weight\": 1000001}",
                    "{\"weight\": 2.5}", "{\"weight\": \"3\"}", "{}", "[3]", "{\"weight\": 3, \"x\": 1}"}) {
                HttpResponse<String> bad = f.admin("POST", "/clusters/c/backends/a/weight", body);
                assertThat(bad.statusCode()).as(body).isEqualTo(400);
                assertThat(DaemonFixture.JSON.readTree(bad.body()).get("error").asText()).as(body).isNotBlank();
            }
            assertThat(f.cluster().weight("a")).as("nothing changed").isEqualTo(1);
        }
    }

    @Test
    void liveAndReadyAnswer200WhileServingAndOnlyToGet() throws Exception {
        List<TestBackend> bs = backends("a");
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("round-robin", bs, "", ""), bs)) {
            HttpResponse<String> live = f.admin("GET", "/live", null);
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(DaemonFixture.JSON.readTree(live.body()).get("status").asText()).isEqualTo("live");
            HttpResponse<String> ready = f.admin("GET", "/ready", null);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(DaemonFixture.JSON.readTree(ready.body()).get("status").asText()).isEqualTo("ready");
            HttpResponse<String> post = f.admin("POST", "/ready", "{}");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("allow")).hasValue("GET");
            assertThat(f.admin("GET", "/nope", null).body()).contains("GET /live, GET /ready");
        }
    }

    @Test
    void healthSaysServingAndMetricsAreThePrometheusText() throws Exception {
        List<TestBackend> bs = backends("a");
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("round-robin", bs, "", ""), bs)) {
            HttpResponse<String> h = f.admin("GET", "/health", null);
            assertThat(h.statusCode()).isEqualTo(200);
            JsonNode health = DaemonFixture.JSON.readTree(h.body());
            assertThat(health.get("status").asText()).isEqualTo("serving");
            assertThat(health.get("ready").asBoolean()).isTrue();
            assertThat(health.get("listeners").get("web").asText()).endsWith(":" + f.port());
            assertThat(f.get("/").statusCode()).isEqualTo(200);
            HttpResponse<String> m = f.admin("GET", "/metrics", null);
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
            assertThat(m.body()).contains("sluice_requests_total{backend=\"a\",cluster=\"c\",code_class=\"2xx\","
                    + "listener=\"web\",route=\"0\"} 1.0");
        }
    }

    @Test
    void anAdminConnectionIsKeptAliveAcrossRequests() throws Exception {
        List<TestBackend> bs = backends("a");
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("round-robin", bs, "", ""), bs);
             RawConnection c = new RawConnection(f.daemon.adminAddress().getPort())) {
            for (int i = 0; i < 3; i++) {
                RawConnection.Response r = c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
            }
            RawConnection.Response r = c.send("GET /clusters HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"clusters\"");
            assertThat(c.closedByPeer()).isTrue();
        }
    }
}
