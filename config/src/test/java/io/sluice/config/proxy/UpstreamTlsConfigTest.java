package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster's {@code upstream.tls:} block and {@code protocol: h2}: what is read, and the errors. */
class UpstreamTlsConfigTest {
    @TempDir
    Path dir;

    private static String yaml(String upstream) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    routes: [ { cluster: c } ]
                clusters:
                  - name: c
                    strategy: round-robin
                    backends: [ { id: a, address: 127.0.0.1:9001 } ]
                """ + upstream;
    }

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "x");
    }

    @Test
    void readsTheCaTheNameAndTheClientCertificate() throws IOException {
        Path ca = file("ca.pem");
        Path cert = file("client.pem");
        Path key = file("client.key");
        ProxyConfig.Cluster c = ProxyConfigs.parse(yaml("""
                    upstream:
                      protocol: h2
                      tls: { ca: '%s', server-name: Backend.Internal, certificate: '%s', key: '%s' }
                """.formatted(ca, cert, key))).clusters().get(0);
        assertThat(c.upstream()).isEqualTo(ProxyConfig.UpstreamProtocol.H2);
        assertThat(c.upstreamTls()).isEqualTo(new ProxyConfig.UpstreamTls(ca, "backend.internal", true, cert, key));

        ProxyConfig.Cluster plain = ProxyConfigs.parse(yaml("    upstream: { tls: {} }\n")).clusters().get(0);
        assertThat(plain.upstream()).as("http1 over TLS").isEqualTo(ProxyConfig.UpstreamProtocol.HTTP1);
        assertThat(plain.upstreamTls()).isEqualTo(new ProxyConfig.UpstreamTls(null, null, true, null, null));
        assertThat(ProxyConfigs.parse(yaml("")).clusters().get(0).upstreamTls()).isNull();
    }

    @Test
    void aCertificateWithoutItsKeyIsNamedWithItsLine() throws IOException {
        Path cert = file("client.pem");
        assertThat(ProxyConfigsTest.errors(yaml("""
                    upstream:
                      tls:
                        certificate: '%s'
                """.formatted(cert)))).containsExactly("sluice.yaml:10: clusters[0].upstream.tls.key: certificate:"
                + " is set but key: is missing; a client certificate needs its PEM private key (PKCS#8)");
    }

    @Test
    void namesEachOtherMistake() throws IOException {
        Path ca = file("ca.pem");
        assertThat(ProxyConfigsTest.errors(yaml("    upstream: { protocol: h2 }\n"))).anySatisfy(e -> assertThat(e)
                .startsWith("sluice.yaml:9: clusters[0].upstream.protocol: h2 is HTTP/2 over TLS and needs a tls:"));
        assertThat(ProxyConfigsTest.errors(yaml("    upstream: { protocol: h2c, tls: {} }\n"))).anySatisfy(e ->
                assertThat(e).contains("clusters[0].upstream.protocol: h2c is HTTP/2 in clear; with tls: write h2"));
        assertThat(ProxyConfigsTest.errors(yaml("    upstream: { tls: { ca: '" + dir + "/none.pem' } }\n")))
                .anySatisfy(e -> assertThat(e).startsWith("sluice.yaml:9: clusters[0].upstream.tls.ca: no file")
                        .contains("none.pem"));
        assertThat(ProxyConfigsTest.errors(yaml("    upstream: { tls: { server-name: 'not a name' } }\n")))
                .anySatisfy(e -> assertThat(e).contains("clusters[0].upstream.tls.server-name: 'not a name' is not"));
        assertThat(ProxyConfigsTest.errors(yaml("    upstream: { tls: { verify: false, ca: '" + ca + "' } }\n")))
                .anySatisfy(e -> assertThat(e).contains("clusters[0].upstream.tls.verify: verify: false accepts any"));
        assertThat(ProxyConfigsTest.errors(yaml("    upstream: { tls: { verify: maybe } }\n")))
                .anySatisfy(e -> assertThat(e).contains("clusters[0].upstream.tls.verify"));
        assertThat(ProxyConfigsTest.errors(yaml("    upstream: { tls: { cert: x } }\n")))
                .anySatisfy(e -> assertThat(e).contains("clusters[0].upstream.tls").contains("cert"));
    }

    @Test
    void aUdpListenerCannotReachAClusterOverTls() {
        assertThat(ProxyConfigsTest.errors("""
                listeners:
                  - { name: u, protocol: udp, bind: 127.0.0.1:0, cluster: c }
                clusters:
                  - name: c
                    strategy: round-robin
                    backends: [ { id: a, address: 127.0.0.1:9001 } ]
                    upstream: { tls: {} }
                """)).anySatisfy(e -> assertThat(e).contains("listeners[0].cluster: cluster 'c' has upstream.tls, but"
                + " a udp listener relays datagrams in clear"));
    }
}
