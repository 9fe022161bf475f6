package io.sluice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.proxy.tls.TlsProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS termination end to end: real clients (the JDK's HttpClient and SSLSocket, curl, openssl
 * s_client) over HTTPS through the proxy to a real backend, with certificates a throw-away CA
 * issues (the openssl command).
 */
class TlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Leaf local;
    static TestPki.Leaf exact;
    static TestPki.Leaf wild;

    private ProxyFixture f;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(dir);
        local = pki.issue("local", "localhost", "DNS:localhost", "IP:127.0.0.1");
        exact = pki.issue("exact", "api", "DNS:api.example.test");
        wild = pki.issue("wild", "wild", "DNS:*.wild.test");
    }

    @AfterEach
    void close() {
        System.clearProperty("sluice.tls.provider");
        if (f != null) {
            f.close();
        }
    }

    private static String certs(TestPki.Leaf... leaves) {
        StringBuilder b = new StringBuilder("    tls:\n      certificates:\n");
        for (TestPki.Leaf l : leaves) {
            b.append("        - { cert: '").append(l.cert()).append("', key: '").append(l.key()).append("' }\n");
        }
        return b.toString();
    }

    private ProxyFixture start(String tls) throws Exception {
        f = ProxyFixture.start("round-robin", List.of(TestBackend.start("b1")), "", tls);
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void httpsThroughTheProxyToAPlainBackend(String provider) throws Exception {
        System.setProperty("sluice.tls.provider", provider);
        start(certs(local, exact, wild));
        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(null))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + f.port()
                    + "/x")).header("x-forwarded-client-cert", "Hash=forged").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("b1", r.body());
        }
        TestBackend.Received got = f.backends.get(0).requests.peek();
        assertEquals("https", got.header("x-forwarded-proto"));
        assertNull(got.header("x-forwarded-client-cert"), "a client's own x-forwarded-client-cert is dropped");
        // Keep-alive: three requests, one TLS connection to the proxy.
        String metrics = f.proxy.metrics().scrapeText();
        assertTrue(metrics.contains("sluice_tls_certificate_expiry_seconds{listener=\"web\",name=\"localhost\"}"),
                metrics);
        assertTrue(metrics.contains("sluice_tls_provider_info{provider=\"" + TlsProvider.current().label() + "\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void sniChoosesByExactAndWildcardNamesAndFallsBackToTheFirst(String provider) throws Exception {
        System.setProperty("sluice.tls.provider", provider);
        start(certs(local, exact, wild));
        // A client context per connection: the JDK client would resume the last session otherwise.
        assertEquals("CN=api", peer(pki.clientContext(null), "api.example.test", null).getSubjectX500Principal().getName());
        assertEquals("CN=wild", peer(pki.clientContext(null), "x.wild.test", null).getSubjectX500Principal().getName());
        assertEquals("CN=localhost", peer(pki.clientContext(null), "other.test", null).getSubjectX500Principal().getName());
        assertEquals("CN=localhost", peer(pki.clientContext(null), null, null).getSubjectX500Principal().getName());
        // Deeper than one label is not the wildcard's (RFC 6125): the default.
        assertEquals("CN=localhost", peer(pki.clientContext(null), "a.b.wild.test", null).getSubjectX500Principal().getName());
    }

    @Test
    void alpnAgreesOnHttp11() throws Exception {
        start(certs(local));
        try (SSLSocket s = socket(pki.clientContext(null), null, new String[] {"h2", "http/1.1"}, null)) {
            s.startHandshake();
            String expected = ApplicationProtocol.BY_NAME.containsKey("h2") ? "h2" : "http/1.1";
            assertEquals(expected, s.getApplicationProtocol());
        }
    }

    @Test
    void curlWithSniThroughResolve() throws Exception {
        start(certs(local, exact, wild));
        for (String host : List.of("api.example.test", "x.wild.test", "localhost")) {
            TestPki.Result r = TestPki.runForResult(List.of("curl", "-sS", "--max-time", "10", "--http1.1",
                    "--cacert", pki.caCert.toString(), "--resolve", host + ":" + f.port() + ":127.0.0.1",
                    "-w", " %{http_code} %{ssl_verify_result}", "https://" + host + ":" + f.port() + "/"), 20, null);
            // Verification on: the 200 proves SNI chose the certificate that names the host.
            assertEquals(0, r.exit(), r.output());
            assertEquals("b1 200 0", r.output().trim(), host);
        }
    }

    @Test
    void tls11AndWeakCiphersAreRefused() throws Exception {
        start(certs(local));
        String at = "127.0.0.1:" + f.port();
        // A positive control, so that a refusal below means the protocol or cipher, not the setup.
        TestPki.Result ok = TestPki.runForResult(List.of("openssl", "s_client", "-connect", at, "-tls1_2",
                "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"), 20, "");
        assertTrue(ok.output().contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), ok.output());
        for (List<String> weak : List.of(
                List.of("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"),
                List.of("-tls1", "-cipher", "DEFAULT@SECLEVEL=0"),
                List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:AES128-SHA:AES128-GCM-SHA256@SECLEVEL=0"),
                List.of("-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA384@SECLEVEL=0"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", at));
            cmd.addAll(weak);
            TestPki.Result r = TestPki.runForResult(cmd, 20, "");
            assertNotEquals(0, r.exit(), weak + ": " + r.output());
            assertTrue(r.output().contains("Cipher is (NONE)") || !r.output().contains("Cipher is "),
                    weak + ": " + r.output());
        }
        // The JDK client, TLS 1.1 only: refused (it may refuse before sending, JDK 17 disables 1.1 too).
        try (SSLSocket s = socket(pki.clientContext(null), null, null, new String[] {"TLSv1.1"})) {
            assertThrows(SSLException.class, s::startHandshake);
        }
    }

    private X509Certificate peer(SSLContext ctx, String sni, String[] alpn) throws Exception {
        try (SSLSocket s = socket(ctx, sni, alpn, null)) {
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private SSLSocket socket(SSLContext ctx, String sni, String[] alpn, String[] protocols) throws Exception {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", f.port()), 10_000);
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        if (alpn != null) {
            p.setApplicationProtocols(alpn);
        }
        if (protocols != null) {
            p.setProtocols(protocols);
        }
        s.setSSLParameters(p);
        return s;
    }

    static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.US_ASCII);
    }
}
