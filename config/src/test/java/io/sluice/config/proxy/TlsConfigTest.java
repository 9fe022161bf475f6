package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener {@code tls:} block: what it reads, and the errors (file:line, path, allowed values). */
class TlsConfigTest {
    @TempDir
    Path dir;

    private String yaml(String tls) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                """ + tls + """
                    routes: [ { cluster: c } ]
                clusters:
                  - name: c
                    strategy: round-robin
                    backends: [ { id: a, address: 127.0.0.1:9001 } ]
                """;
    }

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "x");
    }

    @Test
    void readsCertificatesNamesAndMutualTls() throws IOException {
        Path cert = file("a.pem");
        Path key = file("a.key");
        Path ca = file("ca.pem");
        Path crl = file("crl.pem");
        ProxyConfig c = ProxyConfigs.parse(yaml("""
                    tls:
                      certificates:
                        - { cert: '%s', key: '%s' }
                        - { cert: '%s', key: '%s', names: [ API.example.com, '*.example.org' ] }
                      client-auth: required
                      ca: '%s'
                      crl: '%s'
                """.formatted(cert, key, cert, key, ca, crl)));
        ListenerTls tls = c.listeners().get(0).tls();
        assertThat(tls.certificates()).containsExactly(new ListenerTls.Certificate(cert, key, List.of()),
                new ListenerTls.Certificate(cert, key, List.of("api.example.com", "*.example.org")));
        assertThat(tls.clientAuth()).isEqualTo(ListenerTls.ClientAuth.REQUIRED);
        assertThat(tls.ca()).isEqualTo(ca);
        assertThat(tls.crl()).isEqualTo(crl);
        assertThat(ProxyConfigs.parse(yaml("")).listeners().get(0).tls()).isNull();
    }

    @Test
    void namesTheLineAndWhatIsWrong() throws IOException {
        Path cert = file("a.pem");
        List<String> errors = ProxyConfigsTest.errors(yaml("""
                    tls:
                      certificates:
                        - { cert: '%s', key: '%s/missing.key', names: [ 'bad name' ] }
                      client-auth: sometimes
                """.formatted(cert, dir)));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("sluice.yaml:6: listeners[0].tls.certificates[0].key:")
                .contains("no file").contains("missing.key"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("listeners[0].tls.certificates[0].names[0]:")
                .contains("'bad name' is not a server name"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("sluice.yaml:7: listeners[0].tls.client-auth:")
                .contains("'sometimes' is not allowed; none, optional or required"));

        assertThat(ProxyConfigsTest.errors(yaml("""
                    tls:
                      certificates: []
                """))).containsExactly("sluice.yaml:5: listeners[0].tls.certificates: at least one certificate is"
                + " required (the first is the default)");
        assertThat(ProxyConfigsTest.errors(yaml("""
                    tls:
                      certificates: [ { cert: '%s', key: '%s' } ]
                      client-auth: optional
                """.formatted(cert, cert)))).singleElement().asString()
                .contains("listeners[0].tls.ca:").contains("needs a ca");
    }
}
