package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.proxy.MqttBrokersTest.Device;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT over WebSocket ({@code websocket: { path: /mqtt }} on an mqtt listener) to three real mosquitto
 * brokers on their plain TCP listeners, with Paho clients over {@code ws://}. Which broker holds a device is
 * asked of the brokers, as in {@link MqttBrokersTest}: a probe naming each broker is published straight to
 * every broker, and the device receives only its own broker's.
 */
class MqttWebSocketTest {
    @TempDir
    static Path dir;
    static final List<Mosquitto> brokers = new ArrayList<>();
    static final Map<String, MqttClient> publishers = new HashMap<>();
    static Proxy proxy;

    @BeforeAll
    static void start() throws Exception {
        for (String id : List.of("w1", "w2", "w3")) {
            brokers.add(Mosquitto.start(id, dir));
        }
        // The same cluster behind a plain mqtt listener and a WebSocket one: a client id must reach the same
        // broker through either.
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 2\nlisteners:\n"
                + "  - { name: plain, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers }\n"
                + "  - { name: ws, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers, websocket: { path: /mqtt },"
                + " timeouts: { connect-packet: 2s } }\n"
                + "clusters:\n  - name: brokers\n    strategy: ring-hash\n    backends:\n");
        for (Mosquitto m : brokers) {
            y.append("      - { id: ").append(m.id).append(", address: '").append(m.address()).append("' }\n");
        }
        proxy = Proxy.start(ProxyConfigs.parse(y.toString()));
        for (Mosquitto m : brokers) {
            MqttClient p = new MqttClient(m.uri(), "publisher-" + m.id, new MemoryPersistence());
            p.connect();
            publishers.put(m.id, p);
        }
    }

    @AfterAll
    static void stop() throws Exception {
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

    static String wsUri() {
        return "ws://127.0.0.1:" + proxy.address("ws").getPort() + "/mqtt";
    }

    static void publishToEveryBroker(String topic, String payload) throws Exception {
        for (Mosquitto m : brokers) {
            String text = payload == null ? m.id : payload;
            publishers.get(m.id).publish(topic, text.getBytes(StandardCharsets.UTF_8), 1, false);
        }
    }

    static String brokerOf(Device d) throws Exception {
        publishToEveryBroker("probe/" + d.id, null);
        String got = d.probes.poll(10, TimeUnit.SECONDS);
        assertThat(got).as("probe answer for " + d.id).isNotNull();
        return got;
    }

    @Test
    void aDeviceOverWebSocketReachesTheBrokerItsClientIdHashesTo() throws Exception {
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 9; i++) {
            String id = "ws-device-" + i;
            Device ws = new Device(id, wsUri());
            ws.connect();
            String overWebSocket = brokerOf(ws);
            ws.client.disconnect();
            ws.client.close();
            Device plain = new Device(id, proxy.address("plain").getPort());
            plain.connect();
            assertThat(brokerOf(plain)).as(id + " over plain MQTT and over WebSocket").isEqualTo(overWebSocket);
            plain.client.disconnect();
            plain.client.close();
            used.add(overWebSocket);
        }
        // Nine ids on one broker of three would mean the key was not read (every pick alike): a hash spreading
        // them uniformly puts all nine on one broker with probability 3 x (1/3)^9 = 1.5e-4.
        assertThat(used).hasSizeGreaterThan(1);
    }

    @Test
    void aPersistentSessionOverWebSocketGetsWhatWasQueuedWhenItComesBack() throws Exception {
        Device d = new Device("ws-sensor-7", wsUri());
        d.connect();
        String broker = brokerOf(d);
        d.client.disconnect();
        // Every broker gets the commands; only the one holding the session queues them.
        for (int i = 0; i < 5; i++) {
            publishToEveryBroker("cmd/ws-sensor-7", "cmd-" + i);
        }
        d.connect();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String m = d.messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("queued message " + i).isNotNull();
            got.add(m);
        }
        assertThat(got).containsExactly("cmd-0", "cmd-1", "cmd-2", "cmd-3", "cmd-4");
        assertThat(brokerOf(d)).isEqualTo(broker);
        d.client.disconnect();
        d.client.close();
    }

    @Test
    void anotherPathIsNotFound() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(upgrade("/other").getBytes(StandardCharsets.US_ASCII));
            assertThat(head(s.getInputStream())).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void aTextFrameIsClosedWith1003() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(upgrade("/mqtt").getBytes(StandardCharsets.US_ASCII));
            String head = head(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-protocol: mqtt");
            // A masked text frame "hi" (FIN, opcode 1; mask bit, length 2; a zero mask leaves the bytes as they are).
            out.write(new byte[] {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, 'h', 'i'});
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(in.read()).as("a Close frame").isEqualTo(0x88);
            int length = in.read() & 0x7f;
            assertThat(length).isGreaterThanOrEqualTo(2);
            assertThat((in.read() << 8) | in.read()).isEqualTo(1003);
        }
    }

    @Test
    void plainMqttOnTheWebSocketListenerReachesNoBroker() throws Exception {
        try (Socket s = connect()) {
            // An MQTT 3.1.1 CONNECT with client id "x", not an HTTP request: no request line ever ends, so the
            // listener's connect-packet timeout (2s here) closes it, or the HTTP decoder refuses it first.
            s.getOutputStream().write(new byte[] {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 1, 'x'});
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).as("no CONNACK, at most an HTTP refusal")
                    .satisfiesAnyOf(a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 400"));
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", proxy.address("ws").getPort()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String upgrade(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: mqtt\r\n\r\n";
    }

    /** The response head, up to its blank line. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
            String s = b.toString(StandardCharsets.US_ASCII);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
