package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests as raw bytes on a real socket: each must get its status, the connection must
 * close, and nothing may reach the backend (no connection, no byte).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private ProxyFixture f;

    @BeforeAll
    void start() throws Exception {
        f = ProxyFixture.start("round-robin", List.of(TestBackend.start("b1")), "",
                "    limits: { max-body-bytes: 1KiB }\n    timeouts: { request-headers: 1s }\n");
    }

    @AfterAll
    void stop() {
        f.close();
    }

    static Stream<Arguments> cases() {
        String host = "Host: x\r\n";
        return Stream.of(
                Arguments.of("request line over 8 KiB", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + host + "\r\n",
                        414),
                Arguments.of("header block over 32 KiB", "GET / HTTP/1.1\r\n" + host
                        + ("X-Big: " + "v".repeat(1000) + "\r\n").repeat(40) + "\r\n", 431),
                Arguments.of("over 100 headers", "GET / HTTP/1.1\r\n" + host + "X-H: v\r\n".repeat(100) + "\r\n", 431),
                Arguments.of("Content-Length with Transfer-Encoding", "POST / HTTP/1.1\r\n" + host
                        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("chunked not the final coding", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("space before the colon", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("stray bytes in Transfer-Encoding", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("vertical tab in Transfer-Encoding", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding:\u000bchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("repeated Transfer-Encoding", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        400),
                Arguments.of("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("unknown transfer coding", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
                Arguments.of("negative Content-Length", "POST / HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n",
                        400),
                Arguments.of("signed Content-Length", "POST / HTTP/1.1\r\n" + host + "Content-Length: +5\r\n\r\nhello",
                        400),
                Arguments.of("hex Content-Length", "POST / HTTP/1.1\r\n" + host + "Content-Length: 0x5\r\n\r\nhello",
                        400),
                Arguments.of("Content-Length list", "POST / HTTP/1.1\r\n" + host + "Content-Length: 5, 5\r\n\r\nhello",
                        400),
                Arguments.of("conflicting Content-Length", "POST / HTTP/1.1\r\n" + host
                        + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                Arguments.of("repeated equal Content-Length", "POST / HTTP/1.1\r\n" + host
                        + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400),
                Arguments.of("non-hex chunk size", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("0x chunk size", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("negative chunk size", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("space before chunk size", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("overflowing chunk size", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("chunk data longer than its size", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("bare CR in a header", "GET / HTTP/1.1\r\n" + host + "X-A: b\rc\r\n\r\n", 400),
                Arguments.of("bare CR in the request line", "GET /\r HTTP/1.1\r\n" + host + "\r\n", 400),
                Arguments.of("NUL in a header value", "GET / HTTP/1.1\r\n" + host + "X-A: b\u0000c\r\n\r\n", 400),
                Arguments.of("LF inside a header value", "GET / HTTP/1.1\r\n" + host + "X-A: b\nX-B: c\r\n\r\n",
                        400),
                Arguments.of("bare LF line ends", "GET / HTTP/1.1\n" + host + "\n", 400),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\n" + host + "X-A: b\r\n c\r\n\r\n", 400),
                Arguments.of("header line without colon", "GET / HTTP/1.1\r\n" + host + "X-A b\r\n\r\n", 400),
                Arguments.of("empty header name", "GET / HTTP/1.1\r\n" + host + ": b\r\n\r\n", 400),
                Arguments.of("missing Host", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", 400),
                Arguments.of("repeated Host", "GET / HTTP/1.1\r\n" + host + "Host: y\r\n\r\n", 400),
                Arguments.of("invalid Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
                Arguments.of("two spaces in the request line", "GET  / HTTP/1.1\r\n" + host + "\r\n", 400),
                Arguments.of("relative request target", "GET foo HTTP/1.1\r\n" + host + "\r\n", 400),
                Arguments.of("HTTP/2.0 request line", "GET / HTTP/2.0\r\n" + host + "\r\n", 505),
                Arguments.of("garbage version", "GET / HTTX/1.1\r\n" + host + "\r\n", 400),
                Arguments.of("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 501),
                Arguments.of("unsupported expectation", "POST / HTTP/1.1\r\n" + host
                        + "Expect: something\r\nContent-Length: 5\r\n\r\nhello", 417),
                Arguments.of("declared body over the limit", "POST / HTTP/1.1\r\n" + host
                        + "Content-Length: 2048\r\n\r\n", 413),
                Arguments.of("chunked body over the limit", "POST / HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\n800\r\n" + "a".repeat(2048) + "\r\n0\r\n\r\n", 413));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("cases")
    void refusedAndNothingForwarded(String name, String request, int status) throws Exception {
        ProxyFixture.RawResponse r = f.raw(request);
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.text()).containsIgnoringCase("connection: close");
        assertThat(f.totalBackendConnections()).as("backend connections").isZero();
        assertThat(f.totalBackendBytes()).as("bytes that reached the backend").isZero();
    }

    @Test
    void slowlyTrickledHeadersGet408AtTheHeaderTimeout() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.port()), 10_000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            byte[] head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
            // Trickle one byte every 100 ms: the whole head would take far longer than the 1 s timeout.
            // Writing stops when the proxy answers and closes.
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 600; i++) {
                        out.write(i < head.length ? head[i] : 'a');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (Exception closed) {
                    // the proxy closed the connection: expected
                }
            });
            writer.setDaemon(true);
            writer.start();
            ProxyFixture.RawResponse r = ProxyFixture.RawResponse.readUntilClose(s.getInputStream());
            assertThat(r.status()).as(r.text()).isEqualTo(408);
            writer.interrupt();
        }
        assertThat(f.totalBackendConnections()).isZero();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedSilentlyAtTheIdleTimeout() throws Exception {
        try (ProxyFixture g = ProxyFixture.start("round-robin", List.of(TestBackend.start("b9")), "",
                "    timeouts: { idle: 300ms }\n"); Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", g.port()), 10_000);
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void connectionsOverTheListenerMaximumAreAcceptedThenClosed() throws Exception {
        try (ProxyFixture g = ProxyFixture.start("round-robin", List.of(TestBackend.start("b8")), "",
                "    max-connections: 2\n"); Socket a = new Socket(); Socket b = new Socket(); Socket c = new Socket()) {
            a.connect(new InetSocketAddress("127.0.0.1", g.port()), 10_000);
            b.connect(new InetSocketAddress("127.0.0.1", g.port()), 10_000);
            // The proxy has counted both once a request on each was answered.
            for (Socket s : List.of(a, b)) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[256];
                assertThat(s.getInputStream().read(buf)).isPositive();
            }
            c.connect(new InetSocketAddress("127.0.0.1", g.port()), 10_000);
            c.setSoTimeout(30_000);
            assertThat(c.getInputStream().read()).as("third connection closed without a response").isEqualTo(-1);
            assertThat(g.proxy.connections("web")).isEqualTo(2);
        }
    }
}
