package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Reloads from the config file, through the admin API and the SIGHUP handler: under load without
 * a failed request, refused when the file is bad (the old config keeps serving), and listeners
 * added and removed.
 */
class ReloadTest {
    private static List<TestBackend> backends(String... ids) throws IOException {
        List<TestBackend> out = new ArrayList<>();
        for (String id : ids) {
            out.add(TestBackend.start(id));
        }
        return out;
    }

    /** A backend that takes about a millisecond, so that requests are under way whenever a reload lands. */
    private static TestBackend paced(String id) throws IOException {
        return TestBackend.start(id, (b, req, out) -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestBackend.hello(b, req, out);
        });
    }

    @Test
    void reloadsUnderLoadFailNoRequest() throws Exception {
        List<TestBackend> all = List.of(paced("a"), paced("b"), paced("c"));
        TestBackend a = all.get(0);
        TestBackend b = all.get(1);
        TestBackend c = all.get(2);
        // Membership grows and shrinks, and the strategy changes (a new load balancer) on the way.
        List<String> configs = List.of(
                DaemonFixture.config("round-robin", List.of(a, b, c), "", ""),
                DaemonFixture.config("round-robin", List.of(a, c), "", ""),
                DaemonFixture.config("least-connections", List.of(a, c), "", ""),
                DaemonFixture.config("least-connections", List.of(b, c), "", ""),
                DaemonFixture.config("round-robin", List.of(a, b), "", ""),
                DaemonFixture.config("round-robin", List.of(a, b, c), "",
                        "    retries: { max-retries: 1 }\n"));
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("round-robin", List.of(a, b), "", ""), all)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            List<String> failures = new CopyOnWriteArrayList<>();
            Map<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                Thread th = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(f.uri("/"))
                                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                                byBackend.computeIfAbsent(r.body(), k -> new AtomicInteger()).incrementAndGet();
                            } else {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (IOException | InterruptedException e) {
                            failures.add(e.toString());
                        }
                    }
                }, "load-" + t);
                th.start();
                clients.add(th);
            }
            List<String> results = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                int before = ok.get();
                assertThat(DaemonFixture.await(20, () -> ok.get() >= before + 50)).as("load flows").isTrue();
                f.rewrite(configs.get(i));
                if (i % 2 == 0) {
                    HttpResponse<String> r = f.admin("POST", "/reload", null);
                    results.add(r.statusCode() + " " + r.body());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                } else {
                    f.daemon.onHangup();
                    assertThat(f.log.get(f.log.size() - 1)).as("SIGHUP reloads").contains("SIGHUP: reloaded");
                }
            }
            int before = ok.get();
            assertThat(DaemonFixture.await(20, () -> ok.get() >= before + 50)).isTrue();
            stop.set(true);
            for (Thread th : clients) {
                th.join(30_000);
            }
            assertThat(failures).as("failed requests during %d reloads", configs.size()).isEmpty();
            assertThat(ok.get()).isGreaterThan(300);
            assertThat(byBackend.keySet()).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(f.cluster().config().backends()).hasSize(3);
            assertThat(results.get(0)).contains("\"changed\" : [ \"c\" ]");
        }
    }

    @Test
    void aBadConfigIsRefusedWithEveryErrorAndTheOldOneKeepsServing() throws Exception {
        List<TestBackend> bs = backends("a", "b");
        String good = DaemonFixture.config("round-robin", bs, "", "");
        try (DaemonFixture f = DaemonFixture.start(good, bs)) {
            String bad = good.replace("strategy: { name: round-robin }", "strategy: { name: no-such-strategy }")
                    .replace("  - name: c\n", "  - name: c\n    colour: blue\n");
            f.rewrite(bad);
            HttpResponse<String> r = f.admin("POST", "/reload", null);
            assertThat(r.statusCode()).isEqualTo(422);
            JsonNode body = DaemonFixture.JSON.readTree(r.body());
            assertThat(body.get("result").asText()).isEqualTo("invalid");
            List<String> errors = new ArrayList<>();
            body.get("errors").forEach(e -> errors.add(e.asText()));
            // Each error names the file and line, then the YAML path.
            assertThat(errors).anyMatch(e -> e.endsWith("sluice.yaml:12: clusters[0].colour: unknown key; allowed here:"
                    + " name, strategy, backends, session-persistence, health-check, outlier-detection, timeouts,"
                    + " retries, picker-refresh, ewma-decay, membership, adaptive-concurrency, upstream"));
            assertThat(errors).anyMatch(e -> e.contains("sluice.yaml:13: clusters[0].strategy:")
                    && e.contains("no-such-strategy"));

            f.rewrite("listeners: [");
            assertThat(f.admin("POST", "/reload", null).statusCode()).isEqualTo(422);
            f.daemon.onHangup();
            assertThat(f.log.get(f.log.size() - 1)).contains("SIGHUP: reload refused");

            Set<String> served = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> g = f.get("/");
                assertThat(g.statusCode()).isEqualTo(200);
                served.add(g.body());
            }
            assertThat(served).containsExactlyInAnyOrder("a", "b");
            assertThat(f.cluster().policy().strategy().name()).isEqualTo("round-robin");

            // A valid file the running proxy cannot take is refused too.
            f.rewrite(good.replace("workers: 2", "workers: 3"));
            HttpResponse<String> workers = f.admin("POST", "/reload", null);
            assertThat(workers.statusCode()).isEqualTo(422);
            JsonNode w = DaemonFixture.JSON.readTree(workers.body());
            assertThat(w.get("result").asText()).isEqualTo("refused");
            assertThat(w.get("errors").get(0).asText()).contains("workers").contains("restart");
            assertThat(f.get("/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void listenersComeAndGoOnReloadAndARemovedOneFinishesItsRequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch arrived = new CountDownLatch(1);
        TestBackend slow = TestBackend.holdingSlow("a", arrived, release);
        List<TestBackend> bs = List.of(slow);
        String base = DaemonFixture.config("round-robin", bs, "", "");
        String api = "  - name: api\n    bind: 127.0.0.1:0\n    routes:\n      - { name: all, cluster: c }\n";
        String withApi = base.replace("clusters:\n", api + "clusters:\n");
        try (DaemonFixture f = DaemonFixture.start(base, bs)) {
            f.rewrite(withApi);
            HttpResponse<String> r = f.admin("POST", "/reload", null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(DaemonFixture.JSON.readTree(r.body()).get("summary").get("listeners").get("added").get(0)
                    .asText()).isEqualTo("api");
            int apiPort = f.daemon.proxy().address("api").getPort();
            try (RawConnection idle = new RawConnection(apiPort); RawConnection busy = new RawConnection(apiPort)) {
                assertThat(idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
                busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

                f.rewrite(base);
                HttpResponse<String> removed = f.admin("POST", "/reload", null);
                assertThat(removed.statusCode()).isEqualTo(200);
                assertThat(f.daemon.proxy().addresses()).doesNotContainKey("api");
                assertThat(idle.closedByPeer()).as("an idle connection of a removed listener closes").isTrue();
                assertThat(refused(apiPort)).as("a removed listener accepts nothing").isTrue();

                release.countDown();
                RawConnection.Response done = busy.read();
                assertThat(done.status()).as("the request under way finishes").isEqualTo(200);
                assertThat(done.header("connection")).isEqualToIgnoringCase("close");
                assertThat(busy.closedByPeer()).isTrue();
            }
            assertThat(f.get("/").statusCode()).as("the other listener is untouched").isEqualTo(200);
        }
    }

    @Test
    void theAdminApiMovesWhenItsAddressChanges() throws Exception {
        List<TestBackend> bs = backends("a");
        try (DaemonFixture f = DaemonFixture.start(DaemonFixture.config("round-robin", bs, "", ""), bs)) {
            int oldPort = f.daemon.adminAddress().getPort();
            int newPort;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                newPort = s.getLocalPort();
            }
            f.rewrite(DaemonFixture.config("round-robin", bs, "", "")
                    .replace("admin: { listen: 127.0.0.1:0 }", "admin: { listen: 127.0.0.1:" + newPort + " }"));
            assertThat(f.admin("POST", "/reload", null).statusCode()).isEqualTo(200);
            assertThat(f.daemon.adminAddress().getPort()).isEqualTo(newPort);
            assertThat(f.admin("GET", "/health", null).statusCode()).isEqualTo(200);
            assertThat(refused(oldPort)).isTrue();
        }
    }

    /**
     * "No checks" is shown against a control: a second cluster, checked at the same 20 ms interval
     * on the same event loops, keeps being checked throughout. While it takes 25 more checks (at
     * least 25 intervals), a backend whose checks were still running would take about as many; it
     * takes none. After the stop, the event-loop threads that run the checks are gone and the
     * backend has no connection left from the proxy, so nothing can send it another check.
     */
    @Test
    void checksStopWhenAReloadTurnsThemOffAndWhenTheProxyStops() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        AtomicInteger controlChecks = new AtomicInteger();
        TestBackend a = TestBackend.start("a", (b, req, out) -> {
            if (req.target().equals("/health")) {
                checks.incrementAndGet();
            }
            return TestBackend.hello(b, req, out);
        });
        TestBackend ctl = TestBackend.start("ctl", (b, req, out) -> {
            if (req.target().equals("/health")) {
                controlChecks.incrementAndGet();
            }
            return TestBackend.hello(b, req, out);
        });
        List<TestBackend> bs = List.of(a, ctl);
        String hc = "    health-check: { type: http, path: /health, interval: 20ms, timeout: 20ms }\n";
        String control = "  - name: control\n    strategy: { name: round-robin }\n    backends:\n"
                + "      - { id: ctl, address: '" + ctl.address() + "' }\n" + hc;
        String checked = DaemonFixture.config("round-robin", List.of(a), "", hc + control);
        Set<Thread> before = ioThreads();
        DaemonFixture f = DaemonFixture.start(checked, bs);
        Set<Thread> proxyThreads;
        try {
            assertThat(DaemonFixture.await(10, () -> checks.get() >= 3)).isTrue();
            proxyThreads = ioThreads();
            proxyThreads.removeAll(before);
            assertThat(proxyThreads).as("the proxy's event loops").isNotEmpty();
            f.rewrite(DaemonFixture.config("round-robin", List.of(a), "", control));
            assertThat(f.admin("POST", "/reload", null).statusCode()).isEqualTo(200);
            assertThat(f.backend("a").get("check").isNull()).isTrue();
            // A check already under way may still land: it is answered within its 20 ms timeout, so
            // once the control has been checked three more times any such check has come.
            int c0 = controlChecks.get();
            assertThat(DaemonFixture.await(10, () -> controlChecks.get() >= c0 + 3)).isTrue();
            int after = checks.get();
            int c1 = controlChecks.get();
            assertThat(DaemonFixture.await(20, () -> controlChecks.get() >= c1 + 25)).as("the control is checked")
                    .isTrue();
            assertThat(checks.get()).as("checks of a while the control took 25").isEqualTo(after);

            f.rewrite(checked);
            assertThat(f.admin("POST", "/reload", null).statusCode()).isEqualTo(200);
            int resumed = checks.get();
            assertThat(DaemonFixture.await(10, () -> checks.get() >= resumed + 3)).as("checks again").isTrue();
        } finally {
            f.close();
        }
        // close() returns once the event loops have terminated; the backend then sees its last
        // connections from the proxy close.
        assertThat(proxyThreads).as("event-loop threads after the stop").noneMatch(Thread::isAlive);
        assertThat(DaemonFixture.await(10, () -> a.openConnections() == 0)).as("a's connections closed").isTrue();
    }

    /** The live event-loop threads of every proxy in this JVM. */
    private static Set<Thread> ioThreads() {
        Set<Thread> out = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("sluice-io") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    /** True when nothing accepts on {@code port} (waits a little for a socket being closed). */
    static boolean refused(int port) throws InterruptedException {
        return DaemonFixture.await(10, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return false;
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }
}
