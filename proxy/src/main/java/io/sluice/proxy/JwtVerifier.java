package io.sluice.proxy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.sluice.config.proxy.ListenerJwt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the bearer JWTs of one listener's requests against the public keys of a local JWK set
 * file (Nimbus JOSE+JWT does the JWS parsing, key selection by {@code kid} and algorithm, and the
 * signature check), then checks the claims itself so each refusal can say why: {@code exp}
 * required and not past, {@code nbf} not future (both with the clock skew), {@code iss} one of the
 * issuers and {@code aud} naming one of the audiences when those are set, {@code sub} present (it
 * is the {@code jwt-subject} rate-limit key).
 *
 * <p>The key file is read when the verifier is made (start and reload: a bad file fails them) and
 * again when its modification time or size changes, looked at no more than once a second from the
 * request path; a changed file that does not parse is logged and the keys in force are kept.
 *
 * <p>Thread safety: any thread. The keys are an immutable processor behind a volatile field.
 */
final class JwtVerifier {
    private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    /**
     * A verification's result.
     *
     * @param subject the verified {@code sub}, or null when refused or when no token came (and none is required)
     * @param refusal null when passed; {@code ""} for a missing token (RFC 6750 3.1: no error code),
     *                else the {@code error_description} of an {@code invalid_token} answer
     */
    record Outcome(String subject, String refusal) {
        static final Outcome ANONYMOUS = new Outcome(null, null);
        static final Outcome MISSING = new Outcome(null, "");

        boolean passed() {
            return refusal == null;
        }
    }

    private final String listener;
    private final ListenerJwt config;
    private final LongSupplier wallMillis;
    private final LongSupplier nanoTime;
    private final AtomicLong nextCheck;
    private volatile Keys keys;

    private record Keys(DefaultJWTProcessor<SecurityContext> processor, FileTime modified, long size) {
    }

    private JwtVerifier(String listener, ListenerJwt config, LongSupplier wallMillis, LongSupplier nanoTime) {
        this.listener = listener;
        this.config = config;
        this.wallMillis = wallMillis;
        this.nanoTime = nanoTime;
        this.keys = load();
        this.nextCheck = new AtomicLong(nanoTime.getAsLong() + RECHECK_NANOS);
    }

    /**
     * The verifier of {@code listener}'s {@code jwt:} block.
     *
     * @throws IllegalArgumentException when the JWK set file cannot be read or is not a JWK set,
     *                                  naming the listener and the file
     */
    static JwtVerifier of(String listener, ListenerJwt config) {
        return new JwtVerifier(listener, config, System::currentTimeMillis, System::nanoTime);
    }

    ListenerJwt config() {
        return config;
    }

    /** Verifies the token in {@code headerValue} (the configured header's value, null when absent). */
    Outcome verify(String headerValue) {
        String token = token(headerValue);
        if (token == null) {
            return config.required() ? Outcome.MISSING : Outcome.ANONYMOUS;
        }
        refreshIfChanged();
        JWTClaimsSet claims;
        try {
            claims = keys.processor().process(token, null);
        } catch (java.text.ParseException e) {
            return refused("the token is not a signed JWT");
        } catch (BadJOSEException e) {
            return refused("the signature is not verified by a key of the JWK set with an accepted algorithm");
        } catch (com.nimbusds.jose.JOSEException e) {
            return refused("the signature could not be checked");
        }
        long skew = config.clockSkewNanos() / 1_000_000;
        long now = wallMillis.getAsLong();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return refused("the token has no exp");
        }
        if (exp.getTime() + skew <= now) {
            return refused("the token expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.getTime() - skew > now) {
            return refused("the token is not valid yet");
        }
        if (!config.issuers().isEmpty() && !config.issuers().contains(claims.getIssuer())) {
            return refused("the issuer is not accepted");
        }
        if (!config.audiences().isEmpty()) {
            List<String> aud = claims.getAudience();
            if (aud == null || aud.stream().noneMatch(config.audiences()::contains)) {
                return refused("the audience is not accepted");
            }
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isEmpty()) {
            return refused("the token has no sub");
        }
        return new Outcome(sub, null);
    }

    private static Outcome refused(String why) {
        return new Outcome(null, why);
    }

    /** The token of a header value: after a {@code Bearer} scheme when there is one; null when none. */
    private String token(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.length() >= 7 && v.regionMatches(true, 0, "bearer ", 0, 7)) {
            v = v.substring(7).trim();
        } else if ("authorization".equals(config.header())) {
            // Another authentication scheme (Basic, ...): no bearer token in this request.
            return null;
        }
        return v.isEmpty() ? null : v;
    }

    private void refreshIfChanged() {
        long next = nextCheck.get();
        long now = nanoTime.getAsLong();
        if (now - next < 0 || !nextCheck.compareAndSet(next, now + RECHECK_NANOS)) {
            return;
        }
        Keys held = keys;
        try {
            FileTime modified = Files.getLastModifiedTime(config.jwks());
            long size = Files.size(config.jwks());
            if (modified.equals(held.modified()) && size == held.size()) {
                return;
            }
            keys = load();
            log.info("listener '{}': JWK set {} changed; its keys are in force", listener, config.jwks());
        } catch (IOException | IllegalArgumentException e) {
            log.warn("listener '{}': JWK set {} changed but could not be used, the keys read before stay in force: {}",
                    listener, config.jwks(), e.getMessage());
        }
    }

    private Keys load() {
        JWKSet set;
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(config.jwks());
            size = Files.size(config.jwks());
            set = JWKSet.load(config.jwks().toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("listener '" + listener + "': jwt.jwks: cannot read " + config.jwks()
                    + ": " + e.getMessage(), e);
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException("listener '" + listener + "': jwt.jwks: " + config.jwks()
                    + " is not a JWK set (RFC 7517): " + e.getMessage(), e);
        }
        // Public keys only: a private key's public half is kept, a shared secret (kty oct) dropped.
        set = set.toPublicJWKSet();
        if (set.getKeys().isEmpty()) {
            throw new IllegalArgumentException("listener '" + listener + "': jwt.jwks: " + config.jwks()
                    + " holds no public keys (RSA or EC)");
        }
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        for (String a : config.algorithms()) {
            algorithms.add(JWSAlgorithm.parse(a.toUpperCase(Locale.ROOT)));
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(set)));
        // The claims are checked in verify(), so each refusal can name its reason.
        p.setJWTClaimsSetVerifier((claims, context) -> {
        });
        return new Keys(p, modified, size);
    }
}
