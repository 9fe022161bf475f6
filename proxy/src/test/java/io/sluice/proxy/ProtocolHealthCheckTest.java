package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code mqtt} and {@code coap} health-check types end to end: the proxy's own checks against
 * a real mosquitto broker and a real UDP server, and against servers that fail them in each way
 * (silence, a close, a refusal, an ICMP port unreachable), read back from the admin API and the
 * metrics as an operator would.
 */
class ProtocolHealthCheckTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** A TCP server on a loopback port that gives each accepted connection to {@code conversation} on its own thread. */
    private int tcpServer(String name, Consumer<Socket> conversation) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closing.add(server);
        List<Socket> open = new CopyOnWriteArrayList<>();
        closing.add(() -> {
            for (Socket s : open) {
                s.close();
            }
        });
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    Thread c = new Thread(() -> conversation.accept(s), name + "-conn");
                    c.setDaemon(true);
                    c.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    /** Reads the first bytes a client sends (its CONNECT, or part of it). */
    private static void readSome(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        if (in.read(new byte[512]) < 0) {
            throw new IOException("closed before sending");
        }
    }

    /** A UDP server that hands each datagram to {@code answer}, which returns the reply or null for none. */
    private DatagramSocket udpServer(String name, java.util.function.Function<byte[], byte[]> answer) throws IOException {
        DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        closing.add(s);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!s.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                    byte[] reply = answer.apply(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                    if (reply != null) {
                        s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return s;
    }

    private static JsonNode backend(DaemonFixture f, String cluster, String id) throws Exception {
        for (JsonNode b : f.adminJson("/clusters/" + cluster).get("backends")) {
            if (b.get("id").asText().equals(id)) {
                return b;
            }
        }
        throw new AssertionError("no backend " + id + " in " + cluster);
    }

    /** The backend's check {@code code} and {@code status}, e.g. {@code "L7OK UP"}; "" while it has none. */
    private static String check(DaemonFixture f, String cluster, String id) {
        try {
            JsonNode c = backend(f, cluster, id).get("check");
            return c.isNull() ? "" : c.get("code").asText() + " " + c.get("status").asText();
        } catch (Exception e) {
            return "";
        }
    }

    private static double metric(DaemonFixture f, String series) {
        for (String line : f.daemon.proxy().metrics().scrapeText().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return 0;
    }

    private static String yaml(String protocol, String cluster, String checkType, List<String> backends) {
        StringBuilder y = new StringBuilder("admin: { listen: 127.0.0.1:0 }\nworkers: 2\n"
                + "access-log: { path: \"off\" }\ndrain-timeout: 1s\nlisteners:\n"
                + "  - { name: l, protocol: " + protocol + ", bind: 127.0.0.1:0, cluster: " + cluster + " }\n"
                + "clusters:\n  - name: " + cluster + "\n    strategy: ring-hash\n"
                // fall 2: one check slowed by a busy machine does not take a live backend down.
                + "    health-check: { type: " + checkType + ", interval: 300ms, timeout: 300ms, rise: 1, fall: 2 }\n"
                + "    backends:\n");
        for (String b : backends) {
            y.append("      - ").append(b).append('\n');
        }
        return y.toString();
    }

    @Test
    void mqttCheckPassesOnAnAcceptedConnackAndNamesEachWayToFail() throws Exception {
        Mosquitto broker = Mosquitto.start("live", dir);
        closing.add(broker);
        int silent = tcpServer("silent", s -> {
            try {
                readSome(s);
            } catch (IOException ignored) {
                // the proxy gave up; nothing to do
            }
        });
        int closer = tcpServer("closer", s -> {
            try (s) {
                readSome(s);
            } catch (IOException ignored) {
                // closed either way
            }
        });
        // CONNACK: type 2, remaining length 2, no session present, return code 5 (not authorized).
        int refuser = tcpServer("refuser", s -> {
            try (s) {
                readSome(s);
                OutputStream out = s.getOutputStream();
                out.write(new byte[]{0x20, 0x02, 0x00, 0x05});
                out.flush();
                s.getInputStream().read();
            } catch (IOException ignored) {
                // the proxy closed after reading the refusal
            }
        });
        String cfg = yaml("mqtt", "brokers", "mqtt", List.of(
                "{ id: live, address: '" + broker.address() + "' }",
                "{ id: silent, address: '127.0.0.1:" + silent + "' }",
                "{ id: closer, address: '127.0.0.1:" + closer + "' }",
                "{ id: refuser, address: '127.0.0.1:" + refuser + "' }"));
        try (DaemonFixture f = DaemonFixture.start(cfg, List.of())) {
            assertThat(DaemonFixture.await(20, () -> check(f, "brokers", "live").equals("L7OK UP")
                    && check(f, "brokers", "silent").equals("L7TOUT DOWN")
                    && check(f, "brokers", "closer").equals("L7RSP DOWN")
                    && check(f, "brokers", "refuser").equals("L7STS DOWN")))
                    .as("live %s, silent %s, closer %s, refuser %s", check(f, "brokers", "live"),
                            check(f, "brokers", "silent"), check(f, "brokers", "closer"),
                            check(f, "brokers", "refuser")).isTrue();
            assertThat(backend(f, "brokers", "live").get("check").get("lastResult").asText())
                    .isEqualTo("MQTT CONNACK accepted");
            assertThat(backend(f, "brokers", "refuser").get("check").get("lastResult").asText())
                    .isEqualTo("MQTT CONNACK refused: CONNECTION_REFUSED_NOT_AUTHORIZED (0x05)");
            assertThat(backend(f, "brokers", "closer").get("check").get("lastResult").asText())
                    .isEqualTo("connection closed before a response");
            assertThat(backend(f, "brokers", "silent").get("health").asText()).isEqualTo("unhealthy");
            assertThat(f.adminJson("/clusters/brokers").get("healthCheck").get("type").asText()).isEqualTo("mqtt");
            String series = "sluice_health_checks_total{backend=\"%s\",cluster=\"brokers\",result=\"%s\"}";
            assertThat(metric(f, series.formatted("live", "passed"))).isGreaterThan(0);
            assertThat(metric(f, series.formatted("silent", "timeout"))).isGreaterThan(0);
            assertThat(metric(f, series.formatted("silent", "failed"))).isZero();
            assertThat(metric(f, series.formatted("closer", "failed"))).isGreaterThan(0);
            assertThat(metric(f, series.formatted("refuser", "failed"))).isGreaterThan(0);

            // Only the broker that passes is in rotation: every device lands on it.
            int port = f.daemon.proxy().address("l").getPort();
            for (int i = 0; i < 5; i++) {
                MqttClient c = new MqttClient("tcp://127.0.0.1:" + port, "device-" + i, new MemoryPersistence());
                MqttConnectOptions o = new MqttConnectOptions();
                o.setConnectionTimeout(10);
                c.connect(o);
                assertThat(c.isConnected()).isTrue();
                c.disconnect();
                c.close();
            }
        }
    }

    @Test
    void coapCheckPassesOnAResetToThePingAndFailsOnSilenceOrAnUnreachablePort() throws Exception {
        List<byte[]> pings = new CopyOnWriteArrayList<>();
        // RFC 7252 4.3: an empty CON is a ping; the answer is an empty RST (type 3) with the same message id.
        DatagramSocket pinged = udpServer("pinged", in -> {
            pings.add(in);
            return in.length >= 4 ? new byte[]{0x70, 0x00, in[2], in[3]} : null;
        });
        DatagramSocket mute = udpServer("mute", in -> null);
        // An ACK is not the answer to a ping.
        DatagramSocket acker = udpServer("acker", in -> in.length >= 4 ? new byte[]{0x60, 0x00, in[2], in[3]} : null);
        int unreachable;
        try (DatagramSocket gone = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            unreachable = gone.getLocalPort();
        }
        String cfg = yaml("coap", "servers", "coap", List.of(
                "{ id: pinged, address: '127.0.0.1:" + pinged.getLocalPort() + "' }",
                "{ id: mute, address: '127.0.0.1:" + mute.getLocalPort() + "' }",
                "{ id: acker, address: '127.0.0.1:" + acker.getLocalPort() + "' }",
                "{ id: gone, address: '127.0.0.1:" + unreachable + "' }"));
        try (DaemonFixture f = DaemonFixture.start(cfg, List.of())) {
            assertThat(DaemonFixture.await(20, () -> check(f, "servers", "pinged").equals("L7OK UP")
                    && check(f, "servers", "mute").equals("L7TOUT DOWN")
                    && check(f, "servers", "acker").equals("L7RSP DOWN")
                    && check(f, "servers", "gone").equals("L4CON DOWN")))
                    .as("pinged %s, mute %s, acker %s, gone %s", check(f, "servers", "pinged"),
                            check(f, "servers", "mute"), check(f, "servers", "acker"), check(f, "servers", "gone"))
                    .isTrue();
            assertThat(backend(f, "servers", "pinged").get("check").get("lastResult").asText())
                    .isEqualTo("CoAP RST to ping");
            assertThat(backend(f, "servers", "acker").get("check").get("lastResult").asText())
                    .isEqualTo("CoAP: ping answered with ACK 0.00, expected RST");
            assertThat(backend(f, "servers", "gone").get("check").get("lastResult").asText())
                    .isEqualTo("connect failed: port unreachable (ICMP)");
            String series = "sluice_health_checks_total{backend=\"%s\",cluster=\"servers\",result=\"%s\"}";
            assertThat(metric(f, series.formatted("pinged", "passed"))).isGreaterThan(0);
            assertThat(metric(f, series.formatted("mute", "timeout"))).isGreaterThan(0);
            assertThat(metric(f, series.formatted("gone", "failed"))).isGreaterThan(0);
            // Each ping is the 4-byte empty confirmable message; successive pings use successive message ids.
            // The states above can all hold after the first ping: wait for the second (one interval later).
            assertThat(DaemonFixture.await(20, () -> pings.size() >= 2)).as("a second ping").isTrue();
            for (byte[] p : pings) {
                assertThat(p).hasSize(4);
                assertThat(p[0]).as("version 1, CON, no token").isEqualTo((byte) 0x40);
                assertThat(p[1]).as("code 0.00").isZero();
            }
            int first = ((pings.get(0)[2] & 0xFF) << 8) | (pings.get(0)[3] & 0xFF);
            int second = ((pings.get(1)[2] & 0xFF) << 8) | (pings.get(1)[3] & 0xFF);
            assertThat(second).isEqualTo((first + 1) & 0xFFFF);
        }
    }
}
