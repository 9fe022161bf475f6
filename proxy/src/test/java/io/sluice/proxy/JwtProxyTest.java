package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sluice.config.proxy.ProxyConfigs;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's {@code jwt:} block through real sockets, with the JDK HTTP client: tokens are signed
 * in the test with RSA and EC keys whose public halves are the listener's JWK set file. A refused
 * request is answered 401 with {@code WWW-Authenticate} and never reaches the backend; a verified
 * token's subject keys a {@code jwt-subject} rate limit.
 */
class JwtProxyTest {
    static final String ISSUER = "https://auth.sluice.test";
    static RSAKey rsa;
    static ECKey ec;
    /** Not in the JWK set: signs the bad-signature and unknown-key tokens. */
    static RSAKey stranger;

    @TempDir
    Path dir;
    Path jwks;
    TestBackend backend;
    ProxyFixture proxy;

    @BeforeAll
    static void keys() throws JOSEException {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    }

    @BeforeEach
    void files() throws Exception {
        jwks = dir.resolve("jwks.json");
        writeKeys(rsa, ec);
        backend = TestBackend.start("a");
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close(); // and the backend
        } else {
            backend.close();
        }
    }

    void writeKeys(JWK... keys) throws Exception {
        List<JWK> pub = java.util.Arrays.stream(keys).map(JWK::toPublicJWK).toList();
        Files.writeString(jwks, new JWKSet(pub).toString());
    }

    String yaml(String jwtExtra, String routeExtra) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    jwt: { jwks: '%s', issuers: ['%s'], audiences: [devices], clock-skew: 30s%s }
                    routes:
                      - { name: all, cluster: c%s }
                clusters:
                  - { name: c, strategy: round-robin, backends: [ { id: a, address: '%s' } ] }
                """.formatted(jwks, ISSUER, jwtExtra, routeExtra, backend.address());
    }

    void start(String jwtExtra, String routeExtra) throws Exception {
        proxy = ProxyFixture.start(yaml(jwtExtra, routeExtra), List.of(backend));
    }

    /** The claims of a good token for {@code subject}: right issuer and audience, ten minutes left. */
    static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience("devices")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
    }

    static String sign(JWTClaimsSet claims, JWK key, String kid) throws JOSEException {
        boolean isEc = key instanceof ECKey;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(isEc ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256)
                .keyID(kid).build(), claims);
        jwt.sign(isEc ? new ECDSASigner((ECKey) key) : new RSASSASigner((RSAKey) key));
        return jwt.serialize();
    }

    HttpResponse<String> get(String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(proxy.uri("/t")).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            b.header("authorization", "Bearer " + bearer);
        }
        return proxy.client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts a 401 invalid_token answer whose description contains {@code why}. */
    void assertInvalid(HttpResponse<String> r, String why) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer realm=\"web\", error=\"invalid_token\", error_description=\"").contains(why));
    }

    @Test
    void rsaAndEcTokensOfTheRightIssuerAndAudiencePass() throws Exception {
        start("", "");
        assertThat(get(sign(claims("device-1").build(), rsa, "rsa-1")).statusCode()).isEqualTo(200);
        assertThat(get(sign(claims("device-2").build(), ec, "ec-1")).statusCode()).isEqualTo(200);
        // An audience list that names one accepted audience among others passes too.
        JWTClaimsSet several = claims("device-3").audience(List.of("billing", "devices")).build();
        assertThat(get(sign(several, ec, "ec-1")).statusCode()).isEqualTo(200);
        assertThat(backend.requestCount()).isEqualTo(3);
    }

    @Test
    void everyBadTokenIs401AndNeverReachesTheBackend() throws Exception {
        start("", "");
        HttpResponse<String> missing = get(null);
        assertThat(missing.statusCode()).isEqualTo(401);
        // RFC 6750 3.1: a request with no token gets the challenge without an error code.
        assertThat(missing.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"web\"");
        Instant past = Instant.now().minusSeconds(300);
        assertInvalid(get(sign(claims("d").expirationTime(Date.from(past)).build(), rsa, "rsa-1")), "expired");
        assertInvalid(get(sign(claims("d").issuer("https://evil.test").build(), rsa, "rsa-1")), "issuer");
        assertInvalid(get(sign(claims("d").audience("billing").build(), ec, "ec-1")), "audience");
        // Signed by a key the set does not hold, under a kid it does hold: the signature fails.
        assertInvalid(get(sign(claims("d").build(), stranger, "rsa-1")), "signature");
        // A kid the set does not hold: no key to verify with.
        assertInvalid(get(sign(claims("d").build(), stranger, "rsa-9")), "signature");
        assertInvalid(get(sign(claims("d").expirationTime(null).build(), rsa, "rsa-1")), "no exp");
        assertInvalid(get(sign(claims(null).build(), rsa, "rsa-1")), "no sub");
        assertInvalid(get("not.a.jwt"), "not a signed JWT");
        // A token altered after signing (its claims swapped for another subject's).
        String good = sign(claims("d").build(), rsa, "rsa-1");
        String other = sign(claims("admin").build(), rsa, "rsa-1");
        String[] g = good.split("\\.");
        String[] o = other.split("\\.");
        assertInvalid(get(g[0] + "." + o[1] + "." + g[2]), "signature");
        assertThat(backend.requestCount()).isZero();
        // Within the clock skew, an expired token still passes.
        JWTClaimsSet justExpired = claims("d").expirationTime(Date.from(Instant.now().minusSeconds(5))).build();
        assertThat(get(sign(justExpired, rsa, "rsa-1")).statusCode()).isEqualTo(200);
    }

    @Test
    void eachSubjectHasItsOwnRateLimitBudget() throws Exception {
        start("", ", rate-limits: [ { name: device, rate: 2/min, burst: 2, key: [jwt-subject] } ]");
        String a = sign(claims("device-a").build(), rsa, "rsa-1");
        String b = sign(claims("device-b").build(), ec, "ec-1");
        assertThat(get(a).statusCode()).isEqualTo(200);
        assertThat(get(a).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = get(a);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("ratelimit-policy")).hasValue("\"device\";q=2;w=60");
        // A second token of the same subject shares its budget; another subject has a full one.
        assertThat(get(sign(claims("device-a").build(), ec, "ec-1")).statusCode()).isEqualTo(429);
        assertThat(get(b).statusCode()).isEqualTo(200);
        assertThat(get(b).statusCode()).isEqualTo(200);
        assertThat(get(b).statusCode()).isEqualTo(429);
        assertThat(backend.requestCount()).isEqualTo(4);
    }

    @Test
    void anOptionalTokenLetsAnonymousRequestsPassButStillRefusesABadOne() throws Exception {
        start(", required: false", "");
        assertThat(get(null).statusCode()).isEqualTo(200);
        assertInvalid(get(sign(claims("d").build(), stranger, "rsa-1")), "signature");
        assertThat(get(sign(claims("d").build(), rsa, "rsa-1")).statusCode()).isEqualTo(200);
    }

    @Test
    void aChangedKeyFileIsReadWithoutAReload() throws Exception {
        start("", "");
        ECKey next = new ECKeyGenerator(Curve.P_256).keyID("ec-2").generate();
        String token = sign(claims("d").build(), next, "ec-2");
        assertInvalid(get(token), "signature");
        writeKeys(rsa, next);
        // A later modification time, whatever the file system's timestamp granularity.
        Files.setLastModifiedTime(jwks, FileTime.from(Instant.now().plusSeconds(10)));
        // The file is looked at once a second at most: wait for the new key, with a deadline.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int status;
        do {
            status = get(token).statusCode();
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(200);
        // ec-1 was dropped from the file.
        assertInvalid(get(sign(claims("d").build(), ec, "ec-1")), "signature");
    }

    @Test
    void aReloadWithABrokenKeyFileFailsAndKeepsTheKeysInForce() throws Exception {
        start("", "");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{ \"keys\": [ { \"kty\": \"RSA\" } ] }");
        String next = yaml("", "").replace(jwks.toString(), broken.toString());
        assertThatThrownBy(() -> proxy.proxy.reload(ProxyConfigs.parse("access-log: { path: \"off\" }\n" + next)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listener 'web': jwt.jwks: " + broken);
        assertThat(get(sign(claims("d").build(), rsa, "rsa-1")).statusCode()).isEqualTo(200);
    }
}
