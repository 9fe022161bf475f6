package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.HealthState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Failover, retries and the error statuses, against backends that refuse, stall, break HTTP or die. */
class ProxyFailureTest {
    /** A backend entry whose port nobody listens on: connecting is refused. */
    private static TestBackend refusing(String id) throws IOException {
        TestBackend b = TestBackend.start(id);
        b.kill();
        return b;
    }

    private static int freePortThenClosed() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionIsRetriedOnAnotherBackend() throws Exception {
        TestBackend dead = refusing("dead");
        TestBackend live = TestBackend.start("live");
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(dead, live), "", "")) {
            List<RequestObserver.Attempt> attempts = new CopyOnWriteArrayList<>();
            f.proxy.addObserver(new RequestObserver() {
                @Override
                public void onAttemptEnd(Attempt attempt) {
                    attempts.add(attempt);
                }
            });
            for (int i = 0; i < 10; i++) {
                // POST too: nothing was sent on a refused connection, so any method is retried.
                HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/"))
                        .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("live");
            }
            assertThat(attempts).anyMatch(a -> a.outcome() == RequestObserver.Outcome.CONNECT_FAILURE
                    && a.backendId().equals("dead"));
            // Nothing was sent to the refusing backend, so its load never saw a request.
            assertThat(f.proxy.snapshot().cluster("c").loadBalancer().endpoint("dead").load().completed()
                    + f.proxy.snapshot().cluster("c").loadBalancer().endpoint("dead").load().failed()).isZero();
        }
    }

    @Test
    void noBackendLeftIs503WithRetryAfter() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(refusing("d1"), refusing("d2")), "",
                "")) {
            HttpResponse<String> r = f.get("/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        }
    }

    @Test
    void noAvailableBackendIs503WithRetryAfterAndNoConnectAttempt() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(TestBackend.start("a")), "", "")) {
            f.proxy.snapshot().cluster("c").loadBalancer().setHealth("a", HealthState.UNHEALTHY);
            HttpResponse<String> r = f.get("/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            assertThat(f.totalBackendConnections()).isZero();
        }
    }

    @Test
    void aSlowBackendIs504AfterTheResponseTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestBackend slow = TestBackend.start("slow", (b, req, out) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestBackend.hello(b, req, out);
        });
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(slow),
                "    timeouts: { response: 300ms }\n", "")) {
            HttpResponse<String> get = f.get("/");
            assertThat(get.statusCode()).isEqualTo(504);
            HttpResponse<String> post = f.client.send(HttpRequest.newBuilder(f.uri("/"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(504);
            assertThat(f.proxy.snapshot().cluster("c").loadBalancer().endpoint("slow").load().failed()).isEqualTo(2);
            assertThat(f.proxy.snapshot().cluster("c").loadBalancer().endpoint("slow").load().inFlight()).isZero();
        } finally {
            release.countDown();
        }
    }

    @Test
    void anIdempotentRequestThatTimesOutIsRetriedOnAnotherBackend() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestBackend slow = TestBackend.start("slow", (b, req, out) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestBackend.hello(b, req, out);
        });
        TestBackend fast = TestBackend.start("fast");
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(slow, fast),
                "    timeouts: { response: 300ms }\n", "")) {
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = f.get("/");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("fast");
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void badFramingFromABackendIs502() throws Exception {
        TestBackend broken = TestBackend.start("broken", (b, req, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        });
        TestBackend garbage = TestBackend.start("garbage", (b, req, out) -> {
            out.write("HTTP/1.1 2OO OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        });
        for (TestBackend b : List.of(broken, garbage)) {
            try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(b), "", "")) {
                HttpResponse<String> r = f.get("/");
                assertThat(r.statusCode()).as(b.id).isEqualTo(502);
            }
        }
    }

    @Test
    void aCloseBeforeAnyResponseByteIsRetriedOnAnotherBackend() throws Exception {
        TestBackend hangUp = TestBackend.start("hangup", (b, req, out) -> false);
        TestBackend live = TestBackend.start("live");
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(hangUp, live), "", "")) {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = f.get("/");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("live");
            }
        }
    }

    @Test
    void aStreamedBodyIsNotReplayed() throws Exception {
        TestBackend hangUp = TestBackend.start("hangup", (b, req, out) -> false);
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(hangUp, TestBackend.start("live")), "",
                "")) {
            // Round robin sends one of two consecutive POSTs to hangup first, whatever its start. That
            // body went out with the head, so it cannot be sent twice: 502, and live sees only the
            // other POST.
            int failed = 0;
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/"))
                        .POST(HttpRequest.BodyPublishers.ofString("payload")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 502) {
                    failed++;
                } else {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("live");
                }
            }
            assertThat(failed).isEqualTo(1);
            assertThat(f.backends.get(1).requestCount()).as("no replay onto live").isEqualTo(1);
        }
    }

    @Test
    void aResetAfterPartOfTheResponseClosesTheClientConnection() throws Exception {
        TestBackend cut = TestBackend.start("cut", (b, req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return false;
        });
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(cut), "", "");
             RawConnection c = new RawConnection(f.port())) {
            RawConnection.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            // The status and the first bytes went out; the rest never will: the proxy closes.
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("partial");
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void aBackendKilledUnderLoadFailsNoGet() throws Exception {
        TestBackend.Handler slowish = (b, req, out) -> {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestBackend.hello(b, req, out);
        };
        List<TestBackend> bs = List.of(TestBackend.start("a", slowish), TestBackend.start("b", slowish),
                TestBackend.start("c", slowish));
        int clients = 8;
        int perClient = 120;
        try (ProxyFixture f = ProxyFixture.start("round-robin", bs, "", "")) {
            AtomicInteger done = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            CountDownLatch killed = new CountDownLatch(1);
            AtomicInteger afterKillToB = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                Thread th = new Thread(() -> {
                    for (int i = 0; i < perClient; i++) {
                        try {
                            boolean wasKilled = killed.getCount() == 0;
                            HttpResponse<String> r = f.get("/");
                            statuses.merge(r.statusCode(), 1, Integer::sum);
                            if (r.statusCode() != 200) {
                                failures.incrementAndGet();
                            } else if (wasKilled && r.body().equals("b")) {
                                afterKillToB.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failures.incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                        done.incrementAndGet();
                    }
                });
                threads.add(th);
                th.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (done.get() < clients * perClient / 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            bs.get(1).kill();
            killed.countDown();
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(120));
            }
            assertThat(done.get()).isEqualTo(clients * perClient);
            // The GETs in flight on b when it died were reset on reused connections: each went again on a
            // new connection to b (refused), then to another backend. None fails.
            assertThat(failures.get()).as("statuses %s", statuses).isZero();
            assertThat(statuses.keySet()).containsOnly(200);
            assertThat(afterKillToB.get()).isZero();
            assertThat(bs.get(0).requestCount() + bs.get(2).requestCount()).isGreaterThan(clients * perClient / 2);
        }
    }

    /** Every attempt the proxy ends, in order. */
    private static List<RequestObserver.Attempt> recordAttempts(ProxyFixture f) {
        List<RequestObserver.Attempt> attempts = new CopyOnWriteArrayList<>();
        f.proxy.addObserver(new RequestObserver() {
            @Override
            public void onAttemptEnd(Attempt attempt) {
                attempts.add(attempt);
            }
        });
        return attempts;
    }

    @Test
    void aStaleIdleConnectionIsRetriedOnAFreshOneToTheSameBackendOutsideTheRetryPolicy() throws Exception {
        TestBackend b = TestBackend.resettingReusedConnections("b");
        // No retries at all: the stale-connection retry is not one.
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(b), "    retries: { attempts: 0 }\n", "")) {
            List<RequestObserver.Attempt> attempts = recordAttempts(f);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = f.get("/");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("b");
            }
            // The first request opened a connection; each later one met the pooled connection reset
            // and went again on a new one.
            assertThat(attempts).filteredOn(a -> a.outcome() == RequestObserver.Outcome.STALE_CONNECTION)
                    .hasSizeGreaterThanOrEqualTo(1)
                    .allMatch(a -> a.backendId().equals("b"));
            assertThat(attempts).filteredOn(a -> a.outcome() == RequestObserver.Outcome.RESPONSE).hasSize(5);
            // A stale connection is not the backend failing a request.
            assertThat(f.proxy.snapshot().cluster("c").loadBalancer().endpoint("b").load().failed()).isZero();
            assertThat(f.proxy.snapshot().cluster("c").loadBalancer().endpoint("b").load().inFlight()).isZero();
        }
    }

    @Test
    void aNonIdempotentRequestWrittenToAStaleConnectionIsNotReplayed() throws Exception {
        TestBackend b = TestBackend.resettingReusedConnections("b");
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(b), "", "")) {
            List<RequestObserver.Attempt> attempts = recordAttempts(f);
            assertThat(f.get("/").statusCode()).isEqualTo(200);
            // The POST went out whole on the pooled connection before the reset: the backend may have
            // acted on it, so it is not sent again (and there is no other backend to try).
            HttpResponse<String> post = f.client.send(HttpRequest.newBuilder(f.uri("/"))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as(post.body()).isEqualTo(502);
            assertThat(attempts).noneMatch(a -> a.outcome() == RequestObserver.Outcome.STALE_CONNECTION);
            assertThat(b.requests).filteredOn(r -> r.method().equals("POST")).hasSize(1);
        }
    }
}
