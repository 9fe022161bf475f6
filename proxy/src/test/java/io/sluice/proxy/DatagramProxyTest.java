package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.proxy.ProxyConfigs;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code udp} and {@code coap} listeners with real {@link DatagramSocket} clients and
 * {@link UdpEchoServer} backends. The CoAP datagrams are built here byte by byte (RFC 7252 3),
 * and the DTLS records carry a Connection ID in the RFC 9146 layout; the backends echo bytes and
 * do not speak CoAP or DTLS (Californium is not in this build's dependency set).
 */
class DatagramProxyTest {
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private List<UdpEchoServer> backends(int n) throws IOException {
        List<UdpEchoServer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UdpEchoServer b = new UdpEchoServer("b" + i);
            closing.add(b);
            out.add(b);
        }
        return out;
    }

    private Proxy proxy(String protocol, String extra, String strategy, List<UdpEchoServer> backends)
            throws Exception {
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 2\nlisteners:\n"
                + "  - name: u\n    bind: 127.0.0.1:0\n    protocol: " + protocol + "\n    cluster: c\n" + extra
                + "clusters:\n  - name: c\n    strategy: { name: " + strategy + " }\n    backends:\n");
        for (UdpEchoServer b : backends) {
            y.append("      - { id: ").append(b.id).append(", address: '").append(b.address()).append("' }\n");
        }
        Proxy p = Proxy.start(ProxyConfigs.parse(y.toString()));
        closing.add(p);
        return p;
    }

    private DatagramSocket client() throws IOException {
        DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        s.setSoTimeout(5000);
        closing.add(s);
        return s;
    }

    /** Sends {@code payload} to the proxy and returns the backend id of the answer. */
    private static String ask(DatagramSocket s, Proxy p, byte[] payload) throws IOException {
        InetSocketAddress to = p.address("u");
        s.send(new DatagramPacket(payload, payload.length, to));
        byte[] buf = new byte[65536];
        DatagramPacket r = new DatagramPacket(buf, buf.length);
        s.receive(r);
        assertThat(r.getSocketAddress()).as("answers come from the listener's address").isEqualTo(to);
        String text = new String(r.getData(), 0, r.getLength(), StandardCharsets.ISO_8859_1);
        String id = text.substring(0, text.indexOf(':'));
        assertThat(text.substring(id.length() + 1)).as("echoed payload")
                .isEqualTo(new String(payload, StandardCharsets.ISO_8859_1));
        return id;
    }

    private static boolean silent(DatagramSocket s) throws IOException {
        s.setSoTimeout(300);
        try {
            s.receive(new DatagramPacket(new byte[2048], 2048));
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        } finally {
            s.setSoTimeout(5000);
        }
    }

    private static double metric(Proxy p, String series) {
        return Scrape.value(p, series, 0);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, TimeUnit.SECONDS.toNanos(10), condition);
    }

    @Test
    void aFlowKeepsItsBackendAndFlowsSpread() throws Exception {
        List<UdpEchoServer> bs = backends(2);
        Proxy p = proxy("udp", "", "round-robin", bs);
        Set<String> used = new HashSet<>();
        for (int c = 0; c < 6; c++) {
            DatagramSocket s = client();
            String first = ask(s, p, ("hello " + c).getBytes(StandardCharsets.US_ASCII));
            used.add(first);
            for (int i = 0; i < 5; i++) {
                assertThat(ask(s, p, ("n" + i).getBytes(StandardCharsets.US_ASCII))).isEqualTo(first);
            }
        }
        assertThat(used).containsExactlyInAnyOrder("b0", "b1");
        assertThat(metric(p, "sluice_udp_flows{listener=\"u\"}")).isEqualTo(6);
        assertThat(metric(p, "sluice_udp_datagrams_total{direction=\"in\",listener=\"u\"}")).isEqualTo(36);
        // Each backend saw one source per flow: the flow's own upstream socket.
        assertThat(bs.get(0).sources.size() + bs.get(1).sources.size()).isEqualTo(6);
    }

    @Test
    void idleFlowsExpireAndTheTableIsBounded() throws Exception {
        List<UdpEchoServer> bs = backends(1);
        Proxy p = proxy("udp", "    idle-timeout: 200ms\n    max-flows: 3\n", "round-robin", bs);
        List<DatagramSocket> clients = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            DatagramSocket s = client();
            clients.add(s);
            assertThat(ask(s, p, "x".getBytes(StandardCharsets.US_ASCII))).isEqualTo("b0");
        }
        assertThat(metric(p, "sluice_udp_flows_ended_total{listener=\"u\",reason=\"evicted\"}")).isEqualTo(2);
        assertThat(metric(p, "sluice_udp_flows{listener=\"u\"}")).isEqualTo(3);
        await("idle flows forgotten", () -> metric(p, "sluice_udp_flows{listener=\"u\"}") == 0);
        assertThat(metric(p, "sluice_udp_flows_ended_total{listener=\"u\",reason=\"idle\"}")).isEqualTo(3);
        // An expired flow's client is served again, by a new flow.
        assertThat(ask(clients.get(0), p, "again".getBytes(StandardCharsets.US_ASCII))).isEqualTo("b0");
    }

    @Test
    void aKilledBackendEndsOnlyItsFlows() throws Exception {
        List<UdpEchoServer> bs = backends(2);
        Proxy p = proxy("udp", "", "round-robin", bs);
        Map<DatagramSocket, String> on = new HashMap<>();
        while (!on.containsValue("b0") || !on.containsValue("b1")) {
            DatagramSocket s = client();
            on.put(s, ask(s, p, "hi".getBytes(StandardCharsets.US_ASCII)));
        }
        bs.get(0).close();
        for (Map.Entry<DatagramSocket, String> e : on.entrySet()) {
            if (e.getValue().equals("b1")) {
                assertThat(ask(e.getKey(), p, "still".getBytes(StandardCharsets.US_ASCII))).isEqualTo("b1");
            }
        }
    }

    // ---- coap ----

    /** A CoAP request (RFC 7252 3): version 1, {@code type}, token, code 0.01 GET, message id. */
    private static byte[] coap(int type, byte[] token, int messageId) {
        byte[] m = new byte[4 + token.length];
        m[0] = (byte) (0x40 | type << 4 | token.length);
        m[1] = 0x01;
        m[2] = (byte) (messageId >>> 8);
        m[3] = (byte) messageId;
        System.arraycopy(token, 0, m, 4, token.length);
        return m;
    }

    /** A DTLS 1.2 record of content type 25 (tls12_cid, RFC 9146 4) carrying {@code cid}. */
    private static byte[] dtlsCid(byte[] cid, int sequence) {
        byte[] r = new byte[11 + cid.length + 2 + 8];
        r[0] = 25;
        r[1] = (byte) 0xFE;
        r[2] = (byte) 0xFD;
        r[4] = 1; // epoch 1
        r[10] = (byte) sequence;
        System.arraycopy(cid, 0, r, 11, cid.length);
        r[11 + cid.length + 1] = 8;
        return r;
    }

    @Test
    void coapDropsAndCountsMalformedDatagrams() throws Exception {
        List<UdpEchoServer> bs = backends(1);
        Proxy p = proxy("coap", "", "round-robin", bs);
        DatagramSocket s = client();
        byte[][] bad = {
                {0x40, 0x01},                                   // shorter than the header
                {(byte) 0x80, 0x01, 0x00, 0x01},                // version 2
                {0x49, 0x01, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9}, // token length 9 (reserved)
                {0x44, 0x01, 0x00, 0x01, 1, 2},                 // token cut short
                {0x40, 0x00, 0x00, 0x01, 0x00},                 // Empty message with a payload
                {0x40, 0x21, 0x00, 0x01},                       // code class 1 (reserved)
        };
        for (byte[] b : bad) {
            s.send(new DatagramPacket(b, b.length, p.address("u")));
        }
        assertThat(silent(s)).as("no answer to malformed datagrams").isTrue();
        await("all counted", () -> metric(p,
                "sluice_udp_datagrams_dropped_total{listener=\"u\",reason=\"malformed\"}") == bad.length);
        assertThat(bs.get(0).received.get()).isZero();
        // A CoAP ping (Empty CON) is well-formed and goes through.
        assertThat(ask(s, p, new byte[] {0x40, 0x00, 0x12, 0x34})).isEqualTo("b0");
    }

    @Test
    void aCoapClientWhoseSourcePortChangesMidExchangeKeepsItsServer() throws Exception {
        List<UdpEchoServer> bs = backends(3);
        Proxy p = proxy("coap", "", "round-robin", bs);
        Random random = new Random(12);
        int exchanges = 12;
        for (int i = 0; i < exchanges; i++) {
            byte[] token = new byte[4];
            random.nextBytes(token);
            int mid = random.nextInt(65536);
            String first = ask(client(), p, coap(0, token, mid));
            // The retransmission (same token and id) from a new source port: a NAT rebinding.
            assertThat(ask(client(), p, coap(0, token, mid))).as("exchange %d", i).isEqualTo(first);
            // The next request of the exchange (same token, next id), from yet another port.
            assertThat(ask(client(), p, coap(0, token, (mid + 1) & 0xFFFF))).as("exchange %d", i).isEqualTo(first);
        }
        assertThat(metric(p, "sluice_udp_affinity_kept_total{listener=\"u\"}")).isEqualTo(2 * exchanges);
        // Without a token to match, a new port is a new flow, spread by the strategy.
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            spread.add(ask(client(), p, new byte[] {0x40, 0x00, 0x00, (byte) i}));
        }
        assertThat(spread).hasSizeGreaterThan(1);
    }

    @Test
    void aDtlsConnectionIdKeepsTheDeviceOnItsServerAcrossAnAddressChange() throws Exception {
        List<UdpEchoServer> bs = backends(3);
        Proxy p = proxy("coap", "    dtls-cid-length: 6\n", "round-robin", bs);
        Random random = new Random(7);
        for (int device = 0; device < 9; device++) {
            byte[] cid = new byte[6];
            random.nextBytes(cid);
            String first = ask(client(), p, dtlsCid(cid, 1));
            for (int move = 0; move < 3; move++) {
                assertThat(ask(client(), p, dtlsCid(cid, 2 + move))).as("device %d move %d", device, move)
                        .isEqualTo(first);
            }
        }
        assertThat(metric(p, "sluice_udp_affinity_kept_total{listener=\"u\"}")).isEqualTo(27);
    }
}
