package io.sluice.config.proxy;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * JWT verification on one listener, validated: the JWK set file exists (its keys are read by the
 * proxy, at start, on reload and when the file changes, so a bad key is named with its file).
 *
 * @param jwks           the JWK set file
 * @param issuers        accepted {@code iss} values; empty: not checked
 * @param audiences      accepted {@code aud} values; empty: not checked
 * @param algorithms     accepted JWS algorithm names, e.g. {@code RS256}; never empty
 * @param clockSkewNanos leeway on {@code exp} and {@code nbf}
 * @param required       a request without a token is refused
 * @param header         the header carrying the token, lower case
 */
public record ListenerJwt(Path jwks, List<String> issuers, List<String> audiences, List<String> algorithms,
                          long clockSkewNanos, boolean required, String header) {
    /** The signature algorithms a {@code jwt:} block may accept: RSA and ECDSA, never {@code none} or a shared secret. */
    public static final List<String> ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512");

    public ListenerJwt {
        Objects.requireNonNull(jwks, "jwks");
        issuers = List.copyOf(issuers);
        audiences = List.copyOf(audiences);
        algorithms = List.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("at least one algorithm, of " + ALGORITHMS);
        }
    }
}
