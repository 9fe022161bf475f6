package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 clients that attack the proxy with frames no honest client sends (issue 11's list), each
 * written raw on a socket through {@link RawHttp2Connection}, against a real proxy and a real
 * backend. Every test checks that the attack ends where it should (GOAWAY, RST_STREAM, 431, a
 * closed connection), that nothing of it reached the backend, and that the proxy still serves a
 * normal request afterwards.
 *
 * <p>The proxy routes {@code /app} to the backend and answers everything else 404 itself, so the
 * attacks that need no backend are sent to paths that do not reach one.
 */
class Http2HostileFramesTest {
    private static final int PROTOCOL_ERROR = 0x1;
    private static final int ENHANCE_YOUR_CALM = 0xb;
    private static final int BIG_RESPONSE = 1024 * 1024;

    /** A backend that answers {@code /app/big} with {@value #BIG_RESPONSE} bytes and anything else with its id. */
    private static TestBackend backend() throws IOException {
        return TestBackend.start("a", (b, req, out) -> {
            if (!req.target().startsWith("/app/big")) {
                return TestBackend.hello(b, req, out);
            }
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BIG_RESPONSE + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[64 * 1024];
            java.util.Arrays.fill(block, (byte) 'z');
            for (int sent = 0; sent < BIG_RESPONSE; sent += block.length) {
                out.write(block);
            }
            out.flush();
            return true;
        });
    }

    private static ProxyFixture proxy(TestBackend b, String listenerExtra) throws Exception {
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                %s    routes:
                      - match: { path-prefix: /app }
                        cluster: c
                clusters:
                  - name: c
                    strategy: round-robin
                    backends: [ { id: a, address: '%s' } ]
                """.formatted(listenerExtra, b.address());
        return ProxyFixture.start(yaml, List.of(b));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, TimeUnit.SECONDS.toNanos(10), condition);
    }

    /** A normal request on a new connection, and on {@code other} (a connection opened before the attack). */
    private static void stillServes(ProxyFixture f, RawHttp2Connection other, int streamId) throws IOException {
        try (RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            RawHttp2Connection.Response r = c.request(1, "GET", "/app/after", true).response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
        }
        if (other != null) {
            assertThat(other.request(streamId, "GET", "/app/other", true).response(streamId).status()).isEqualTo(200);
        }
    }

    /**
     * Writes {@code count} copies of {@code frame}, many at a time, until done or the proxy ends the
     * connection; returns how many were written. Leak detection is at SIMPLE meanwhile: at paranoid
     * every buffer the proxy allocates records its stack, which makes the hundreds of thousands of
     * frames a flood takes to fill the kernel's socket buffers last a minute instead of seconds.
     */
    private static long flood(RawHttp2Connection c, byte[] frame, long count) {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            return write(c, frame, count);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static long write(RawHttp2Connection c, byte[] frame, long count) {
        int batch = Math.max(1, 64 * 1024 / frame.length);
        byte[] many = new byte[batch * frame.length];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(frame, 0, many, i * frame.length, frame.length);
        }
        long sent = 0;
        try {
            while (sent < count) {
                c.write(many);
                sent += batch;
            }
        } catch (IOException e) {
            // the proxy closed or reset the connection: the flood is over
        }
        return sent;
    }

    /** The connection ended with GOAWAY {@code code}, or was closed or reset without one reaching the client. */
    private static void assertEnded(RawHttp2Connection c, int... codes) throws IOException {
        RawHttp2Connection.Frame goaway = c.awaitEnd();
        if (goaway != null) {
            assertThat(goaway.errorCode()).as("GOAWAY error code").isIn(java.util.Arrays.stream(codes)
                    .mapToObj(Long::valueOf).toArray());
        }
    }

    // ---- CONTINUATION flood (CVE-2024-27316 and its kin) ----

    @Test
    void aContinuationFloodEndsTheConnectionAndReachesNoBackend() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "");
             RawHttp2Connection bystander = new RawHttp2Connection(f.port())) {
            assertThat(bystander.request(1, "GET", "/app/before", true).response(1).status()).isEqualTo(200);
            // Empty CONTINUATION frames (the header block never grows, so a limit on its size never
            // trips), small ones, and ones of nearly a frame (the block grows past the header list limit).
            for (int size : new int[] {0, 10, 9_000}) {
                try (RawHttp2Connection c = new RawHttp2Connection(f.port())) {
                    byte[] block = c.headerBlock(1, c.requestHeaders("GET", "/app/flood"));
                    c.frame(RawHttp2Connection.HEADERS, RawHttp2Connection.END_STREAM, 1, block);
                    // 'a' bytes: literal fields would be decoded only at END_HEADERS, which never comes.
                    byte[] continuation = RawHttp2Connection.frameBytes(RawHttp2Connection.CONTINUATION, 0, 1,
                            "a".repeat(size).getBytes(StandardCharsets.US_ASCII));
                    flood(c, continuation, 200_000);
                    assertEnded(c, PROTOCOL_ERROR, ENHANCE_YOUR_CALM);
                }
            }
            assertThat(b.requests).extracting(TestBackend.Received::target).containsExactly("/app/before");
            stillServes(f, bystander, 3);
        }
    }

    // ---- HPACK bomb and oversized header lists ----

    /** An HPACK integer with an {@code prefixBits}-bit prefix (RFC 7541 5.1) after the pattern bits {@code first}. */
    private static void hpackInt(ByteArrayOutputStream out, int first, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(first | value);
            return;
        }
        out.write(first | max);
        value -= max;
        while (value >= 128) {
            out.write(value % 128 + 128);
            value /= 128;
        }
        out.write(value);
    }

    private static void hpackString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        hpackInt(out, 0, 7, b.length); // no Huffman
        out.write(b, 0, b.length);
    }

    @Test
    void anHpackBombIsRefusedWithoutReachingTheBackend() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "");
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            // A 4000-byte value enters the dynamic table once (literal with incremental indexing, new
            // name), then 3000 one-byte references to it (indexed field 62, the newest dynamic entry):
            // a 7 KB block that decodes to 12 MB of fields, 370 times the 32 KiB header list limit.
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.write(0x82); // :method GET (static 2)
            block.write(0x86); // :scheme http (static 6)
            hpackInt(block, 0x00, 4, 4); // :path, literal without indexing, name from static 4
            hpackString(block, "/app/bomb");
            hpackInt(block, 0x00, 4, 1); // :authority (static 1)
            hpackString(block, c.authority());
            block.write(0x40); // literal with incremental indexing, new name
            hpackString(block, "x-bomb");
            hpackString(block, "b".repeat(4000));
            for (int i = 0; i < 3000; i++) {
                block.write(0x80 | 62);
            }
            c.frame(RawHttp2Connection.HEADERS, RawHttp2Connection.END_HEADERS | RawHttp2Connection.END_STREAM, 1,
                    block.toByteArray());
            // The decoder stops collecting fields at the limit (it decodes on only to keep its table in
            // step with the client's) and the stream is answered 431.
            RawHttp2Connection.Frame answer = c.await(RawHttp2Connection.HEADERS, 1);
            assertThat(answer).as("an answer on the stream").isNotNull();
            assertThat(answer.headers().status()).hasToString("431");
            assertThat(b.requestCount()).isZero();
            // A stream error only: the same connection goes on (its HPACK tables still agree).
            assertThat(c.request(3, "GET", "/app/fine", true).response(3).status()).isEqualTo(200);
            assertThat(b.requests).extracting(TestBackend.Received::target).containsExactly("/app/fine");
            stillServes(f, null, 0);
        }
    }

    @Test
    void anOversizedHeaderListIs431AndTheConnectionGoesOn() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "");
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            // 34 000 bytes of one field: over the 32 KiB limit, in a HEADERS and a CONTINUATION frame.
            c.request(1, "GET", "/app/big-headers", true, "x-big", "v".repeat(34_000));
            RawHttp2Connection.Frame answer = c.await(RawHttp2Connection.HEADERS, 1);
            assertThat(answer).as("an answer on the stream").isNotNull();
            assertThat(answer.headers().status()).hasToString("431");
            // Several fields that together are over the limit, too.
            String[] many = new String[2 * 40];
            for (int i = 0; i < 40; i++) {
                many[2 * i] = "x-field-" + i;
                many[2 * i + 1] = "w".repeat(1000);
            }
            c.request(3, "GET", "/app/many-headers", true, many);
            RawHttp2Connection.Frame second = c.await(RawHttp2Connection.HEADERS, 3);
            assertThat(second).as("an answer on the second stream").isNotNull();
            assertThat(second.headers().status()).hasToString("431");
            // The same connection goes on.
            assertThat(c.request(5, "GET", "/app/fine", true).response(5).status()).isEqualTo(200);
            assertThat(b.requests).extracting(TestBackend.Received::target).containsExactly("/app/fine");
        }
    }

    // ---- SETTINGS, PING and empty DATA floods ----

    @Test
    void aSettingsFloodFromAClientThatDoesNotReadEndsTheConnection() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "");
             RawHttp2Connection bystander = new RawHttp2Connection(f.port());
             RawHttp2Connection c = new RawHttp2Connection(f.port(), 4096)) {
            // Each SETTINGS needs an ACK; the client reads none, so they queue in the proxy: past
            // 10 000 queued control frames the connection ends (Netty's Http2ControlFrameLimitEncoder).
            byte[] settings = RawHttp2Connection.frameBytes(RawHttp2Connection.SETTINGS, 0, 0,
                    new byte[] {0, RawHttp2Connection.INITIAL_WINDOW_SIZE, 0, 1, 0, 0});
            long sent = flood(c, settings, 5_000_000);
            assertThat(sent).as("frames written before the proxy ended the connection").isLessThan(5_000_000);
            assertEnded(c, ENHANCE_YOUR_CALM);
            assertThat(b.requestCount()).isZero();
            stillServes(f, bystander, 1);
        }
    }

    @Test
    void aPingFloodFromAClientThatDoesNotReadEndsTheConnection() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "");
             RawHttp2Connection bystander = new RawHttp2Connection(f.port());
             RawHttp2Connection c = new RawHttp2Connection(f.port(), 4096)) {
            byte[] ping = RawHttp2Connection.frameBytes(RawHttp2Connection.PING, 0, 0, new byte[8]);
            long sent = flood(c, ping, 3_000_000);
            assertThat(sent).as("frames written before the proxy ended the connection").isLessThan(3_000_000);
            assertEnded(c, ENHANCE_YOUR_CALM);
            assertThat(b.requestCount()).isZero();
            stillServes(f, bystander, 1);
        }
    }

    @Test
    void emptyDataFramesEndTheConnectionWithEnhanceYourCalm() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "");
             RawHttp2Connection bystander = new RawHttp2Connection(f.port());
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            // A request with a body that never comes: empty DATA frames without END_STREAM cost the
            // proxy a frame each and move nothing. One write, so they arrive before any answer.
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.write(RawHttp2Connection.frameBytes(RawHttp2Connection.HEADERS, RawHttp2Connection.END_HEADERS, 1,
                    c.headerBlock(1, c.requestHeaders("POST", "/app/upload"))));
            byte[] empty = RawHttp2Connection.frameBytes(RawHttp2Connection.DATA, 0, 1, new byte[0]);
            for (int i = 0; i < 100; i++) {
                frames.write(empty);
            }
            c.write(frames.toByteArray());
            RawHttp2Connection.Frame goaway = c.awaitEnd();
            assertThat(goaway).as("GOAWAY").isNotNull();
            assertThat(goaway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
            // The request's head went upstream (bodies stream); its body never completed, and its
            // backend connection is closed with the client's.
            assertThat(b.requestCount()).isZero();
            await("the backend connection is released", () -> b.openConnections() == 0);
            stillServes(f, bystander, 1);
        }
    }

    // ---- zero-window stall ----

    @Test
    void aStreamWhoseWindowStaysClosedIsResetAfterTheStallTimeoutAndItsBackendReleased() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "    timeouts: { stall: 300ms }\n")) {
            java.util.concurrent.ConcurrentLinkedQueue<RequestObserver.Outcome> attempts =
                    new java.util.concurrent.ConcurrentLinkedQueue<>();
            f.proxy.addObserver(new RequestObserver() {
                @Override
                public void onAttemptEnd(Attempt attempt) {
                    attempts.add(attempt.outcome());
                }
            });
            // A window of 0: the response's HEADERS pass (not flow-controlled), no DATA ever can.
            try (RawHttp2Connection c = new RawHttp2Connection(f.port(), 0, RawHttp2Connection.INITIAL_WINDOW_SIZE, 0)) {
                c.request(1, "GET", "/app/big", true);
                RawHttp2Connection.Frame head = c.await(RawHttp2Connection.HEADERS, 1);
                assertThat(head.headers().status()).hasToString("200");
                RawHttp2Connection.Frame end = c.await(RawHttp2Connection.RST_STREAM, 1);
                assertThat(end).as("RST_STREAM after the stall").isNotNull();
                // The backend, blocked writing its megabyte, sees its connection closed.
                await("the backend connection is released", () -> b.openConnections() == 0);
                // Cancelled under way: the proxy had not read the whole response into memory.
                await("the upstream attempt ends", () -> !attempts.isEmpty());
                assertThat(attempts).containsExactly(RequestObserver.Outcome.CANCELLED);
                // The connection itself goes on (with a window, this time; a path the proxy answers
                // itself, so that no pooled backend connection stays open).
                c.frame(RawHttp2Connection.SETTINGS, 0, 0, new byte[] {0, RawHttp2Connection.INITIAL_WINDOW_SIZE,
                        0, 0, 0, 100});
                assertThat(c.request(3, "GET", "/nowhere", true).response(3).status()).isEqualTo(404);
            }
            // The default window but never a WINDOW_UPDATE: 64 KiB pass, then the same stall.
            try (RawHttp2Connection c = new RawHttp2Connection(f.port())) {
                c.request(1, "GET", "/app/big", true);
                long data = 0;
                RawHttp2Connection.Frame fr;
                while ((fr = c.read()) != null && !(fr.type() == RawHttp2Connection.RST_STREAM && fr.streamId() == 1)) {
                    if (fr.type() == RawHttp2Connection.DATA) {
                        data += fr.payload().length;
                    }
                    assertThat(fr.endStream()).as("the stream never ends normally").isFalse();
                }
                assertThat(fr).as("RST_STREAM after the stall").isNotNull();
                assertThat(data).as("DATA bytes within the first window").isLessThanOrEqualTo(65_535);
                await("the backend connection is released", () -> b.openConnections() == 0);
                await("the upstream attempt ends", () -> attempts.size() == 2);
                assertThat(attempts).containsExactly(RequestObserver.Outcome.CANCELLED, RequestObserver.Outcome.CANCELLED);
            }
            stillServes(f, null, 0);
        }
    }

    // ---- h2c upgrade smuggling ----

    private static String exchange(ProxyFixture f, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.port()), 10_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            s.shutdownOutput();
            return ProxyFixture.RawResponse.readUntilClose(s.getInputStream()).text();
        }
    }

    private static final String H2C_UPGRADE = "GET /app/up HTTP/1.1\r\nHost: x\r\n"
            + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";

    @Test
    void anH2cUpgradeIsNeitherHonouredNorForwarded() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "")) {
            // Then, on the same connection, the HTTP/2 preface as if the upgrade had happened: it is
            // an HTTP/1.1 request like any other there (a bad one), never HTTP/2 for the backend.
            String out = exchange(f, H2C_UPGRADE + "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            assertThat(out).startsWith("HTTP/1.1 200").doesNotContain("HTTP/1.1 101"); // not "101": a random x-request-id may hold it
            assertThat(b.requests).hasSize(1);
            TestBackend.Received req = b.requests.peek();
            assertThat(req.headers()).doesNotContainKeys("upgrade", "http2-settings");
            assertThat(req.headers().getOrDefault("connection", List.of())).allSatisfy(v ->
                    assertThat(v.toLowerCase(java.util.Locale.ROOT)).doesNotContain("upgrade").doesNotContain("http2"));
        }
    }

    /** A backend that switches to h2c whatever it is asked, and sends its HTTP/2 SETTINGS at once. */
    private static TestBackend switchingToH2c() throws IOException {
        return TestBackend.start("h2c", (b, req, out) -> {
            out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(RawHttp2Connection.frameBytes(RawHttp2Connection.SETTINGS, 0, 0, new byte[0]));
            out.flush();
            return true;
        });
    }

    @Test
    void aBackendSwitchingToH2cDoesNotOpenATunnel() throws Exception {
        TestBackend b = switchingToH2c();
        try (ProxyFixture f = proxy(b, "")) {
            // The proxy did not ask for an upgrade (it dropped the client's): a 101 is a bad answer.
            String out = exchange(f, H2C_UPGRADE);
            assertThat(out).startsWith("HTTP/1.1 502").doesNotContain("HTTP/1.1 101"); // not "101": a random x-request-id may hold it
            // A WebSocket handshake answered by a switch to h2c: not the protocol asked for, so no
            // relay either (else the client would speak unchecked HTTP/2 to the backend through it).
            String ws = exchange(f, "GET /app/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertThat(ws).startsWith("HTTP/1.1 502").doesNotContain("HTTP/1.1 101"); // not "101": a random x-request-id may hold it
            assertThat(b.requests).extracting(TestBackend.Received::target).containsExactly("/app/up", "/app/ws");
        }
    }

    // ---- malformed requests ----

    @Test
    void malformedRequestsAreStreamErrorsAndTheirNeighboursGoOn() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "");
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            List<Http2Headers> bad = List.of(
                    c.requestHeaders("GET", "/app/x").add("upgrade", "h2c"),
                    c.requestHeaders("GET", "/app/x").add("te", "gzip"),
                    c.requestHeaders("GET", "/app/x").add("X-Upper", "1"),
                    c.requestHeaders("GET", "/app/x").add(":method", "POST"),
                    c.requestHeaders("GET", "/app/x").add(":foo", "bar"),
                    c.requestHeaders("GET", "/app/x").add(":status", "200"),
                    withoutPath(c.requestHeaders("GET", "/app/x")),
                    withoutMethod(c.requestHeaders("GET", "/app/x")),
                    c.requestHeaders("GET", "").scheme("http"),
                    c.requestHeaders("CONNECT", "/app/x"));
            int stream = 1;
            for (Http2Headers h : bad) {
                c.headers(stream, h, true);
                String answer = streamAnswer(c, stream);
                assertThat(answer).as("the answer to %s", h).isIn("RST_STREAM 1", "status 400");
                // A good stream between the bad ones: the connection is unaffected.
                assertThat(c.request(stream + 2, "GET", "/app/good", true).response(stream + 2).status())
                        .isEqualTo(200);
                stream += 4;
            }
            // A pseudo-header after a regular field (RFC 9113 8.3: all pseudo-headers come first),
            // encoded by hand: Netty's header map would put :path back in front.
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.write(0x82); // :method GET
            block.write(0x86); // :scheme http
            hpackInt(block, 0x00, 4, 1); // :authority, literal without indexing
            hpackString(block, c.authority());
            block.write(0x00); // x-a: 1, literal without indexing, new name
            hpackString(block, "x-a");
            hpackString(block, "1");
            hpackInt(block, 0x00, 4, 4); // :path, after x-a
            hpackString(block, "/app/x");
            c.frame(RawHttp2Connection.HEADERS, RawHttp2Connection.END_HEADERS | RawHttp2Connection.END_STREAM, stream,
                    block.toByteArray());
            assertThat(streamAnswer(c, stream)).as("the answer to :path after x-a").isIn("RST_STREAM 1", "status 400");
            stream += 2;
            // TE: trailers is the one TE allowed (gRPC sends it).
            assertThat(c.request(stream, "GET", "/app/te", true, "te", "trailers").response(stream).status())
                    .isEqualTo(200);
            assertThat(b.requests).extracting(TestBackend.Received::target)
                    .allSatisfy(t -> assertThat(t).isIn("/app/good", "/app/te"));
        }
    }

    /** How stream {@code streamId} was answered: {@code RST_STREAM <error code>} or {@code status <code>}. */
    private static String streamAnswer(RawHttp2Connection c, int streamId) throws IOException {
        RawHttp2Connection.Frame fr;
        while ((fr = c.read()) != null) {
            if (fr.streamId() == streamId && fr.type() == RawHttp2Connection.RST_STREAM) {
                return "RST_STREAM " + fr.errorCode();
            }
            if (fr.streamId() == streamId && fr.type() == RawHttp2Connection.HEADERS) {
                return "status " + fr.headers().status();
            }
            assertThat(fr.type()).as("no GOAWAY").isNotEqualTo(RawHttp2Connection.GOAWAY);
        }
        return "closed";
    }

    private static Http2Headers withoutPath(Http2Headers h) {
        h.remove(":path");
        return h;
    }

    private static Http2Headers withoutMethod(Http2Headers h) {
        h.remove(":method");
        return h;
    }

    // ---- resets the client provokes (MadeYouReset, CVE-2025-8671) ----

    @Test
    void manyProvokedStreamErrorsEndTheConnectionWithEnhanceYourCalm() throws Exception {
        TestBackend b = backend();
        try (ProxyFixture f = proxy(b, "");
             RawHttp2Connection c = new RawHttp2Connection(f.port())) {
            // Each malformed request makes the proxy reset its stream: rapid reset, with the proxy's
            // own RST_STREAM frames. Past 200 in 30 s the connection ends.
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            int stream = 1;
            for (int i = 0; i < 300; i++, stream += 2) {
                frames.write(RawHttp2Connection.frameBytes(RawHttp2Connection.HEADERS,
                        RawHttp2Connection.END_HEADERS | RawHttp2Connection.END_STREAM, stream,
                        c.headerBlock(stream, c.requestHeaders("GET", "/app/x").add("connection", "close"))));
            }
            try {
                c.write(frames.toByteArray());
            } catch (IOException e) {
                // the proxy ended the connection while the frames were still arriving
            }
            RawHttp2Connection.Frame goaway = c.awaitEnd();
            assertThat(goaway).as("GOAWAY").isNotNull();
            assertThat(goaway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
            assertThat(b.requestCount()).isZero();
            stillServes(f, null, 0);
        }
    }
}
