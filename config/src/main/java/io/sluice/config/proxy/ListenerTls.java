package io.sluice.config.proxy;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * TLS termination of one stream listener, validated: the files named exist (their contents are
 * checked when the proxy loads them, so a bad certificate is named with its file).
 *
 * @param certificates at least one; the first is served when SNI names none of them (or is absent)
 * @param clientAuth   whether client certificates are asked for, and required
 * @param ca           the CA bundle client certificates are verified against; null when
 *                     {@code clientAuth} is {@link ClientAuth#NONE}
 * @param crl          a certificate revocation list, or null
 */
public record ListenerTls(List<Certificate> certificates, ClientAuth clientAuth, Path ca, Path crl) {
    public ListenerTls {
        certificates = List.copyOf(certificates);
        Objects.requireNonNull(clientAuth, "clientAuth");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("at least one certificate is required");
        }
    }

    /**
     * @param names SNI names, lower case, exact or {@code *.suffix}; empty to take the
     *              certificate's DNS subject alternative names
     */
    public record Certificate(Path cert, Path key, List<String> names) {
        public Certificate {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
            names = List.copyOf(names);
        }
    }

    /** Mutual TLS: {@code client-auth: none | optional | required}. */
    public enum ClientAuth {
        NONE, OPTIONAL, REQUIRED;

        /** The config spelling. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
