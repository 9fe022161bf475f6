package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.proxy.ProxyConfigs;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the {@code mqtt} listener does with a CONNECT it must refuse: the CONNACK the client's
 * version allows (or none), then a close, and nothing reaches a backend. The backend is a plain
 * socket server that records every byte it gets; a good CONNECT is relayed to it byte for byte.
 */
class MqttConnectGateTest {
    static ByteServer backend;
    static final CompletableFuture<byte[]> received = new CompletableFuture<>();
    static Proxy proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = new ByteServer("broker", s -> {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int k;
            while ((k = in.read(buf)) >= 0) {
                got.write(buf, 0, k);
                if (got.size() >= 2 + 10 + 2 + "good-device".length()) {
                    break;
                }
            }
            received.complete(got.toByteArray());
        });
        proxy = Proxy.start(ProxyConfigs.parse("access-log: { path: \"off\" }\nlisteners:\n"
                + "  - { name: mqtt, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers, max-connect-size: 1KiB,"
                + " timeouts: { connect-packet: 300ms } }\n"
                + "clusters:\n  - name: brokers\n    strategy: bounded-load\n    backends:\n"
                + "      - { id: b1, address: '" + backend.address() + "' }\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        backend.close();
    }

    /** A CONNECT of {@code level} (4: 3.1.1, 5: 5.0) with the given connect flags and client id. */
    static byte[] connect(int level, int flags, String clientId) {
        ByteArrayOutputStream vh = new ByteArrayOutputStream();
        vh.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', (byte) level, (byte) flags, 0, 60});
        if (level == 5) {
            vh.write(0); // no properties
        }
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        vh.write(id.length >> 8);
        vh.write(id.length & 0xff);
        vh.writeBytes(id);
        byte[] body = vh.toByteArray();
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x10);
        p.write(body.length); // under 128 in these tests
        p.writeBytes(body);
        return p.toByteArray();
    }

    /** Sends {@code bytes} through the proxy and returns all it answers before closing. */
    static byte[] exchange(byte[] bytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.address("mqtt").getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            return s.getInputStream().readAllBytes();
        }
    }

    @Test
    void anUnknownProtocolLevelOn311GetsReturnCode1() throws Exception {
        int accepted = backend.accepted.get();
        assertThat(exchange(connect(9, 0x02, "dev"))).containsExactly(0x20, 0x02, 0x00, 0x01);
        assertThat(backend.accepted.get()).isEqualTo(accepted);
    }

    @Test
    void aMalformedMqtt5ConnectGetsReasonMalformedPacket() throws Exception {
        int accepted = backend.accepted.get();
        // The reserved flag (bit 0) set: a malformed packet in MQTT 5.0 (section 3.1.2.3).
        assertThat(exchange(connect(5, 0x03, "dev"))).containsExactly(0x20, 0x03, 0x00, 0x81, 0x00);
        assertThat(backend.accepted.get()).isEqualTo(accepted);
    }

    @Test
    void anEmptyClientIdWithAPersistentSessionOn311IsRejected() throws Exception {
        int accepted = backend.accepted.get();
        assertThat(exchange(connect(4, 0x00, ""))).containsExactly(0x20, 0x02, 0x00, 0x02);
        assertThat(backend.accepted.get()).isEqualTo(accepted);
    }

    @Test
    void anOversizedMqtt5ConnectGetsPacketTooLarge() throws Exception {
        int accepted = backend.accepted.get();
        // The remaining length says 2000 bytes (0xD0 0x0F), over max-connect-size 1KiB.
        byte[] head = {0x10, (byte) 0xD0, 0x0F, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60};
        assertThat(exchange(head)).containsExactly(0x20, 0x03, 0x00, 0x95, 0x00);
        assertThat(backend.accepted.get()).isEqualTo(accepted);
    }

    @Test
    void aFirstPacketThatIsNotConnectIsClosedWithoutAnswer() throws Exception {
        int accepted = backend.accepted.get();
        assertThat(exchange(new byte[] {(byte) 0xC0, 0x00})).isEmpty(); // PINGREQ
        assertThat(backend.accepted.get()).isEqualTo(accepted);
    }

    @Test
    void noConnectWithinTheTimeoutIsClosed() throws Exception {
        int accepted = backend.accepted.get();
        try (Socket s = new Socket("127.0.0.1", proxy.address("mqtt").getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[] {0x10, 0x20, 0}); // a third of a header, then silence
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(backend.accepted.get()).isEqualTo(accepted);
    }

    @Test
    void aGoodConnectIsRelayedByteForByte() throws Exception {
        byte[] good = connect(4, 0x02, "good-device");
        try (Socket s = new Socket("127.0.0.1", proxy.address("mqtt").getPort())) {
            s.getOutputStream().write(good);
            s.getOutputStream().flush();
            assertThat(received.get(10, TimeUnit.SECONDS)).startsWith(good);
        }
    }
}
