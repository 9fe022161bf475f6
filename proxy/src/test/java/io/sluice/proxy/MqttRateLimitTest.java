package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.config.proxy.ProxyConfigs;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code mqtt} listener's {@code rate-limits}, applied once per CONNECT: over a limit, MQTT 5
 * gets CONNACK 0x97 (quota exceeded) and MQTT 3.1.1 CONNACK 0x03 (server unavailable), then a
 * close, and the broker never sees the connection. The limits refill one permit an hour, so within
 * a test only the burst is spent: each count below is exact.
 *
 * <p>Raw sockets against a stand-in broker that counts its connections and answers every CONNECT
 * with success; and Eclipse Paho against a real mosquitto.
 */
class MqttRateLimitTest {
    @TempDir
    static Path dir;
    static ByteServer broker;
    static Mosquitto mosquitto;
    static Proxy proxy;

    @BeforeAll
    static void start() throws Exception {
        broker = new ByteServer("broker", s -> {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            in.readUnsignedByte();
            byte[] body = new byte[in.readUnsignedByte()]; // under 128 in these tests
            in.readFully(body);
            boolean v5 = body[6] == 5;
            s.getOutputStream().write(v5 ? new byte[] {0x20, 3, 0, 0, 0} : new byte[] {0x20, 2, 0, 0});
            s.getOutputStream().flush();
            while (in.read() >= 0) {
                // Hold the session until the client leaves.
            }
        });
        mosquitto = Mosquitto.start("limited", dir);
        proxy = Proxy.start(ProxyConfigs.parse("access-log: { path: \"off\" }\nlisteners:\n"
                + "  - name: devices\n    protocol: mqtt\n    bind: 127.0.0.1:0\n    cluster: fake\n"
                + "    rate-limits: [ { name: device, rate: 1/h, burst: 2, key: [mqtt-client-id] } ]\n"
                + "  - name: shared\n    protocol: mqtt\n    bind: 127.0.0.1:0\n    cluster: fake\n"
                + "    rate-limits: [ { name: all, rate: 1/h, burst: 3, key: [listener] } ]\n"
                + "  - name: paho\n    protocol: mqtt\n    bind: 127.0.0.1:0\n    cluster: real\n"
                + "    rate-limits: [ { name: device, rate: 1/h, burst: 1, key: [mqtt-client-id, client-ip] } ]\n"
                + "clusters:\n"
                + "  - { name: fake, strategy: round-robin, backends: [ { id: f, address: '" + broker.address() + "' } ] }\n"
                + "  - { name: real, strategy: round-robin, backends: [ { id: m, address: '" + mosquitto.address() + "' } ] }\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        broker.close();
        mosquitto.close();
    }

    /** Sends a CONNECT of {@code level} for {@code clientId} to {@code listener}; returns the CONNACK that answers it. */
    static byte[] connack(String listener, int level, String clientId) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.address(listener).getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(MqttConnectGateTest.connect(level, 0x02, clientId));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(2);
            assertThat(head).hasSize(2);
            byte[] rest = in.readNBytes(head[1]);
            byte[] all = new byte[2 + rest.length];
            System.arraycopy(head, 0, all, 0, 2);
            System.arraycopy(rest, 0, all, 2, rest.length);
            return all;
        }
    }

    @Test
    void mqtt5OverItsClientIdsBudgetGetsQuotaExceededAndNeverReachesTheBroker() throws Exception {
        assertThat(connack("devices", 5, "five-a")).containsExactly(0x20, 3, 0, 0, 0);
        assertThat(connack("devices", 5, "five-a")).containsExactly(0x20, 3, 0, 0, 0);
        int accepted = broker.accepted.get();
        assertThat(connack("devices", 5, "five-a")).containsExactly(0x20, 3, 0, 0x97, 0);
        assertThat(broker.accepted.get()).isEqualTo(accepted);
        // Another client id has a budget of its own.
        assertThat(connack("devices", 5, "five-b")).containsExactly(0x20, 3, 0, 0, 0);
        assertThat(connack("devices", 5, "five-b")).containsExactly(0x20, 3, 0, 0, 0);
        assertThat(connack("devices", 5, "five-b")).containsExactly(0x20, 3, 0, 0x97, 0);
    }

    @Test
    void mqtt311OverItsBudgetGetsServerUnavailable() throws Exception {
        assertThat(connack("devices", 4, "three-a")).containsExactly(0x20, 2, 0, 0);
        assertThat(connack("devices", 4, "three-a")).containsExactly(0x20, 2, 0, 0);
        int accepted = broker.accepted.get();
        assertThat(connack("devices", 4, "three-a")).containsExactly(0x20, 2, 0, 0x03);
        assertThat(broker.accepted.get()).isEqualTo(accepted);
    }

    @Test
    void aListenerKeyedLimitIsOneBudgetForEveryClient() throws Exception {
        for (String id : new String[] {"l1", "l2", "l3"}) {
            assertThat(connack("shared", 4, id)).as(id).containsExactly(0x20, 2, 0, 0);
        }
        assertThat(connack("shared", 5, "l4")).containsExactly(0x20, 3, 0, 0x97, 0);
    }

    @Test
    void pahoOverItsBudgetIsRefusedAsBrokerUnavailable() throws Exception {
        String uri = "tcp://127.0.0.1:" + proxy.address("paho").getPort();
        MqttConnectOptions o = new MqttConnectOptions();
        o.setConnectionTimeout(10);
        // 3.1.1 only: by default Paho would try again as 3.1 after a refusal.
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        MqttClient first = new MqttClient(uri, "paho-device", new MemoryPersistence());
        first.connect(o);
        assertThat(first.isConnected()).isTrue();
        first.disconnect();
        first.close();
        MqttClient second = new MqttClient(uri, "paho-device", new MemoryPersistence());
        try {
            assertThatThrownBy(() -> second.connect(o)).isInstanceOfSatisfying(MqttException.class,
                    e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_BROKER_UNAVAILABLE));
        } finally {
            second.close();
        }
        // Another client id is not held back by it.
        MqttClient other = new MqttClient(uri, "paho-other", new MemoryPersistence());
        other.connect(o);
        assertThat(other.isConnected()).isTrue();
        other.disconnect();
        other.close();
    }
}
