package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.proxy.ProxyConfigs;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code session-persistence: { mode: client-cert }}: the verified client certificate pins its
 * device to a backend, over any number of new TLS connections, on HTTP/1.1, HTTP/2 and a TCP relay;
 * a connection without a certificate is placed by the strategy alone.
 */
class ClientCertAffinityTest {
    private static final int DEVICES = 8;

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Leaf local;
    static final List<SSLContext> devices = new ArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(dir);
        local = pki.issue("local", "localhost", "DNS:localhost", "IP:127.0.0.1");
        for (int i = 0; i < DEVICES; i++) {
            devices.add(pki.clientContext(pki.issue("device-" + i, "device-" + i, "URI:spiffe://test/device-" + i)));
        }
    }

    private static String tls(String clientAuth) {
        return "    tls:\n      certificates:\n        - { cert: '" + local.cert() + "', key: '" + local.key() + "' }\n"
                + "      client-auth: " + clientAuth + "\n      ca: '" + pki.caCert + "'\n";
    }

    private static List<TestBackend> backends() throws Exception {
        return List.of(TestBackend.start("b1"), TestBackend.start("b2"), TestBackend.start("b3"));
    }

    /**
     * A consistent hash keyed by the subject: the certificates' subjects are fixed (CN=device-i), so
     * where each lands is too; every new connection of a device, over HTTP/1.1 and HTTP/2, lands
     * there, and the eight devices do not all hash to one backend (ring-hash spreads keys).
     */
    @Test
    void aHashedSubjectPinsEachDeviceOverNewConnectionsOnHttp1AndHttp2() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("ring-hash", backends(),
                "    session-persistence: { mode: client-cert, identity: subject }\n", tls("required"))) {
            Map<Integer, String> home = new HashMap<>();
            for (HttpClient.Version version : HttpClient.Version.values()) {
                for (int round = 0; round < 3; round++) {
                    for (int d = 0; d < DEVICES; d++) {
                        String backend = getOnANewConnection(f, devices.get(d), version);
                        String first = home.putIfAbsent(d, backend);
                        assertThat(backend).as("device %d over %s, round %d", d, version, round)
                                .isEqualTo(first == null ? backend : first);
                    }
                }
            }
            assertThat(new HashSet<>(home.values())).as("devices per backend: %s", home).hasSizeGreaterThan(1);
        }
    }

    /**
     * Round robin keeps a table for the fingerprint: a device's first connection is placed by the
     * strategy and later ones follow it. Clients without a certificate (client-auth optional) have
     * no key, so round robin alone places them: six in a row reach every backend.
     */
    @Test
    void aTableKeepsEachFingerprintOnItsFirstBackendAndNoCertificateFallsBackToTheStrategy() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends(),
                "    session-persistence: { mode: client-cert }\n", tls("optional"))) {
            Set<String> firsts = new HashSet<>();
            for (int d = 0; d < 3; d++) {
                String first = getOnANewConnection(f, devices.get(d), HttpClient.Version.HTTP_1_1);
                firsts.add(first);
                for (int i = 0; i < 5; i++) {
                    assertThat(getOnANewConnection(f, devices.get(d), HttpClient.Version.HTTP_1_1))
                            .as("device %d, connection %d", d, i + 2).isEqualTo(first);
                }
            }
            // Round robin placed the three new keys: its cursor is striped per event loop (two here), and
            // one loop placed at least two of them, on consecutive positions of its stripe: two backends at least.
            assertThat(firsts).hasSizeGreaterThan(1);
            SSLContext anonymous = pki.clientContext(null);
            Set<String> unpinned = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                unpinned.add(getOnANewConnection(f, anonymous, HttpClient.Version.HTTP_1_1));
            }
            // Six connections over two loops: one loop took three consecutive positions, so all three backends.
            assertThat(unpinned).hasSize(3);
        }
    }

    /** A TCP relay over TLS keyed by the first URI SAN: each device's connections reach one backend. */
    @Test
    void aTcpRelayOverTlsPinsEachDeviceByItsUriSan() throws Exception {
        List<ByteServer> servers = new ArrayList<>();
        for (String id : List.of("t1", "t2", "t3")) {
            servers.add(new ByteServer(id, s -> {
                s.getOutputStream().write(id.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.close();
            }));
        }
        String tls = ", tls: { certificates: [ { cert: '" + local.cert() + "', key: '" + local.key() + "' } ],"
                + " client-auth: required, ca: '" + pki.caCert + "' }";
        try (Proxy proxy = Proxy.start(ProxyConfigs.parse(TcpRelayTest.yaml(tls,
                "    session-persistence: { mode: client-cert, identity: uri }\n", servers.toArray(ByteServer[]::new))))) {
            int port = proxy.address("relay").getPort();
            Set<String> firsts = new HashSet<>();
            for (int d = 0; d < 3; d++) {
                String first = relayed(devices.get(d), port);
                firsts.add(first);
                for (int i = 0; i < 4; i++) {
                    assertThat(relayed(devices.get(d), port)).as("device %d, connection %d", d, i + 2).isEqualTo(first);
                }
            }
            assertThat(firsts).hasSizeGreaterThan(1);
        } finally {
            for (ByteServer s : servers) {
                s.close();
            }
        }
    }

    /** One GET on a new TLS connection; the backend's id, which is its body. */
    private static String getOnANewConnection(ProxyFixture f, SSLContext ctx, HttpClient.Version version)
            throws Exception {
        if (version == HttpClient.Version.HTTP_1_1) {
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", f.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(response).startsWith("HTTP/1.1 200");
                return response.substring(response.indexOf("\r\n\r\n") + 4);
            }
        }
        // A client of its own: the JDK's client would otherwise reuse its HTTP/2 connection.
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).version(version)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + f.port() + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(version);
        return r.body();
    }

    /** What the relay's backend wrote on one new TLS connection before closing: its id. */
    private static String relayed(SSLContext ctx, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
