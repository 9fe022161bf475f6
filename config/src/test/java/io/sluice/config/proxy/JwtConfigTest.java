package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An http listener's {@code jwt:} block: defaults, and errors that name the key and what is allowed. */
class JwtConfigTest {
    static final String CLUSTER = """
                routes: [ { cluster: c } ]
            clusters:
              - { name: c, strategy: round-robin, backends: [ { id: a, address: 127.0.0.1:9001 } ] }
            """;

    @TempDir
    Path dir;

    @Test
    void aJwtBlockTakesItsDefaults() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        ProxyConfig c = ProxyConfigs.parse("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n"
                + "    jwt: { jwks: '" + jwks + "' }\n" + CLUSTER);
        ListenerJwt j = ((ProxyConfig.HttpListener) c.listeners().get(0)).jwt();
        assertThat(j).isEqualTo(new ListenerJwt(jwks, List.of(), List.of(), List.of("RS256", "ES256"),
                30_000_000_000L, true, "authorization"));
        ProxyConfig none = ProxyConfigs.parse("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n" + CLUSTER);
        assertThat(((ProxyConfig.HttpListener) none.listeners().get(0)).jwt()).isNull();
    }

    @Test
    void aJwtBlockReadsEveryKey() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        ProxyConfig c = ProxyConfigs.parse("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n"
                + "    jwt: { jwks: '" + jwks + "', issuers: [https://a.test], audiences: [devices, ops],"
                + " algorithms: [es256, PS256], clock-skew: 5s, required: false, header: X-Device-Token }\n" + CLUSTER);
        assertThat(((ProxyConfig.HttpListener) c.listeners().get(0)).jwt()).isEqualTo(new ListenerJwt(jwks,
                List.of("https://a.test"), List.of("devices", "ops"), List.of("ES256", "PS256"), 5_000_000_000L,
                false, "x-device-token"));
    }

    @Test
    void badValuesAreNamedWithWhatIsAllowed() {
        assertThat(ProxyConfigsTest.errors("""
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    jwt:
                      jwks: /nowhere/jwks.json
                      algorithms: [RS256, HS256]
                      clock-skew: 1h
                      issuers: [""]
                """ + CLUSTER)).containsExactlyInAnyOrder(
                "sluice.yaml:5: listeners[0].jwt.jwks: no file '/nowhere/jwks.json' (from "
                        + Path.of("").toAbsolutePath() + ")",
                "sluice.yaml:6: listeners[0].jwt.algorithms[1]: 'HS256' is not allowed; one of "
                        + String.join(", ", ListenerJwt.ALGORITHMS) + " (none and shared-secret HS* are refused)",
                "sluice.yaml:7: listeners[0].jwt.clock-skew: 1h is out of range; "
                        + JwtReader.CLOCK_SKEW.describe(),
                "sluice.yaml:8: listeners[0].jwt.issuers[0]: an empty value; write an issuer, like https://auth.example.com");
        assertThat(ProxyConfigsTest.errors("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    jwt: { required: true }\n"
                + CLUSTER)).singleElement().asString().contains("listeners[0].jwt.jwks: ");
    }
}
