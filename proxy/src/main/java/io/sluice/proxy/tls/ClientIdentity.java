package io.sluice.proxy.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * A verified client certificate, as the proxy passes it on: subject, URI and DNS subject
 * alternative names and the SHA-256 fingerprint of the DER certificate (lower-case hex).
 */
public record ClientIdentity(String subject, List<String> uris, List<String> dnsNames, String sha256) {
    public ClientIdentity {
        uris = List.copyOf(uris);
        dnsNames = List.copyOf(dnsNames);
    }

    /** The identity of {@code leaf}. */
    public static ClientIdentity of(X509Certificate leaf) {
        List<String> uris = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 6) {
                        uris.add(String.valueOf(san.get(1)));
                    } else if (type == 2) {
                        dns.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable SANs: the subject and the fingerprint still identify it
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded());
            return new ClientIdentity(leaf.getSubjectX500Principal().getName(), uris, dns,
                    HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The session-affinity key this identity gives in {@code client-cert} mode: the fingerprint, the
     * subject, or the first URI or DNS SAN (null when the certificate has none of that kind).
     */
    public String affinityKey(io.sluice.algorithms.policy.AffinityPolicy.Identity part) {
        return switch (part) {
            case FINGERPRINT -> sha256;
            case SUBJECT -> subject;
            case URI -> uris.isEmpty() ? null : uris.get(0);
            case DNS -> dnsNames.isEmpty() ? null : dnsNames.get(0);
        };
    }

    /**
     * The {@code x-forwarded-client-cert} value, in Envoy's format:
     * {@code Hash=<sha256>;Subject="<subject>";URI=<uri>;DNS=<dns>} (one URI and DNS element per
     * SAN), quotes and backslashes in the subject escaped.
     */
    public String xfcc() {
        StringBuilder b = new StringBuilder(160).append("Hash=").append(sha256);
        b.append(";Subject=\"").append(subject.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        for (String u : uris) {
            b.append(";URI=").append(safe(u));
        }
        for (String d : dnsNames) {
            b.append(";DNS=").append(safe(d));
        }
        return b.toString();
    }

    /** Drops what could split the header's elements or lines (a certificate is the CA's word, not ours). */
    private static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x20 && c < 0x7f && c != ';' && c != ',' && c != '"') {
                b.append(c);
            }
        }
        return b.toString();
    }
}
