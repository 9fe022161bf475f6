package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 from the client through the proxy to HTTP/1.1 backends: h2c with prior knowledge on a
 * plain HTTP listener and h2 by ALPN on an HTTPS one, with real clients (curl, nghttp and h2load
 * from Debian's curl and nghttp2-client) and, for what those cannot do on demand (reset one
 * stream, watch for the GOAWAY of a drain), {@link RawHttp2Connection}.
 */
class Http2ProxyTest {
    @TempDir
    Path dir;

    private static List<TestBackend> backends(String... ids) throws IOException {
        List<TestBackend> out = new ArrayList<>();
        for (String id : ids) {
            out.add(TestBackend.start(id));
        }
        return out;
    }

    /** Runs a command to its end (at most 60 s), checks it succeeded and returns its standard output. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ExternalTool.resolve(List.of(command))).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        assertThat(p.exitValue()).as("%s exit status; output:%n%s", String.join(" ", command),
                new String(out, StandardCharsets.ISO_8859_1)).isZero();
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, TimeUnit.SECONDS.toNanos(10), condition);
    }

    @Test
    void curlWithPriorKnowledgeGetsAnHttp2Answer() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "")) {
            String out = run("curl", "-sS", "--http2-prior-knowledge", "-D", "-", "-H", "cookie: x=1",
                    "-H", "cookie: y=2", f.uri("/hello?q=1").toString());
            assertThat(out).startsWith("HTTP/2 200").contains("x-backend: a").contains("x-request-id: ")
                    .doesNotContain("connection:").endsWith("a");
            TestBackend.Received req = f.backends.get(0).requests.peek();
            assertThat(req.method()).isEqualTo("GET");
            assertThat(req.target()).isEqualTo("/hello?q=1");
            assertThat(req.version()).isEqualTo("HTTP/1.1");
            assertThat(req.headers().get("host")).containsExactly("127.0.0.1:" + f.port());
            // RFC 9113 8.2.3: the cookie crumbs are one field again for HTTP/1.1.
            assertThat(req.headers().get("cookie")).containsExactly("x=1; y=2");
            assertThat(req.header("x-forwarded-proto")).isEqualTo("http");
        }
    }

    @Test
    void requestBodiesReachTheBackendWithAndWithoutLength() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "")) {
            // Larger than the 64 KiB stream window: the body flows as the proxy forwards it.
            String body = "x".repeat(200_000);
            Path file = dir.resolve("body.txt");
            Files.writeString(file, body);
            assertThat(run("curl", "-sS", "--http2-prior-knowledge", "--data-binary", "@" + file,
                    f.uri("/post").toString())).isEqualTo("a");
            // Without a length (curl streams its standard input), the proxy sends it upstream chunked.
            Process p = new ProcessBuilder(ExternalTool.require("curl"), "-sS", "--http2-prior-knowledge", "-T", "-",
                    f.uri("/put").toString()).redirectInput(file.toFile()).start();
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("a");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            // And nghttp's POST, whose DATA frames come before the proxy's SETTINGS.
            assertThat(run("nghttp", "-d", file.toString(), f.uri("/nghttp").toString())).isEqualTo("a");
            List<TestBackend.Received> reqs = new ArrayList<>(f.backends.get(0).requests);
            assertThat(reqs).extracting(TestBackend.Received::method).containsExactly("POST", "PUT", "POST");
            assertThat(reqs.get(0).headers().get("content-length")).containsExactly("200000");
            assertThat(reqs.get(1).header("transfer-encoding")).isEqualTo("chunked");
            for (TestBackend.Received r : reqs) {
                assertThat(r.bodyBytes()).as(r.target()).isEqualTo(body.length());
            }
        }
    }

    @Test
    void largeResponsesFlowUnderTheWindowsWithLengthAndChunked() throws Exception {
        // 1 MiB: sixteen times nghttp's 64 KiB stream window (curl's windows are 32 MiB, so curl would
        // not exercise flow control): the proxy must stop reading the backend and go on at each WINDOW_UPDATE.
        int size = 1024 * 1024;
        TestBackend big = TestBackend.start("big", (b, req, out) -> {
            boolean chunked = req.target().startsWith("/chunked");
            out.write(("HTTP/1.1 200 OK\r\n" + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + size)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (req.method().equals("HEAD")) {
                out.flush();
                return true;
            }
            byte[] block = new byte[64 * 1024];
            java.util.Arrays.fill(block, (byte) 'z');
            for (int sent = 0; sent < size; sent += block.length) {
                if (chunked) {
                    out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(block);
                if (chunked) {
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            if (chunked) {
                out.write("0\r\nx-trailer: done\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            return true;
        });
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(big), "", "")) {
            assertThat(run("nghttp", f.uri("/length").toString())).hasSize(size).matches("z+");
            assertThat(run("nghttp", f.uri("/chunked").toString())).hasSize(size).matches("z+");
            String out = run("curl", "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w",
                    "%{http_code} %{size_download} %{http_version}", f.uri("/chunked").toString());
            assertThat(out).isEqualTo("200 " + size + " 2");
            // HEAD: the length of the body it would have, and no body.
            String head = run("curl", "-sS", "--http2-prior-knowledge", "-I", f.uri("/length").toString());
            assertThat(head).startsWith("HTTP/2 200").contains("content-length: " + size);
        }
    }

    @Test
    void chunkedResponseTrailersEndTheStreamAsATrailingHeadersFrame() throws Exception {
        TestBackend b = TestBackend.start("t", (bk, req, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: x-checksum\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nx-checksum: abc\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        });
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(b), "", "");
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            RawHttp2Connection.Response r = c.request(1, "GET", "/trailers", true).response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello");
            assertThat(r.headers().contains("transfer-encoding")).isFalse();
            assertThat(r.trailers()).as("trailers").isNotNull();
            assertThat(r.trailers().get("x-checksum")).hasToString("abc");
        }
    }

    @Test
    void streamsOfOneConnectionAreBalancedEachOnItsOwn() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a", "b", "c"), "", "")) {
            // nghttp sends the URI 300 times as concurrent streams of one connection, and prints the bodies.
            String out = run("nghttp", "-m", "300", f.uri("/x").toString());
            Map<Character, Integer> counts = new HashMap<>();
            for (char c : out.toCharArray()) {
                counts.merge(c, 1, Integer::sum);
            }
            // Round robin, one pick per stream: 100 each exactly, whatever the streams' interleaving.
            assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of('a', 100, 'b', 100, 'c', 100));
        }
    }

    @Test
    void h2loadStreamsOverTwoConnectionsAllSucceedAndSpread() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a", "b"), "", "")) {
            // 200 requests, 2 connections, up to 10 concurrent streams on each.
            String out = run("h2load", "-n", "200", "-c", "2", "-m", "10", f.uri("/load").toString());
            assertThat(out).contains("200 succeeded, 0 failed, 0 errored").contains("status codes: 200 2xx");
            // Round robin over the cluster, one pick per stream, whichever connection carried it.
            assertThat(f.backends.get(0).requestCount()).isEqualTo(100);
            assertThat(f.backends.get(1).requestCount()).isEqualTo(100);
        }
    }

    @Test
    void anUpgradeToH2cIsAnsweredInHttp1() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "")) {
            String out = run("curl", "-sS", "--http2", "-D", "-", f.uri("/up").toString());
            assertThat(out).startsWith("HTTP/1.1 200");
            TestBackend.Received req = f.backends.get(0).requests.peek();
            assertThat(req.headers()).doesNotContainKeys("upgrade", "http2-settings");
        }
    }

    @Test
    void aDeadClusterIs503OnItsStreamAndTheConnectionGoesOn() throws Exception {
        TestBackend dead = TestBackend.start("d");
        dead.close();
        TestBackend live = TestBackend.start("a");
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    routes:
                      - match: { path-prefix: /dead }
                        cluster: dead
                      - cluster: live
                clusters:
                  - name: dead
                    strategy: round-robin
                    backends: [ { id: d, address: '%s' } ]
                  - name: live
                    strategy: round-robin
                    backends: [ { id: a, address: '%s' } ]
                """.formatted(dead.address(), live.address());
        try (ProxyFixture f = ProxyFixture.start(yaml, List.of(dead, live))) {
            // One stream after the other on one connection (curl 7.88 cannot reuse an h2c prior-knowledge
            // connection for a second URL, whatever the server: it fails with "framing layer" error 16).
            try (RawHttp2Connection c = new RawHttp2Connection(f.port())) {
                RawHttp2Connection.Response r = c.request(1, "GET", "/dead/x", true).response(1);
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.headers().get("retry-after")).hasToString("1");
                RawHttp2Connection.Response ok = c.request(3, "GET", "/live", true).response(3);
                assertThat(ok.status()).isEqualTo(200);
                assertThat(ok.body()).isEqualTo("a");
            }
            // And both at once, as concurrent streams (nghttp prints the bodies in the order they end).
            assertThat(run("nghttp", f.uri("/dead/y").toString(), f.uri("/live").toString()))
                    .contains("503 Service Unavailable").contains("a");
            assertThat(live.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void h2IsAgreedByAlpnOverTls() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Leaf leaf = pki.issue("local", "localhost", "DNS:localhost", "IP:127.0.0.1");
        String tls = "    tls:\n      certificates:\n        - { cert: '" + leaf.cert() + "', key: '" + leaf.key()
                + "' }\n";
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a", "b"), "", tls)) {
            String url = "https://localhost:" + f.port() + "/tls";
            String resolve = "localhost:" + f.port() + ":127.0.0.1";
            String h2 = run("curl", "-sS", "--http2", "--cacert", pki.caCert.toString(), "--resolve", resolve,
                    "-w", " %{http_version}", url);
            assertThat(h2).matches("[ab] 2");
            String h1 = run("curl", "-sS", "--http1.1", "--cacert", pki.caCert.toString(), "--resolve", resolve,
                    "-w", " %{http_version}", url);
            assertThat(h1).matches("[ab] 1.1");
            // nghttp insists on h2 by ALPN (it does not verify the certificate): 20 streams, both backends.
            String bodies = run("nghttp", "-m", "20", "https://127.0.0.1:" + f.port() + "/tls");
            assertThat(bodies).hasSize(20).contains("a").contains("b");
            assertThat(f.backends.stream().flatMap(b -> b.requests.stream()))
                    .allSatisfy(r -> assertThat(r.header("x-forwarded-proto")).isEqualTo("https"));
        }
    }

    @Test
    void aResetStreamCancelsItsUpstreamRequestAndTheConnectionGoesOn() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestBackend b = TestBackend.holdingSlow("a", arrived, release);
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(b), "", "")) {
            ConcurrentLinkedQueue<RequestObserver.Attempt> attempts = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<RequestObserver.RequestEnd> ends = new ConcurrentLinkedQueue<>();
            f.proxy.addObserver(new RequestObserver() {
                @Override
                public void onAttemptEnd(Attempt attempt) {
                    attempts.add(attempt);
                }

                @Override
                public void onRequestEnd(RequestEnd end) {
                    ends.add(end);
                }
            });
            try (RawHttp2Connection c = new RawHttp2Connection(f.port())) {
                c.request(1, "GET", "/slow", true);
                assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the request reached the backend").isTrue();
                c.reset(1, 8); // CANCEL
                await("the upstream attempt is cancelled", () -> !attempts.isEmpty());
                assertThat(attempts.peek().outcome()).isEqualTo(RequestObserver.Outcome.CANCELLED);
                await("the request is accounted for", () -> !ends.isEmpty());
                assertThat(ends.peek().outcome()).isEqualTo("client_closed");
                // The connection is still good for the next stream.
                RawHttp2Connection.Response r = c.request(3, "GET", "/next", true).response(3);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("a");
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void aConnectionSpecificHeaderIsAStreamErrorAndTheConnectionGoesOn() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "");
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            // RFC 9113 8.2.2: connection-specific fields make a request malformed.
            c.request(1, "GET", "/bad", true, "connection", "keep-alive");
            RawHttp2Connection.Frame rst = c.await(RawHttp2Connection.RST_STREAM, 1);
            assertThat(rst).as("RST_STREAM on the malformed stream").isNotNull();
            assertThat(rst.errorCode()).isEqualTo(1); // PROTOCOL_ERROR
            assertThat(c.request(3, "GET", "/good", true).response(3).status()).isEqualTo(200);
            assertThat(f.backends.get(0).requests).extracting(TestBackend.Received::target).containsExactly("/good");
        }
    }

    @Test
    void rapidResetEndsTheConnectionWithEnhanceYourCalm() throws Exception {
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    routes:
                      - match: { path-prefix: /app }
                        cluster: c
                clusters:
                  - name: c
                    strategy: round-robin
                    backends: [ { id: a, address: '%s' } ]
                """;
        TestBackend b = TestBackend.start("a");
        try (ProxyFixture f = ProxyFixture.start(yaml.formatted(b.address()), List.of(b));
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            // CVE-2023-44487: open and reset streams faster than any client needs to (paths with no
            // route, so no backend is involved); past 200 resets in 30 s the proxy sends GOAWAY.
            int stream = 1;
            for (int i = 0; i < 250; i++, stream += 2) {
                c.request(stream, "GET", "/none", true).reset(stream, 8);
            }
            RawHttp2Connection.Frame goaway = c.await(RawHttp2Connection.GOAWAY, 0);
            assertThat(goaway).as("GOAWAY").isNotNull();
            assertThat(goaway.errorCode()).isEqualTo(0xb); // ENHANCE_YOUR_CALM
            assertThat(b.requestCount()).isZero();
        }
    }

    @Test
    void aConnectionWithoutStreamsClosesWithGoawayAfterTheIdleTimeout() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "    timeouts: { idle: 300ms }\n");
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            assertThat(c.request(1, "GET", "/once", true).response(1).status()).isEqualTo(200);
            RawHttp2Connection.Frame goaway = c.await(RawHttp2Connection.GOAWAY, 0);
            assertThat(goaway).as("GOAWAY after the idle timeout").isNotNull();
            assertThat(goaway.errorCode()).isZero();
            assertThat(goaway.lastStreamId()).isEqualTo(1);
            assertThat(c.read()).as("then the close").isNull();
        }
    }

    @Test
    void aDrainSendsGoawayAndFinishesTheStreamUnderWay() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestBackend b = TestBackend.holdingSlow("a", arrived, release);
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(b), "", "");
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            c.request(1, "GET", "/slow", true);
            assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the request reached the backend").isTrue();
            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                    () -> f.proxy.shutdown(TimeUnit.SECONDS.toNanos(20)));
            RawHttp2Connection.Frame goaway = c.await(RawHttp2Connection.GOAWAY, 0);
            assertThat(goaway).as("GOAWAY").isNotNull();
            assertThat(goaway.errorCode()).isZero();
            assertThat(goaway.lastStreamId()).isEqualTo(1);
            release.countDown();
            RawHttp2Connection.Response r = c.response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
            // Then the proxy closes the connection, and the drain ends before its deadline.
            assertThat(c.await(RawHttp2Connection.DATA, 99)).as("nothing more, then the close").isNull();
            assertThat(drained.get(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            release.countDown();
        }
    }
}
