package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpProbeTest {
    @Test
    void aResponseGivesItsStatusAndBody() throws IOException {
        HttpProbe.Response r = HttpProbe.parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nb1\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("b1\n");
        assertThat(HttpProbe.parse("HTTP/1.0 503 Service Unavailable\r\n\r\n").status()).isEqualTo(503);
    }

    @Test
    void somethingElseThanHttpIsAnError() {
        assertThatThrownBy(() -> HttpProbe.parse("SSH-2.0-OpenSSH\r\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("not an HTTP/1.x response");
        assertThatThrownBy(() -> HttpProbe.parse("HTTP/1.1 abc\r\n\r\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("no status code");
    }

    @Test
    void aGetReachesALoopbackServerAndReadsItsAnswer() throws Exception {
        AtomicReference<String> request = new AtomicReference<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(Loopback.HOST))) {
            Thread answer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        head.append((char) in.read());
                    }
                    request.set(head.toString());
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsluice bench backend b2\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // The assertion on the response below fails instead.
                }
            });
            answer.start();
            HttpProbe.Response r = HttpProbe.awaitOk(server.getLocalPort(), null, Duration.ofSeconds(10));
            answer.join(5000);
            assertThat(r.body().strip()).isEqualTo("sluice bench backend b2");
            assertThat(request.get()).startsWith("GET / HTTP/1.1\r\n").contains("Connection: close\r\n");
        }
    }

    @Test
    void waitingForAServerThatExitedStopsAtOnce() throws Exception {
        int port = Loopback.freePorts(1).get(0);
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        assertThatThrownBy(() -> HttpProbe.awaitOk(port, exited, Duration.ofMinutes(5)))
                .isInstanceOf(IOException.class).hasMessageContaining("exited with code 0 before answering");
    }

    @Test
    void waitingForNothingTimesOutWithTheLastFailure() throws Exception {
        int port = Loopback.freePorts(1).get(0);
        assertThatThrownBy(() -> HttpProbe.awaitOk(port, null, Duration.ZERO))
                .isInstanceOf(IOException.class).hasMessageContaining("no 200 from 127.0.0.1:" + port);
    }
}
