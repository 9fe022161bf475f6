package io.sluice.config.proxy;

import io.sluice.algorithms.Range;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.config.Problems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The validation pass of an {@code http} listener's {@code jwt:} block. */
final class JwtReader {
    static final Range CLOCK_SKEW = Range.duration(0, 600_000_000_000L);
    static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256");

    private final Problems problems;

    JwtReader(Problems problems) {
        this.problems = problems;
    }

    /** The validated block at {@code path}, or null when absent or in error (errors recorded). */
    ListenerJwt read(String path, JwtSection s) {
        if (s == null) {
            return null;
        }
        String jp = Problems.join(path, "jwks");
        Path jwks = null;
        if (problems.required(jp, s.jwks(), "the path of a JWK set file (RFC 7517), like /etc/sluice/jwks.json")
                != null) {
            jwks = problems.readableFile(jp, s.jwks());
        }
        List<String> issuers = texts(Problems.join(path, "issuers"), s.issuers(), "an issuer, like https://auth.example.com");
        List<String> audiences = texts(Problems.join(path, "audiences"), s.audiences(), "an audience, like devices");
        List<String> algorithms = new ArrayList<>();
        String ap = Problems.join(path, "algorithms");
        boolean ok = true;
        if (s.algorithms() == null) {
            algorithms.addAll(DEFAULT_ALGORITHMS);
        } else if (s.algorithms().isEmpty()) {
            problems.error(ap, "an empty list; name one or more of " + String.join(", ", ListenerJwt.ALGORITHMS));
            ok = false;
        } else {
            for (int i = 0; i < s.algorithms().size(); i++) {
                String a = s.algorithms().get(i);
                String upper = a == null ? "" : a.trim().toUpperCase(Locale.ROOT);
                if (!ListenerJwt.ALGORITHMS.contains(upper)) {
                    problems.error(Problems.index(ap, i), "'" + a + "' is not allowed; one of "
                            + String.join(", ", ListenerJwt.ALGORITHMS) + " (none and shared-secret HS* are refused)");
                    ok = false;
                } else if (!algorithms.contains(upper)) {
                    algorithms.add(upper);
                }
            }
        }
        Long skew = problems.duration(Problems.join(path, "clock-skew"), s.clockSkew(), CLOCK_SKEW, 30_000_000_000L);
        boolean required = problems.bool(Problems.join(path, "required"), s.required(), true);
        String hp = Problems.join(path, "header");
        String header = problems.text(hp, s.header(), "authorization", "a header name");
        if (header != null && !AffinityPolicy.isToken(header)) {
            problems.error(hp, "'" + header + "' is not a header name");
            ok = false;
        }
        if (!ok || jwks == null || issuers == null || audiences == null || skew == null || header == null) {
            return null;
        }
        return new ListenerJwt(jwks, issuers, audiences, algorithms, skew, required, header.toLowerCase(Locale.ROOT));
    }

    /** A list of non-blank strings, empty when absent; null after an error. */
    private List<String> texts(String path, List<String> values, String what) {
        List<String> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        boolean ok = true;
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null || v.isBlank()) {
                problems.error(Problems.index(path, i), "an empty value; write " + what);
                ok = false;
            } else {
                out.add(v);
            }
        }
        return ok ? out : null;
    }
}
