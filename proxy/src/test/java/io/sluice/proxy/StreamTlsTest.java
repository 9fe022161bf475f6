package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.config.proxy.ProxyConfigs;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tls:} block on the byte-stream listeners: TLS is one layer under any stream protocol,
 * so MQTT over TLS (port 8883's job) and TCP over TLS reach plain backends the same way HTTPS does.
 */
class StreamTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Leaf local;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(dir);
        local = pki.issue("local", "localhost", "DNS:localhost", "IP:127.0.0.1");
    }

    private static String tls() {
        return ", tls: { certificates: [ { cert: '" + local.cert() + "', key: '" + local.key() + "' } ] }";
    }

    @Test
    void mqttOverTlsReachesAPlainBroker() throws Exception {
        try (Mosquitto broker = Mosquitto.start("plain", dir);
             Proxy proxy = Proxy.start(ProxyConfigs.parse("access-log: { path: \"off\" }\nworkers: 1\nlisteners:\n"
                     + "  - { name: mqtts, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers" + tls() + " }\n"
                     + "clusters:\n  - name: brokers\n    strategy: ring-hash\n    backends:\n"
                     + "      - { id: a, address: '" + broker.address() + "' }\n"))) {
            MqttClient client = new MqttClient("ssl://127.0.0.1:" + proxy.address("mqtts").getPort(), "sensor-7",
                    new MemoryPersistence());
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            MqttConnectOptions o = new MqttConnectOptions();
            o.setSocketFactory(pki.clientContext(null).getSocketFactory());
            o.setConnectionTimeout(10);
            try {
                client.connect(o);
                client.subscribe("t/sensor-7", 1, (topic, m) -> got.add(new String(m.getPayload(),
                        StandardCharsets.UTF_8)));
                client.publish("t/sensor-7", "21.5C".getBytes(StandardCharsets.UTF_8), 1, false);
                assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("21.5C");
            } finally {
                client.disconnectForcibly(0, 1000);
                client.close(true);
            }
        }
    }

    @Test
    void tcpOverTlsRelaysBytesAndAPlainClientGetsNoBackend() throws Exception {
        try (ByteServer echo = new ByteServer("echo", s -> {
                InputStream in = s.getInputStream();
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) > 0; ) {
                    s.getOutputStream().write(b, 0, n);
                }
            });
             Proxy proxy = Proxy.start(ProxyConfigs.parse(TcpRelayTest.yaml(tls(), "", echo)))) {
            int port = proxy.address("relay").getPort();
            try (SSLSocket s = (SSLSocket) pki.clientContext(null).getSocketFactory()
                    .createSocket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                byte[] hello = "hello over tls\n".getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(hello);
                s.getOutputStream().flush();
                byte[] back = new byte[hello.length];
                new DataInputStream(s.getInputStream()).readFully(back);
                assertThat(back).isEqualTo(hello);
                assertThat(s.getSession().getProtocol()).isIn("TLSv1.2", "TLSv1.3");
            }
            int before = echo.accepted.get();
            // Plain bytes where a ClientHello belongs: the handshake fails and nothing reaches the backend.
            try (Socket plain = new Socket("127.0.0.1", port)) {
                plain.setSoTimeout(10_000);
                plain.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                int first = plain.getInputStream().read();
                // The proxy answers with a TLS alert record (content type 21) or just closes.
                assertThat(first).isIn(-1, 21);
            }
            assertThat(echo.accepted.get()).isEqualTo(before);
            // A client that does not trust the proxy's CA is refused in the handshake.
            javax.net.ssl.SSLContext untrusting = javax.net.ssl.SSLContext.getInstance("TLS");
            untrusting.init(null, null, null);
            try (SSLSocket s = (SSLSocket) untrusting.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
            }
        }
    }
}
