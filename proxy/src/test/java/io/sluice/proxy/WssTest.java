package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://}: WebSocket over TLS through Sluice, for MQTT devices (an mqtt listener with
 * {@code tls} and {@code websocket: { path }}, Paho clients) and for a plain WebSocket route on an
 * HTTPS listener (the JDK's {@link java.net.http.WebSocket}). The TLS layer sits under the
 * WebSocket handshake the same way it sits under any stream protocol.
 */
class WssTest {
    @TempDir
    Path dir;

    private String tls(TestPki.Leaf leaf) {
        return "tls: { certificates: [ { cert: '" + leaf.cert() + "', key: '" + leaf.key() + "' } ] }";
    }

    @Test
    void mqttOverWssReachesTheBrokerTheClientIdHashesTo() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Leaf local = pki.issue("local", "localhost", "DNS:localhost", "IP:127.0.0.1");
        List<Mosquitto> brokers = new ArrayList<>();
        Map<String, MqttClient> publishers = new LinkedHashMap<>();
        Proxy proxy = null;
        try {
            for (String id : List.of("s1", "s2", "s3")) {
                brokers.add(Mosquitto.start(id, dir));
            }
            StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 2\nlisteners:\n"
                    + "  - { name: wss, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers, websocket: { path: /mqtt }, "
                    + tls(local) + " }\n"
                    + "clusters:\n  - name: brokers\n    strategy: ring-hash\n    backends:\n");
            for (Mosquitto m : brokers) {
                y.append("      - { id: ").append(m.id).append(", address: '").append(m.address()).append("' }\n");
            }
            ProxyConfig config = ProxyConfigs.parse(y.toString());
            proxy = Proxy.start(config);
            for (Mosquitto m : brokers) {
                MqttClient p = new MqttClient(m.uri(), "publisher-" + m.id, new MemoryPersistence());
                p.connect();
                publishers.put(m.id, p);
            }
            // The broker the cluster's hash picks for a client id: the proxy's own cluster class on the same config.
            Cluster hash = Cluster.build(config.cluster("brokers"), null, StrategyRegistry.standard(),
                    Environment.system());
            String uri = "wss://127.0.0.1:" + proxy.address("wss").getPort() + "/mqtt";
            Set<String> used = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                String id = "wss-device-" + i;
                BlockingQueue<String> probes = new LinkedBlockingQueue<>();
                MqttClient device = new MqttClient(uri, id, new MemoryPersistence());
                MqttConnectOptions o = new MqttConnectOptions();
                o.setSocketFactory(pki.clientContext(null).getSocketFactory());
                o.setConnectionTimeout(10);
                o.setCleanSession(true);
                try {
                    device.connect(o);
                    device.subscribe("probe/" + id, 1, (topic, m) -> probes.add(new String(m.getPayload(),
                            StandardCharsets.UTF_8)));
                    // Each broker names itself on the device's probe topic; only the device's broker delivers.
                    for (Map.Entry<String, MqttClient> p : publishers.entrySet()) {
                        p.getValue().publish("probe/" + id, p.getKey().getBytes(StandardCharsets.UTF_8), 1, false);
                    }
                    String broker = probes.poll(10, TimeUnit.SECONDS);
                    Endpoint expected = hash.loadBalancer().pick(RequestContext.ofKey(id));
                    assertThat(broker).as(id + " over wss").isEqualTo(expected.id());
                    used.add(broker);
                } finally {
                    device.disconnectForcibly(0, 1000);
                    device.close(true);
                }
            }
            // Six ids all on one broker of three would mean the key was not read: with a uniform hash
            // that happens with probability 3 x (1/3)^6 = 0.4 %, and the ids are fixed, so it is decided once.
            assertThat(used).hasSizeGreaterThan(1);
        } finally {
            for (MqttClient p : publishers.values()) {
                p.disconnectForcibly(0, 1000);
                p.close(true);
            }
            if (proxy != null) {
                proxy.close();
            }
            for (Mosquitto m : brokers) {
                m.close();
            }
        }
    }

    @Test
    void aJdkWebSocketOverTlsIsRelayedByAnHttpsListener() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Leaf local = pki.issue("local", "localhost", "DNS:localhost", "IP:127.0.0.1");
        try (WebSocketEchoServer echo = new WebSocketEchoServer("a");
             Proxy proxy = Proxy.start(ProxyConfigs.parse("access-log: { path: \"off\" }\nworkers: 1\nlisteners:\n"
                     + "  - name: web\n    bind: 127.0.0.1:0\n    " + tls(local) + "\n"
                     + "    routes:\n      - cluster: c\n"
                     + "clusters:\n  - name: c\n    strategy: round-robin\n    backends:\n"
                     + "      - { id: a, address: '" + echo.address() + "' }\n"))) {
            HttpClient http = HttpClient.newBuilder().sslContext(pki.clientContext(null)).build();
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create("wss://127.0.0.1:" + proxy.address("web").getPort() + "/ws"),
                            new WebSocket.Listener() {
                                private final StringBuilder parts = new StringBuilder();

                                @Override
                                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                    parts.append(data);
                                    if (last) {
                                        received.add(parts.toString());
                                        parts.setLength(0);
                                    }
                                    w.request(1);
                                    return null;
                                }
                            }).get(10, TimeUnit.SECONDS);
            try {
                ws.sendText("hello over wss", true).get(10, TimeUnit.SECONDS);
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("a:hello over wss");
                // A long message crosses TLS records and WebSocket fragments and comes back whole.
                String big = "y".repeat(100_000);
                ws.sendText(big, true).get(10, TimeUnit.SECONDS);
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("a:" + big);
            } finally {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
            }
        }
    }
}
