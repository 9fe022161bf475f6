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

    @Test
    void mutualTlsPassesTheVerifiedIdentityAndRefusesOthers() throws Exception {
        TestPki.Leaf device = pki.issue("device", "device-1", "URI:spiffe://test/device-1", "DNS:device-1.test");
        TestPki.Leaf revoked = pki.issue("revoked", "device-2");
        Path crl = pki.revokeAndWriteCrl(revoked);
        TestPki other = TestPki.create(Files.createDirectories(dir.resolve("other-ca")));
        TestPki.Leaf stranger = other.issue("stranger", "device-3");
        start(certs(local) + "      client-auth: required\n      ca: '" + pki.caCert + "'\n      crl: '" + crl + "'\n");

        HttpResponse<String> r = get(pki.clientContext(device), "Hash=forged;Subject=\"CN=admin\"");
        assertEquals(200, r.statusCode());
        String xfcc = f.backends.get(0).requests.peek().header("x-forwarded-client-cert");
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(TestPki.certificate(device.cert()).getEncoded()));
        assertEquals("Hash=" + sha256 + ";Subject=\"CN=device-1\";URI=spiffe://test/device-1;DNS=device-1.test", xfcc);

        // No certificate, a revoked one, one from another CA: no request reaches the backend.
        for (TestPki.Leaf refused : java.util.Arrays.asList(null, revoked)) {
            assertThrows(java.io.IOException.class, () -> get(pki.clientContext(refused), null), String.valueOf(refused));
        }
        SSLContext withStranger = SSLContext.getInstance("TLS");
        // The stranger trusts our CA (to see the proxy) but presents a certificate from its own.
        javax.net.ssl.KeyManagerFactory kmf = keyManagers(other, stranger);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", TestPki.certificate(pki.caCert));
        tmf.init(ts);
        withStranger.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        assertThrows(java.io.IOException.class, () -> get(withStranger, null));
        assertEquals(1, f.backends.get(0).requestCount());
    }

    @Test
    void optionalClientAuthServesClientsWithoutACertificateAndNoHeader() throws Exception {
        start(certs(local) + "      client-auth: optional\n      ca: '" + pki.caCert + "'\n");
        HttpResponse<String> r = get(pki.clientContext(null), "Hash=forged");
        assertEquals(200, r.statusCode());
        assertNull(f.backends.get(0).requests.peek().header("x-forwarded-client-cert"));
    }

    @Test
    void certificateFilesReloadOnChangeWithoutDroppingConnectionsAndABadOneIsRefused() throws Exception {
        Path cert = dir.resolve("live.pem");
        Path key = dir.resolve("live.key");
        Files.copy(local.cert(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(local.key(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        start(certs(new TestPki.Leaf(cert, key)));
        try (SSLSocket open = socket(pki.clientContext(null), "localhost", null, null)) {
            assertEquals("b1", exchange(open));
            TestPki.Leaf renewed = pki.issue("renewed", "renewed", "DNS:localhost");
            // Key first: for a moment the pair does not match, which must be refused, not served.
            Files.copy(renewed.key(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.cert(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + 30_000_000_000L;
            String served = "";
            while (!served.equals("CN=renewed") && System.nanoTime() < deadline) {
                served = peer(pki.clientContext(null), "localhost", null).getSubjectX500Principal().getName();
            }
            assertEquals("CN=renewed", served);
            assertEquals("b1", exchange(open), "the connection opened before the reload still serves");
        }
        // A broken key: the reload (SIGHUP's path) fails naming the file; the renewed one is still served.
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.proxy.reload(f.proxy.snapshot().config()));
        assertTrue(e.getMessage().contains("live.key") && e.getMessage().contains("listener 'web'"), e.getMessage());
        assertEquals("CN=renewed", peer(pki.clientContext(null), "localhost", null).getSubjectX500Principal().getName());
    }

    private HttpResponse<String> get(SSLContext ctx, String xfcc) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + f.port() + "/"))
                .timeout(Duration.ofSeconds(10));
        if (xfcc != null) {
            b.header("x-forwarded-client-cert", xfcc);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static javax.net.ssl.KeyManagerFactory keyManagers(TestPki ca, TestPki.Leaf leaf) throws Exception {
        Path p12 = ca.dir.resolve(leaf.cert().getFileName() + ".p12");
        TestPki.openssl("pkcs12", "-export", "-in", leaf.cert().toString(), "-inkey", leaf.key().toString(),
                "-out", p12.toString(), "-passout", "pass:test");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "test".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, "test".toCharArray());
        return kmf;
    }

    /** One keep-alive GET over {@code s}; the body. */
    private static String exchange(SSLSocket s) throws Exception {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        java.io.InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new java.io.EOFException("closed after: " + head);
            }
            head.append((char) c);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertTrue(m.find(), head.toString());
        return new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.US_ASCII);
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
