package io.sluice.config.proxy;

import io.sluice.config.Problems;
import io.sluice.config.proxy.TlsSection.CertificateSection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The validation pass of a listener's {@code tls:} block, shared by every stream listener kind.
 * File paths are taken as written (relative ones from the proxy's working directory) and must name
 * readable files; their contents are the proxy's to check, when it loads them.
 */
final class TlsReader {
    private static final String CLIENT_AUTH = "none, optional or required";

    private final Problems problems;

    TlsReader(Problems problems) {
        this.problems = problems;
    }

    /** The validated block at {@code path}, or null when absent or in error (errors recorded). */
    ListenerTls read(String path, TlsSection s) {
        if (s == null) {
            return null;
        }
        boolean ok = true;
        List<ListenerTls.Certificate> certs = new ArrayList<>();
        String cp = Problems.join(path, "certificates");
        if (problems.required(cp, s.certificates(), "a list of certificates, each with cert and key PEM files")
                == null) {
            ok = false;
        } else if (s.certificates().isEmpty()) {
            problems.error(cp, "at least one certificate is required (the first is the default)");
            ok = false;
        } else {
            for (int i = 0; i < s.certificates().size(); i++) {
                ListenerTls.Certificate c = certificate(Problems.index(cp, i), s.certificates().get(i));
                if (c == null) {
                    ok = false;
                } else {
                    certs.add(c);
                }
            }
        }
        String ap = Problems.join(path, "client-auth");
        String auth = problems.text(ap, s.clientAuth(), "none", CLIENT_AUTH);
        ListenerTls.ClientAuth clientAuth = ListenerTls.ClientAuth.NONE;
        if (auth != null) {
            try {
                clientAuth = ListenerTls.ClientAuth.valueOf(auth.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.error(ap, "'" + auth + "' is not allowed; " + CLIENT_AUTH);
                ok = false;
            }
        }
        Path ca = s.ca() == null ? null : problems.readableFile(Problems.join(path, "ca"), s.ca());
        if (s.ca() != null && ca == null) {
            ok = false;
        }
        if (clientAuth != ListenerTls.ClientAuth.NONE && s.ca() == null) {
            problems.error(Problems.join(path, "ca"), "client-auth: " + clientAuth.configName()
                    + " needs a ca: PEM bundle of the CAs that client certificates must chain to");
            ok = false;
        }
        Path crl = s.crl() == null ? null : problems.readableFile(Problems.join(path, "crl"), s.crl());
        if (s.crl() != null && crl == null) {
            ok = false;
        }
        if (crl != null && clientAuth == ListenerTls.ClientAuth.NONE) {
            problems.error(Problems.join(path, "crl"), "a crl checks client certificates; set client-auth to"
                    + " optional or required, or remove it");
            ok = false;
        }
        return ok ? new ListenerTls(certs, clientAuth, clientAuth == ListenerTls.ClientAuth.NONE ? null : ca, crl)
                : null;
    }

    private ListenerTls.Certificate certificate(String path, CertificateSection s) {
        if (s == null) {
            problems.error(path, "a certificate needs cert and key: PEM file paths");
            return null;
        }
        Path cert = problems.required(Problems.join(path, "cert"), s.cert(), "a PEM certificate file") == null
                ? null : problems.readableFile(Problems.join(path, "cert"), s.cert());
        Path key = problems.required(Problems.join(path, "key"), s.key(), "a PEM private key file") == null
                ? null : problems.readableFile(Problems.join(path, "key"), s.key());
        List<String> names = new ArrayList<>();
        if (s.names() != null) {
            for (int i = 0; i < s.names().size(); i++) {
                String n = s.names().get(i);
                if (n == null) {
                    continue;
                }
                String lower = n.toLowerCase(Locale.ROOT);
                if (!isServerName(lower)) {
                    problems.error(Problems.index(Problems.join(path, "names"), i), "'" + n + "' is not a server"
                            + " name; write an exact name like api.example.com or a wildcard like *.example.com");
                    return null;
                }
                names.add(lower);
            }
        }
        return cert == null || key == null ? null : new ListenerTls.Certificate(cert, key, names);
    }

    /** An exact DNS name or a {@code *.} wildcard over one. */
    static boolean isServerName(String s) {
        String bare = s.startsWith("*.") ? s.substring(2) : s;
        return !bare.isEmpty() && bare.length() <= 253 && !bare.startsWith(".") && !bare.endsWith(".")
                && !bare.contains("..") && bare.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
                || c == '-' || c == '.'));
    }
}
