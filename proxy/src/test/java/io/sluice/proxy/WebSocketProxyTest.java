package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.proxy.ProxyConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket through an HTTP listener: JDK {@link java.net.http.WebSocket} clients, two Netty
 * WebSocket echo servers ({@link WebSocketEchoServer}) as the cluster.
 */
class WebSocketProxyTest {
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private String yaml(String idle, String affinity, WebSocketEchoServer... backends) {
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 2\nlisteners:\n"
                + "  - name: web\n    bind: 127.0.0.1:0\n    timeouts: { idle: " + idle + " }\n"
                + "    routes:\n      - cluster: c\n"
                + "clusters:\n  - name: c\n    strategy: { name: round-robin }\n" + affinity + "    backends:\n");
        for (WebSocketEchoServer b : backends) {
            y.append("      - { id: ").append(b.id).append(", address: '").append(b.address()).append("' }\n");
        }
        return y.toString();
    }

    private Proxy proxy(String yaml) throws Exception {
        Proxy p = Proxy.start(ProxyConfigs.parse(yaml));
        closing.add(p);
        return p;
    }

    private WebSocketEchoServer backend(String id) {
        WebSocketEchoServer b = new WebSocketEchoServer(id);
        closing.add(b);
        return b;
    }

    /** A connected client and the texts it received, in order; closed events arrive as "CLOSED". */
    private record Client(WebSocket ws, BlockingQueue<String> received) {
        String ask(String text) throws Exception {
            ws.sendText(text, true).get(10, TimeUnit.SECONDS);
            String r = received.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("answer to %s", text).isNotNull();
            return r;
        }
    }

    private Client connect(Proxy p, String device) throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket.Listener l = new WebSocket.Listener() {
            private final StringBuilder parts = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                parts.append(data);
                if (last) {
                    received.add(parts.toString());
                    parts.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                received.add("CLOSED");
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                received.add("CLOSED");
            }
        };
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (device != null) {
            b.header("x-device", device);
        }
        URI uri = URI.create("ws://127.0.0.1:" + p.address("web").getPort() + "/ws");
        WebSocket ws = b.buildAsync(uri, l).get(10, TimeUnit.SECONDS);
        return new Client(ws, received);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, TimeUnit.SECONDS.toNanos(10), condition);
    }

    private static String backendOf(String answer) {
        return answer.substring(0, answer.indexOf(':'));
    }

    @Test
    void relaysBothWaysAndSpreadsConnections() throws Exception {
        WebSocketEchoServer a = backend("a");
        WebSocketEchoServer b = backend("b");
        Proxy p = proxy(yaml("60s", "", a, b));
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Client c = connect(p, null);
            String first = c.ask("hello " + i);
            assertThat(first).endsWith(":hello " + i);
            // A long message, sent in fragments by the JDK client, comes back whole.
            String big = "x".repeat(50_000);
            String echoed = c.ask(big);
            assertThat(echoed.length()).isEqualTo(big.length() + 2);
            assertThat(echoed).as("the long echo").startsWith(backendOf(first) + ":xxx").endsWith("xxx");
            seen.add(backendOf(first));
        }
        // Round robin over two backends: both got handshakes.
        assertThat(seen).contains("a", "b");
        assertThat(p.metrics().scrapeText()).contains("sluice_websocket_connections{listener=\"web\"} 4.0");
    }

    @Test
    void affinityRulesApplyToTheHandshake() throws Exception {
        WebSocketEchoServer a = backend("a");
        WebSocketEchoServer b = backend("b");
        Proxy p = proxy(yaml("60s", "    session-persistence: { mode: header, name: x-device }\n", a, b));
        for (String device : List.of("d1", "d2", "d3")) {
            String first = backendOf(connect(p, device).ask("hi"));
            for (int i = 0; i < 3; i++) {
                assertThat(backendOf(connect(p, device).ask("again"))).as(device).isEqualTo(first);
            }
        }
    }

    @Test
    void aKilledBackendClosesOnlyItsSockets() throws Exception {
        WebSocketEchoServer a = backend("a");
        WebSocketEchoServer b = backend("b");
        Proxy p = proxy(yaml("60s", "", a, b));
        List<Client> onA = new ArrayList<>();
        List<Client> onB = new ArrayList<>();
        while (onA.size() < 3 || onB.size() < 3) {
            Client c = connect(p, null);
            (backendOf(c.ask("who")).equals("a") ? onA : onB).add(c);
        }
        int total = onA.size() + onB.size();
        a.close();
        for (Client c : onA) {
            assertThat(c.received().poll(10, TimeUnit.SECONDS)).isEqualTo("CLOSED");
        }
        for (Client c : onB) {
            assertThat(c.ask("still")).isEqualTo("b:still");
        }
        String left = "sluice_websocket_connections{listener=\"web\"} " + onB.size() + ".0";
        assertThat(total).isGreaterThan(onB.size());
        await("gauge down to " + onB.size(), () -> p.metrics().scrapeText().contains(left));
    }

    @Test
    void aReloadKeepsOpenSocketsAndAStopClosesThem() throws Exception {
        WebSocketEchoServer a = backend("a");
        WebSocketEchoServer b = backend("b");
        String before = yaml("60s", "", a, b);
        Proxy p = proxy(before);
        Client c = connect(p, null);
        String on = backendOf(c.ask("one"));
        // Change the cluster (a new strategy) and reload: the socket stays where it is.
        p.reload(ProxyConfigs.parse(before.replace("round-robin", "random")));
        assertThat(backendOf(c.ask("two"))).isEqualTo(on);
        closing.remove(p);
        assertThat(p.shutdown(TimeUnit.SECONDS.toNanos(5))).as("drained in time").isTrue();
        assertThat(c.received().poll(10, TimeUnit.SECONDS)).isEqualTo("CLOSED");
    }

    @Test
    void anIdleSocketIsClosed() throws Exception {
        WebSocketEchoServer a = backend("a");
        Proxy p = proxy(yaml("300ms", "", a));
        Client c = connect(p, null);
        assertThat(c.ask("ping")).isEqualTo("a:ping");
        assertThat(c.received().poll(10, TimeUnit.SECONDS)).isEqualTo("CLOSED");
        await("backend connection closed", () -> a.openConnections() == 0);
    }
}
