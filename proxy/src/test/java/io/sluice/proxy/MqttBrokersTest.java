package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.proxy.ProxyConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT through Sluice to three real mosquitto brokers, with Eclipse Paho clients. Which broker a
 * client is on is asked of the brokers themselves: a probe message naming each broker is published
 * straight to every broker on the client's probe topic, and the client receives only its own
 * broker's. A QoS 1 message queued for a persistent session is delivered only by the broker that
 * holds the session, so receiving it after a reconnect proves the reconnect reached the same one.
 */
class MqttBrokersTest {
    @TempDir
    static Path dir;
    static final List<Mosquitto> brokers = new ArrayList<>();

    @BeforeAll
    static void startBrokers() throws Exception {
        for (String id : List.of("a", "b", "c")) {
            brokers.add(Mosquitto.start(id, dir));
        }
    }

    /** One publisher connected straight to each broker, by broker id. */
    static final Map<String, MqttClient> PUBLISHERS = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterAll
    static void stopBrokers() throws Exception {
        for (MqttClient p : PUBLISHERS.values()) {
            p.disconnectForcibly(0, 1000);
            p.close(true);
        }
        for (Mosquitto m : brokers) {
            m.close();
        }
    }

    static Proxy proxy(String strategy) throws Exception {
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 2\nlisteners:\n"
                + "  - { name: mqtt, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers }\n"
                + "clusters:\n  - name: brokers\n    strategy: " + strategy + "\n"
                + "    health-check: { type: tcp, interval: 200ms, timeout: 200ms, rise: 1, fall: 1 }\n"
                + "    backends:\n");
        for (Mosquitto m : brokers) {
            y.append("      - { id: ").append(m.id).append(", address: '").append(m.address()).append("' }\n");
        }
        return Proxy.start(ProxyConfigs.parse(y.toString()));
    }

    /** A device: a Paho client through the proxy with a persistent session, recording what arrives. */
    static final class Device implements MqttCallback {
        final String id;
        final MqttClient client;
        final BlockingQueue<String> probes = new LinkedBlockingQueue<>();
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        int connects;

        Device(String id, int proxyPort) throws MqttException {
            this(id, "tcp://127.0.0.1:" + proxyPort);
        }

        /** A device at {@code uri}: {@code tcp://host:port} or, over WebSocket, {@code ws://host:port/path}. */
        Device(String id, String uri) throws MqttException {
            this.id = id;
            this.client = new MqttClient(uri, id, new MemoryPersistence());
            client.setCallback(this);
        }

        void connect() throws MqttException {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(false);
            o.setConnectionTimeout(10);
            o.setKeepAliveInterval(30);
            // A retry after a failed subscribe finds the client still connected: only the subscribe is redone.
            if (!client.isConnected()) {
                client.connect(o);
                connects++;
            }
            // A device that lands on a broker without its session subscribes again, as real ones do.
            client.subscribe(new String[] {"cmd/" + id, "probe/" + id}, new int[] {1, 1});
        }

        /** Connects, retrying until {@code deadlineNanos} (a broker just killed may still be tried first). */
        void connectUntil(long deadlineNanos) throws Exception {
            while (true) {
                try {
                    connect();
                    return;
                } catch (MqttException e) {
                    if (System.nanoTime() > deadlineNanos) {
                        throw e;
                    }
                }
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            String text = new String(message.getPayload(), StandardCharsets.UTF_8);
            (topic.startsWith("probe/") ? probes : messages).add(text);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    /** Publishes {@code payload(broker)} on {@code topic} straight to every live broker. */
    static void publishToEveryBroker(String topic, int qos, java.util.function.Function<Mosquitto, String> payload,
                                     List<Mosquitto> live) throws MqttException {
        for (Mosquitto m : live) {
            MqttClient p = PUBLISHERS.get(m.id);
            if (p == null) {
                p = new MqttClient(m.uri(), "publisher-" + m.id, new MemoryPersistence());
                p.connect();
                PUBLISHERS.put(m.id, p);
            }
            p.publish(topic, payload.apply(m).getBytes(StandardCharsets.UTF_8), qos, false);
        }
    }

    /** The broker {@code d} is connected to, as the brokers tell. */
    static String brokerOf(Device d, List<Mosquitto> live) throws Exception {
        publishToEveryBroker("probe/" + d.id, 1, m -> m.id, live);
        String got = d.probes.poll(10, TimeUnit.SECONDS);
        assertThat(got).as("probe answer for " + d.id).isNotNull();
        return got;
    }

    @Test
    void aPersistentSessionReconnectsToItsBrokerAndGetsWhatWasQueued() throws Exception {
        try (Proxy proxy = proxy("bounded-load")) {
            Device d = new Device("sensor-42", proxy.address("mqtt").getPort());
            d.connect();
            d.client.disconnect();
            // Every broker gets the commands; only the one holding the session queues them.
            for (int i = 0; i < 5; i++) {
                int n = i;
                publishToEveryBroker("cmd/sensor-42", 1, m -> "cmd-" + n, brokers);
            }
            d.connect();
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String m = d.messages.poll(10, TimeUnit.SECONDS);
                assertThat(m).as("queued message " + i).isNotNull();
                got.add(m);
            }
            assertThat(got).containsExactly("cmd-0", "cmd-1", "cmd-2", "cmd-3", "cmd-4");
            d.client.disconnect();
            d.client.close();
        }
    }

    @Test
    void killingABrokerMovesOnlyItsClientsEachOnce() throws Exception {
        List<Mosquitto> live = new ArrayList<>(brokers);
        // Its own three brokers: killing one must not disturb the other test.
        List<Mosquitto> mine = new ArrayList<>();
        for (String id : List.of("x", "y", "z")) {
            mine.add(Mosquitto.start(id, dir));
        }
        brokers.addAll(mine);
        live = mine;
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 2\nlisteners:\n"
                + "  - { name: mqtt, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers }\n"
                + "clusters:\n  - name: brokers\n    strategy: ring-hash\n"
                + "    health-check: { type: tcp, interval: 200ms, timeout: 200ms, rise: 1, fall: 1 }\n"
                + "    backends:\n");
        for (Mosquitto m : mine) {
            y.append("      - { id: ").append(m.id).append(", address: '").append(m.address()).append("' }\n");
        }
        try (Proxy proxy = Proxy.start(ProxyConfigs.parse(y.toString()))) {
            int port = proxy.address("mqtt").getPort();
            List<Device> devices = new ArrayList<>();
            Map<String, String> before = new HashMap<>();
            for (int i = 0; i < 12; i++) {
                Device d = new Device("device-" + i, port);
                d.connect();
                devices.add(d);
            }
            for (Device d : devices) {
                before.put(d.id, brokerOf(d, live));
            }
            Mosquitto victim = mine.get(1);
            assertThat(before.values()).as("the victim has clients").contains(victim.id);
            victim.kill();
            MqttClient gone = PUBLISHERS.remove(victim.id);
            if (gone != null) {
                // The broker is dead, but Paho may not have seen the loss yet; close() refuses a connected client.
                try {
                    gone.disconnectForcibly(0, 0);
                } catch (MqttException lossAlreadySeen) {
                    // not connected any more: nothing to drop
                }
                gone.close(true);
            }
            live = List.of(mine.get(0), mine.get(2));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // Its clients reconnect; the others disconnect and reconnect too, and must come back to their broker.
            for (Device d : devices) {
                if (d.client.isConnected()) {
                    d.client.disconnect(1000);
                }
                d.connectUntil(deadline);
            }
            int moved = 0;
            for (Device d : devices) {
                String now = brokerOf(d, live);
                if (before.get(d.id).equals(victim.id)) {
                    assertThat(now).as(d.id + " left the dead broker").isNotEqualTo(victim.id);
                    moved++;
                } else {
                    assertThat(now).as(d.id + " kept its broker").isEqualTo(before.get(d.id));
                }
            }
            long victimClients = before.values().stream().filter(victim.id::equals).count();
            assertThat(moved).isEqualTo((int) victimClients);
            // Each moved once: reconnecting again lands on the same broker as after the move.
            for (Device d : devices) {
                String now = brokerOf(d, live);
                d.client.disconnect(1000);
                d.connectUntil(deadline);
                assertThat(brokerOf(d, live)).as(d.id + " stays after its move").isEqualTo(now);
                d.client.disconnect();
                d.client.close();
            }
        }
    }
}
