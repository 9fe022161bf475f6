package io.sluice.config.proxy;

import java.time.Duration;
import java.util.List;

/**
 * The file form of an {@code http} listener's {@code jwt:} block: bearer tokens verified at the edge.
 *
 * @param jwks       path of a JWK set (RFC 7517) file holding the public keys tokens are signed with
 * @param issuers    accepted {@code iss} values; absent or empty: any issuer the keys sign for
 * @param audiences  accepted {@code aud} values, one of which the token must name; absent: not checked
 * @param algorithms accepted signature algorithms, default {@code [RS256, ES256]}
 * @param clockSkew  leeway on {@code exp} and {@code nbf}, default 30s
 * @param required   whether a request without a token is refused (default true); a token that is
 *                   present is verified either way
 * @param header     the header carrying the token, default {@code authorization} ({@code Bearer <token>})
 */
public record JwtSection(String jwks, List<String> issuers, List<String> audiences, List<String> algorithms,
                         Duration clockSkew, Boolean required, String header) {
}
