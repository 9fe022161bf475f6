package io.sluice.config.proxy;

import java.util.List;

/**
 * A listener's {@code tls:} block, the same for every stream listener kind (HTTP, and the TCP and
 * MQTT listeners other protocols add): present means the listener terminates TLS.
 *
 * @param certificates the certificates to serve, the first the default; SNI chooses among them
 * @param clientAuth   {@code none}, {@code optional} or {@code required}
 * @param ca           PEM bundle of the CAs client certificates must chain to
 * @param crl          PEM or DER certificate revocation list checked against client certificates
 */
public record TlsSection(List<CertificateSection> certificates, String clientAuth, String ca, String crl) {

    /**
     * One {@code certificates:} entry.
     *
     * @param cert  PEM certificate chain, leaf first
     * @param key   PEM private key (PKCS#8, or PKCS#1 with the OpenSSL provider)
     * @param names the SNI names it serves (exact or {@code *.wildcard}); the certificate's DNS SANs when absent
     */
    public record CertificateSection(String cert, String key, List<String> names) {
    }
}
