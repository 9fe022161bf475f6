package io.sluice.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Reads PEM certificates, PKCS#8 keys and CRLs, with errors that name the file and say what is wrong.
 * Everything throws {@link IllegalArgumentException} with a message meant for the operator.
 */
final class CertificateFiles {
    private CertificateFiles() {
    }

    /** The certificates of a PEM (or DER) file, leaf first; at least one. */
    static List<X509Certificate> certificates(Path file) {
        byte[] bytes = read(file);
        try {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("'" + file + "' holds no certificate (expected PEM blocks"
                        + " -----BEGIN CERTIFICATE-----)");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("'" + file + "' is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /** The CRLs of a PEM or DER file. */
    static List<CRL> crls(Path file) {
        try {
            Collection<? extends CRL> all = CertificateFactory.getInstance("X.509")
                    .generateCRLs(new ByteArrayInputStream(read(file)));
            if (all.isEmpty()) {
                throw new IllegalArgumentException("'" + file + "' holds no certificate revocation list");
            }
            return List.copyOf(all);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("'" + file + "' is not a CRL file (PEM or DER): " + e.getMessage(), e);
        }
    }

    /** The unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}) of a PEM file. */
    static PrivateKey privateKey(Path file) {
        String pem = new String(read(file), StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            String hint = pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")
                    || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")
                    ? "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem" : "";
            throw new IllegalArgumentException("'" + file + "' holds no unencrypted PKCS#8 private key"
                    + " (-----BEGIN PRIVATE KEY-----)" + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + file + "': the private key is not valid base64", e);
        }
        for (String alg : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("'" + file + "' holds a private key this JVM cannot read (not RSA, EC or"
                + " Ed25519 PKCS#8)");
    }

    /**
     * Checks that {@code key} is the private half of {@code cert}'s public key, by signing and
     * verifying a random message.
     */
    static void checkPair(PrivateKey key, X509Certificate cert, Path keyFile, Path certFile) {
        PublicKey pub = cert.getPublicKey();
        String alg = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            return;
        }
        try {
            byte[] msg = new byte[32];
            new SecureRandom().nextBytes(msg);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(msg);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(msg);
            if (v.verify(sig)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: a mismatch too
        }
        throw new IllegalArgumentException("the key in '" + keyFile + "' does not belong to the certificate in '"
                + certFile + "' (" + cert.getSubjectX500Principal().getName() + ")");
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read '" + file + "': " + e, e);
        }
    }
}
