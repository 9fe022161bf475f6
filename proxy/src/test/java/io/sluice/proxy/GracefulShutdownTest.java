package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM's code path ({@link ProxyDaemon#onTerminate()}): stop accepting, close idle keep-alive
 * connections, let the request under way finish, then stop; and the drain deadline.
 */
class GracefulShutdownTest {
    private static TestBackend slowBackend(CountDownLatch arrived, CountDownLatch release) throws Exception {
        return TestBackend.holdingSlow("a", arrived, release);
    }

    @Test
    void sigtermFinishesTheSlowRequestUnderWayThenStops() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<TestBackend> bs = List.of(slowBackend(arrived, release));
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("round-robin", bs, "drainTimeout: 30s\n", ""),
                bs); RawConnection idle = new RawConnection(f.port())) {
            assertThat(idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            CompletableFuture<HttpResponse<String>> slow = f.client.sendAsync(HttpRequest.newBuilder(f.uri("/slow"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

            f.daemon.onTerminate();
            assertThat(DaemonFixture.await(10, () -> f.daemon.proxy().stopping())).isTrue();
            assertThat(ReloadTest.refused(f.port())).as("no new connection is accepted").isTrue();
            assertThat(idle.closedByPeer()).as("an idle keep-alive connection is closed").isTrue();
            // Not ready, so no new traffic, but live, so no orchestrator kills it before its requests end.
            HttpResponse<String> ready = f.admin("GET", "/ready", null);
            assertThat(ready.statusCode()).as("not ready while draining").isEqualTo(503);
            assertThat(DaemonFixture.JSON.readTree(ready.body()).get("status").asText()).isEqualTo("draining");
            assertThat(f.admin("GET", "/live", null).statusCode()).as("live while draining").isEqualTo(200);
            HttpResponse<String> health = f.admin("GET", "/health", null);
            assertThat(health.statusCode()).as("the status page answers while draining").isEqualTo(200);
            JsonNode h = DaemonFixture.JSON.readTree(health.body());
            assertThat(h.get("status").asText()).isEqualTo("draining");
            assertThat(h.get("ready").asBoolean()).isFalse();
            assertThat(h.get("connections").asInt()).isEqualTo(1);
            assertThat(f.daemon.awaitStopped(200, TimeUnit.MILLISECONDS)).as("waits for the request").isFalse();
            HttpResponse<String> refusedReload = f.admin("POST", "/reload", null);
            assertThat(refusedReload.statusCode()).isEqualTo(422);
            assertThat(refusedReload.body()).contains("stopping");

            release.countDown();
            HttpResponse<String> r = slow.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
            assertThat(f.daemon.awaitStopped(30, TimeUnit.SECONDS)).isTrue();
            assertThat(f.daemon.stop()).as("every connection finished before the deadline").isTrue();
            assertThat(f.log).anyMatch(l -> l.equals("INFO stopped; every connection finished"));
        }
    }

    @Test
    void theDrainDeadlineCutsWhatIsStillRunning() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<TestBackend> bs = List.of(slowBackend(arrived, release));
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("round-robin", bs, "drainTimeout: 300ms\n",
                ""), bs)) {
            CompletableFuture<HttpResponse<String>> slow = f.client.sendAsync(HttpRequest.newBuilder(f.uri("/slow"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(f.daemon.stop()).as("a connection was still open at the deadline").isFalse();
            assertThatThrownBy(() -> slow.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(f.log).anyMatch(l -> l.startsWith("WARN stopped; connections still open") && l.contains("closed"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void theProxysOwnShutdownWithoutTheDaemonDrainsToo() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(TestBackend.start("a")), "", "")) {
            assertThat(f.get("/").statusCode()).isEqualTo(200);
            assertThat(f.proxy.shutdown(5_000_000_000L)).isTrue();
            assertThat(f.proxy.stopping()).isTrue();
            assertThat(f.proxy.connections()).isZero();
        }
    }
}
