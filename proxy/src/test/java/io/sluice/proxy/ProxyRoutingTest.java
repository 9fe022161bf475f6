package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.HealthState;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Balancing, routing, affinity, header rewriting and keep-alive, through real sockets. */
class ProxyRoutingTest {
    private static List<TestBackend> backends(String... ids) throws Exception {
        List<TestBackend> out = new ArrayList<>();
        for (String id : ids) {
            out.add(TestBackend.start(id));
        }
        return out;
    }

    @Test
    void roundRobinSharesRequestsEquallyAcrossThreeBackends() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a", "b", "c"), "", "")) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                HttpResponse<String> r = f.get("/x");
                assertThat(r.statusCode()).isEqualTo(200);
                counts.merge(r.body(), 1, Integer::sum);
            }
            // Strict rotation over 3 backends, one request at a time: exactly 100 each.
            assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 100, "b", 100, "c", 100));
            for (TestBackend b : f.backends) {
                assertThat(b.requestCount()).isEqualTo(100);
            }
        }
    }

    @Test
    void keepAliveIsReusedOnBothSides() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "");
             RawConnection c = new RawConnection(f.port())) {
            for (int i = 0; i < 50; i++) {
                RawConnection.Response r = c.send("GET /k" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("a");
            }
            assertThat(f.proxy.connections("web")).as("client connections").isEqualTo(1);
            assertThat(f.backends.get(0).connections.get()).as("backend connections").isEqualTo(1);
            assertThat(f.backends.get(0).requestCount()).isEqualTo(50);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a", "b"), "", "");
             RawConnection c = new RawConnection(f.port())) {
            c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RawConnection.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                bodies.add(r.text());
            }
            // Round robin from a random start: the three answers alternate, in request order.
            assertThat(bodies.get(0)).isIn("a", "b");
            assertThat(bodies.get(1)).isNotEqualTo(bodies.get(0));
            assertThat(bodies.get(2)).isEqualTo(bodies.get(0));
        }
    }

    /**
     * A backend that answers only once {@code release} gives a permit (one per request), counts
     * {@code arrived} down as each request comes in, and notes in {@code early} any request that
     * came in while an earlier one was still unanswered: a proxy that forwards one request at a
     * time per client connection never makes it do so.
     */
    private static TestBackend held(String id, java.util.concurrent.Semaphore release,
                                    java.util.concurrent.CountDownLatch arrived, List<String> early)
            throws java.io.IOException {
        java.util.concurrent.atomic.AtomicInteger unanswered = new java.util.concurrent.atomic.AtomicInteger();
        return TestBackend.start(id, (b, req, out) -> {
            if (unanswered.getAndIncrement() > 0) {
                early.add(req.target());
            }
            arrived.countDown();
            release.acquireUninterruptibly();
            boolean keep = TestBackend.hello(b, req, out);
            unanswered.decrementAndGet();
            return keep;
        });
    }

    private static TestBackend held(String id, java.util.concurrent.Semaphore release) throws Exception {
        return held(id, release, new java.util.concurrent.CountDownLatch(1), new CopyOnWriteArrayList<>());
    }

    /** Waits up to 10 s for the kernel to say {@code condition} of the proxy's side of {@code c}. */
    private static void awaitProxySide(RawConnection c, String what,
                                       java.util.function.Predicate<KernelSocket> condition) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelSocket.available(), "needs Linux /proc/net/tcp");
        boolean met = DaemonFixture.await(10, () -> {
            KernelSocket k = KernelSocket.proxySideOf(c.socket);
            return k != null && condition.test(k);
        });
        assertThat(met).as(what).isTrue();
    }

    @Test
    void aRequestSentWhileTheResponseIsUnderWayIsAnsweredAfterIt() throws Exception {
        java.util.concurrent.Semaphore release = new java.util.concurrent.Semaphore(0);
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
        List<String> early = new CopyOnWriteArrayList<>();
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(held("a", release, first, early)), "", "");
             RawConnection c = new RawConnection(f.port())) {
            c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(first.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("/1 reaches the backend").isTrue();
            // The second request arrives while the first waits for its backend: the proxy reads it
            // (the client stays armed: its receive queue empties) but must hold it until the first
            // response is complete.
            c.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitProxySide(c, "the proxy read /2 from its socket", k -> k.rxQueue() == 0);
            release.release(2);
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(early).as("requests forwarded while an earlier one was unanswered").isEmpty();
            assertThat(f.backends.get(0).requests).extracting(TestBackend.Received::target)
                    .containsExactly("/1", "/2");
        }
    }

    @Test
    void aClientThatShutsItsSendingSideAfterTheRequestStillGetsTheResponse() throws Exception {
        java.util.concurrent.Semaphore release = new java.util.concurrent.Semaphore(0);
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        try (ProxyFixture f = ProxyFixture.start("round-robin",
                List.of(held("a", release, arrived, new CopyOnWriteArrayList<>())), "", "");
             RawConnection c = new RawConnection(f.port())) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(arrived.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            c.socket.shutdownOutput();
            // The FIN has reached the proxy's socket (CLOSE_WAIT) before the backend answers.
            awaitProxySide(c, "the proxy's side got the FIN", k -> k.state().equals(KernelSocket.CLOSE_WAIT));
            release.release();
            RawConnection.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("a");
            assertThat(r.headers().get("connection")).as("no further request can come").containsExactly("close");
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void routesOnHostPathMethodAndHeaderFirstMatchWins() throws Exception {
        List<TestBackend> bs = backends("api", "tele", "acme", "wild", "other");
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    routes:
                      - match: { host: api.example.com, pathPrefix: /v1 }
                        cluster: api
                      - match: { pathPrefix: /telemetry, methods: [POST, PUT] }
                        cluster: tele
                      - match: { headers: { x-tenant: acme } }
                        cluster: acme
                      - match: { host: "*.example.com" }
                        cluster: wild
                      - cluster: other
                clusters:
                """ + cluster("api", bs.get(0)) + cluster("tele", bs.get(1)) + cluster("acme", bs.get(2))
                + cluster("wild", bs.get(3)) + cluster("other", bs.get(4));
        try (ProxyFixture f = ProxyFixture.start(yaml, bs); RawConnection c = new RawConnection(f.port())) {
            assertThat(c.send("GET /v1/x HTTP/1.1\r\nHost: API.example.com:8080\r\n\r\n").read().text()).isEqualTo("api");
            assertThat(c.send("GET /v2 HTTP/1.1\r\nHost: api.example.com\r\n\r\n").read().text()).isEqualTo("wild");
            assertThat(c.send("POST /telemetry/d1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").read().text())
                    .isEqualTo("tele");
            assertThat(c.send("GET /telemetry/d1 HTTP/1.1\r\nHost: x\r\n\r\n").read().text()).isEqualTo("other");
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Tenant: acme\r\n\r\n").read().text()).isEqualTo("acme");
            assertThat(c.send("GET / HTTP/1.1\r\nHost: b.a.example.com\r\n\r\n").read().text()).isEqualTo("wild");
            assertThat(c.send("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").read().text()).isEqualTo("other");
        }
    }

    @Test
    void noMatchingRouteIs404() throws Exception {
        List<TestBackend> bs = backends("api");
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    routes:
                      - match: { pathPrefix: /api }
                        cluster: api
                clusters:
                """ + cluster("api", bs.get(0));
        try (ProxyFixture f = ProxyFixture.start(yaml, bs); RawConnection c = new RawConnection(f.port())) {
            RawConnection.Response r = c.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("x-request-id")).isNotBlank();
            // The connection stays usable.
            assertThat(c.send("GET /api HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(f.totalBackendConnections()).isEqualTo(1);
        }
    }

    private static String cluster(String name, TestBackend b) {
        return "  - name: " + name + "\n    strategy: round-robin\n    backends: [ { id: " + b.id
                + ", address: '" + b.address() + "' } ]\n";
    }

    @Test
    void forwardingHeadersAreAddedAndHopByHopHeadersRemoved() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "");
             RawConnection c = new RawConnection(f.port())) {
            RawConnection.Response r = c.send("GET /p HTTP/1.1\r\nHost: shop.example.com\r\n"
                    + "X-Forwarded-For: 203.0.113.7\r\nForwarded: for=203.0.113.7\r\n"
                    + "Connection: keep-alive, X-Secret\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\n"
                    + "Proxy-Authorization: Basic Zm9v\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
                    + "Trailer: X-T\r\nUpgrade: websocket\r\nX-Request-Id: abc-123\r\nX-Keep: yes\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-request-id")).isEqualTo("abc-123");
            TestBackend.Received got = f.backends.get(0).requests.peek();
            assertThat(got.version()).isEqualTo("HTTP/1.1");
            assertThat(got.header("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
            assertThat(got.header("x-forwarded-proto")).isEqualTo("http");
            assertThat(got.header("x-forwarded-host")).isEqualTo("shop.example.com");
            assertThat(got.header("forwarded")).isEqualTo("for=203.0.113.7, for=127.0.0.1;proto=http;host=shop.example.com");
            assertThat(got.header("x-request-id")).isEqualTo("abc-123");
            assertThat(got.header("host")).isEqualTo("shop.example.com");
            assertThat(got.header("x-keep")).isEqualTo("yes");
            for (String hop : List.of("connection", "x-secret", "keep-alive", "proxy-authorization",
                    "proxy-connection", "te", "trailer", "upgrade")) {
                assertThat(got.headers()).as(hop).doesNotContainKey(hop);
            }
        }
    }

    @Test
    void anInsaneRequestIdIsReplaced() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "");
             RawConnection c = new RawConnection(f.port())) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: <script>\r\n\r\n").read();
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            List<String> ids = f.backends.get(0).requests.stream().map(q -> q.header("x-request-id")).toList();
            assertThat(ids).hasSize(2).allMatch(id -> id.matches("[0-9a-f]{32}"));
            assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
        }
    }

    @Test
    void anH2cUpgradeIsNotForwarded() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "");
             RawConnection c = new RawConnection(f.port())) {
            RawConnection.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("a");
            TestBackend.Received got = f.backends.get(0).requests.peek();
            assertThat(got.headers()).doesNotContainKeys("upgrade", "http2-settings", "connection");
        }
    }

    @Test
    void expectContinueIsAnsweredByTheProxyThenTheBodyStreams() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "");
             RawConnection c = new RawConnection(f.port())) {
            c.send("PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(100);
            RawConnection.Response r = c.send("hello").read();
            assertThat(r.status()).isEqualTo(200);
            TestBackend.Received got = f.backends.get(0).requests.peek();
            assertThat(got.bodyText()).isEqualTo("hello");
            assertThat(got.headers()).doesNotContainKey("expect");
        }
    }

    @Test
    void chunkedBodiesStreamBothWays() throws Exception {
        TestBackend chunky = TestBackend.start("a", (b, req, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        });
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(chunky), "", "");
             RawConnection c = new RawConnection(f.port())) {
            RawConnection.Response r = c.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(r.text()).isEqualTo("hello world");
            TestBackend.Received got = chunky.requests.peek();
            assertThat(got.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(got.bodyText()).isEqualTo("abcdefg");
            // A second exchange on the same connections.
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text()).isEqualTo("hello world");
            assertThat(chunky.connections.get()).isEqualTo(1);
        }
    }

    @Test
    void aBodyToTheCloseIsRechunkedForHttp11AndCloseDelimitedForHttp10() throws Exception {
        TestBackend closer = TestBackend.start("a", (b, req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return false;
        });
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(closer), "", "")) {
            try (RawConnection c = new RawConnection(f.port())) {
                RawConnection.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
                assertThat(r.text()).isEqualTo("until the end");
                assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text()).isEqualTo("until the end");
            }
            try (RawConnection c = new RawConnection(f.port())) {
                RawConnection.Response r = c.send("GET / HTTP/1.0\r\n\r\n").read();
                assertThat(r.header("connection")).isEqualTo("close");
                assertThat(r.text()).isEqualTo("until the end");
            }
        }
    }

    @Test
    void headResponsesHaveNoBodyAndTheConnectionStaysUsable() throws Exception {
        TestBackend b = TestBackend.start("a", (be, req, out) -> {
            boolean head = req.method().equals("HEAD");
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + (head ? "" : "hello"))
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        });
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(b), "", "");
             RawConnection c = new RawConnection(f.port())) {
            RawConnection.Response h = c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.header("content-length")).isEqualTo("5");
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text()).isEqualTo("hello");
        }
    }

    @Test
    void cookieAffinityInsertsTheBackendIdAndFollowsIt() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a", "b", "c"),
                "    sessionPersistence: { mode: cookie, name: SRV }\n", "")) {
            HttpResponse<String> first = f.get("/");
            String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
            assertThat(setCookie).isEqualTo("SRV=" + first.body() + "; Path=/; HttpOnly");
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/")).header("Cookie",
                        "other=1; SRV=" + first.body()).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).isEqualTo(first.body());
                assertThat(r.headers().firstValue("set-cookie")).isEmpty();
            }
            // A cookie naming a backend that is not available is replaced.
            f.proxy.snapshot().cluster("c").loadBalancer().setHealth(first.body(), HealthState.UNHEALTHY);
            HttpResponse<String> moved = f.client.send(HttpRequest.newBuilder(f.uri("/")).header("Cookie",
                    "SRV=" + first.body()).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(moved.body()).isNotEqualTo(first.body());
            assertThat(moved.headers().firstValue("set-cookie").orElseThrow()).startsWith("SRV=" + moved.body() + ";");
            HttpResponse<String> unknown = f.client.send(HttpRequest.newBuilder(f.uri("/")).header("Cookie",
                    "SRV=nobody").timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.headers().firstValue("set-cookie").orElseThrow()).startsWith("SRV=" + unknown.body());
        }
    }

    @Test
    void headerAffinityGivesEachKeyOneBackendWithAHashingStrategy() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("rendezvous", backends("a", "b", "c"),
                "    sessionPersistence: { mode: header, name: x-device }\n", "")) {
            Map<String, Set<String>> seen = new HashMap<>();
            for (int round = 0; round < 5; round++) {
                for (int d = 0; d < 12; d++) {
                    String device = "dev-" + d;
                    HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/"))
                            .header("x-device", device).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    seen.computeIfAbsent(device, k -> new HashSet<>()).add(r.body());
                }
            }
            assertThat(seen.values()).allMatch(s -> s.size() == 1);
            Set<String> used = new HashSet<>();
            seen.values().forEach(used::addAll);
            assertThat(used).as("12 keys spread over more than one backend").hasSizeGreaterThan(1);
        }
    }

    @Test
    void sourceAffinityKeepsOneClientOnOneBackend() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("rendezvous", backends("a", "b", "c"),
                "    sessionPersistence: { mode: source }\n", "")) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                seen.add(f.get("/").body());
            }
            assertThat(seen).hasSize(1);
        }
    }

    @Test
    void observersSeeStartAttemptAndEndOfEachRequest() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "")) {
            List<Object> events = new CopyOnWriteArrayList<>();
            f.proxy.addObserver(new RequestObserver() {
                @Override
                public void onRequestStart(RequestStart start) {
                    events.add(start);
                }

                @Override
                public void onAttemptEnd(Attempt attempt) {
                    events.add(attempt);
                }

                @Override
                public void onRequestEnd(RequestEnd end) {
                    events.add(end);
                }
            });
            HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/obs"))
                    .POST(HttpRequest.BodyPublishers.ofString("12345")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            // The end is recorded on the event loop right after the last byte is written: wait for it.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (events.size() < 3 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(events).hasSize(3);
            RequestObserver.Attempt a = (RequestObserver.Attempt) events.get(1);
            assertThat(a.outcome()).isEqualTo(RequestObserver.Outcome.RESPONSE);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.backendId()).isEqualTo("a");
            RequestObserver.RequestEnd end = (RequestObserver.RequestEnd) events.get(2);
            assertThat(end.status()).isEqualTo(200);
            assertThat(end.requestBytes()).isEqualTo(5);
            assertThat(end.responseBytes()).isEqualTo(1);
            assertThat(end.attempts()).isEqualTo(1);
            assertThat(end.target()).isEqualTo("/obs");
            assertThat(f.proxy.snapshot().cluster("c").loadBalancer().endpoint("a").load().completed()).isEqualTo(1);
            assertThat(f.proxy.snapshot().cluster("c").loadBalancer().endpoint("a").load().inFlight()).isZero();
        }
    }

    @Test
    void aReloadKeepsUnchangedClustersAndTheirLoads() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a", "b"), "", "")) {
            f.get("/");
            Cluster before = f.proxy.snapshot().cluster("c");
            f.proxy.reload(f.proxy.snapshot().config());
            assertThat(f.proxy.snapshot().cluster("c")).isSameAs(before);
            io.sluice.proxy.config.ProxyConfig cfg = f.proxy.snapshot().config();
            io.sluice.proxy.config.ProxyConfig.Cluster c = cfg.clusters().get(0);
            io.sluice.proxy.config.ProxyConfig.Cluster oneBackend = new io.sluice.proxy.config.ProxyConfig.Cluster(
                    c.name(), c.strategy(), c.backends().subList(0, 1), c.sessionPersistence(), c.healthCheck(),
                    c.outlierDetection(), c.timeouts(), c.retries());
            f.proxy.reload(new io.sluice.proxy.config.ProxyConfig(cfg.admin(), cfg.workers(), cfg.accessLog(),
                    cfg.drainTimeoutNanos(), cfg.listeners(), List.of(oneBackend)));
            Cluster after = f.proxy.snapshot().cluster("c");
            assertThat(after).isNotSameAs(before);
            assertThat(after.loadBalancer()).as("same strategy: the load balancer and loads carry over")
                    .isSameAs(before.loadBalancer());
            for (int i = 0; i < 4; i++) {
                assertThat(f.get("/").body()).isEqualTo("a");
            }
        }
    }

    @Test
    void http10ClientsGetOneExchangePerConnection() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "")) {
            ProxyFixture.RawResponse r = f.raw("GET / HTTP/1.0\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).containsIgnoringCase("connection: close").endsWith("a");
        }
    }

    @SuppressWarnings("unused")
    private static void write(OutputStream out, String s) throws java.io.IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
    }
}
