package io.sluice.proxy;

import static io.sluice.proxy.AdaptiveConcurrencyTest.await;
import static io.sluice.proxy.AdaptiveConcurrencyTest.metric;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.overload.OverloadState.Level;
import io.sluice.config.proxy.ProxyConfigs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The proxy's own overload control through a real proxy, real sockets and a real backend. The
 * thresholds are set so that a real measure crosses them: a heap threshold of a millionth of the
 * maximum heap is crossed by any running JVM, one of the whole heap never (used heap is at most the
 * maximum). Reloads move the thresholds, and the proxy goes normal, stop-accepting, shedding and back.
 */
class OverloadTest {
    private static final String NEVER = "1.0";
    private static final String ALWAYS = "0.000001";

    private static String yaml(TestBackend b, String heapStop, String heapShed) {
        return """
                access-log: { path: "off" }
                workers: 2
                overload:
                  interval: 10ms
                  event-loop-delay: { stop-accepting: 10s, shed: 10s }
                  heap: { stop-accepting: %s, shed: %s }
                listeners:
                  - { name: web, bind: 127.0.0.1:0, routes: [ { cluster: c } ] }
                clusters:
                  - name: c
                    strategy: round-robin
                    backends: [ { id: b1, address: '%s' } ]
                """.formatted(heapStop, heapShed, b.address());
    }

    @Test
    void stopsAcceptingThenShedsThenRecoversAsReloadsMoveTheHeapThresholds() throws Exception {
        TestBackend backend = TestBackend.start("b1");
        try (ProxyFixture f = ProxyFixture.start(yaml(backend, NEVER, NEVER), List.of(backend));
             Socket kept = new Socket()) {
            await("normal", () -> metric(f, state("normal")) == 1);
            assertThat(metric(f, "sluice_event_loop_delay_seconds{loop=\"0\"}")).isBetween(0.0, 10.0);
            assertThat(metric(f, "sluice_overload_pressure{resource=\"heap\"}")).isBetween(0.0, 1.0);
            kept.connect(new InetSocketAddress("127.0.0.1", f.port()), 10_000);
            kept.setSoTimeout(30_000);
            assertThat(exchange(kept)).startsWith("HTTP/1.1 200");

            f.proxy.reload(ProxyConfigs.parse(yaml(backend, ALWAYS, NEVER)));
            await("stop-accepting", () -> f.proxy.overloadLevel() == Level.STOP_ACCEPTING);
            assertThat(metric(f, state("stop-accepting"))).isEqualTo(1);
            assertThat(newConnection(f)).as("a new connection is closed unanswered").isEmpty();
            assertThat(metric(f, "sluice_overload_connections_refused_total{listener=\"web\"}")).isPositive();
            assertThat(exchange(kept)).as("an open connection is still served").startsWith("HTTP/1.1 200");

            f.proxy.reload(ProxyConfigs.parse(yaml(backend, ALWAYS, ALWAYS)));
            await("shedding", () -> f.proxy.overloadLevel() == Level.SHEDDING);
            int before = backend.requestCount();
            String shed = exchange(kept);
            assertThat(shed).startsWith("HTTP/1.1 503").contains("x-sluice-shed: overload", "retry-after: 1");
            assertThat(backend.requestCount()).as("a shed request never reaches a backend").isEqualTo(before);
            assertThat(metric(f, "sluice_requests_shed_total{cluster=\"c\",reason=\"overload\"}")).isEqualTo(1);
            assertThat(metric(f, "sluice_overload_pressure{resource=\"heap\"}")).isGreaterThan(1);

            f.proxy.reload(ProxyConfigs.parse(yaml(backend, NEVER, NEVER)));
            await("normal again", () -> f.proxy.overloadLevel() == Level.NORMAL);
            assertThat(f.get("/").statusCode()).isEqualTo(200);
            assertThat(exchange(kept)).startsWith("HTTP/1.1 200");
            assertThat(metric(f, state("shedding"))).isZero();
        } finally {
            backend.close();
        }
    }

    /**
     * The event-loop delay measured on the real loops: a timer never runs within a microsecond of its
     * due time (a wake-up alone takes longer), so thresholds of 1 us are crossed; 10 s never are here.
     */
    @Test
    void eventLoopDelayOverMicrosecondThresholdsShedsAndLargeOnesRecover() throws Exception {
        TestBackend backend = TestBackend.start("b1");
        String tiny = yaml(backend, NEVER, NEVER).replace("{ stop-accepting: 10s, shed: 10s }",
                "{ stop-accepting: 1us, shed: 1us }");
        try (ProxyFixture f = ProxyFixture.start(tiny, List.of(backend))) {
            await("shedding on event-loop delay", () -> f.proxy.overloadLevel() == Level.SHEDDING);
            assertThat(metric(f, "sluice_overload_pressure{resource=\"event-loop-delay\"}")).isGreaterThan(1);
            assertThat(metric(f, "sluice_event_loop_delay_seconds{loop=\"1\"}")).isPositive();
            f.proxy.reload(ProxyConfigs.parse(yaml(backend, NEVER, NEVER)));
            await("normal once the thresholds are 10 s", () -> f.proxy.overloadLevel() == Level.NORMAL);
            assertThat(f.get("/").statusCode()).isEqualTo(200);
        } finally {
            backend.close();
        }
    }

    private static String state(String s) {
        return "sluice_overload_state{state=\"" + s + "\"}";
    }

    /** One GET on a kept-alive connection; the response head and body (Content-Length framed). */
    private static String exchange(Socket s) throws IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(c);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return h + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** What a new connection gets back for one request before it closes; a reset counts as nothing. */
    private static String newConnection(ProxyFixture f) {
        try {
            return f.raw("GET / HTTP/1.1\r\nHost: t\r\n\r\n").text();
        } catch (IOException e) {
            return "";
        }
    }
}
