package io.sluice.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI for the TLS tests, made with the {@code openssl} command (Debian package
 * openssl) in a directory the test owns: one CA, leaf certificates it signs (EC P-256, PKCS#8 keys,
 * the SANs a test asks for), revocation and a CRL.
 */
final class TestPki {
    final Path dir;
    final Path caCert;
    final Path caKey;

    private TestPki(Path dir) throws IOException {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca.key");
        Files.writeString(dir.resolve("ca.cnf"), "[ca]\ndefault_ca=d\n[d]\ndatabase=" + dir.resolve("index.txt")
                + "\ncrlnumber=" + dir.resolve("crlnumber") + "\ndefault_md=sha256\ndefault_crl_days=30\n");
        Files.writeString(dir.resolve("index.txt"), "");
        Files.writeString(dir.resolve("crlnumber"), "01\n");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", caKey.toString(), "-out", caCert.toString(), "-days", "30", "-subj", "/CN=Sluice Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    /** A new CA in {@code dir}. */
    static TestPki create(Path dir) throws IOException {
        return new TestPki(dir);
    }

    /** A leaf signed by the CA. */
    record Leaf(Path cert, Path key) {
    }

    /**
     * Issues {@code name}.pem and {@code name}.key, subject CN={@code cn}, with {@code sans} (like
     * {@code DNS:localhost}, {@code URI:spiffe://x}); none when empty.
     */
    Leaf issue(String name, String cn, String... sans) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", "/CN=" + cn);
        List<String> args = new ArrayList<>(List.of("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(),
                "-CAkey", caKey.toString(), "-CAcreateserial", "-days", "30", "-out", cert.toString()));
        if (sans.length > 0) {
            Path ext = dir.resolve(name + ".ext");
            Files.writeString(ext, "subjectAltName=" + String.join(",", sans) + "\n");
            args.add("-extfile");
            args.add(ext.toString());
        }
        openssl(args.toArray(String[]::new));
        return new Leaf(cert, key);
    }

    /** Revokes {@code leaf} and writes the CA's CRL; returns the CRL file. */
    Path revokeAndWriteCrl(Leaf leaf) throws IOException {
        String cnf = dir.resolve("ca.cnf").toString();
        openssl("ca", "-config", cnf, "-revoke", leaf.cert().toString(), "-keyfile", caKey.toString(),
                "-cert", caCert.toString());
        Path crl = dir.resolve("crl.pem");
        openssl("ca", "-config", cnf, "-gencrl", "-keyfile", caKey.toString(), "-cert", caCert.toString(),
                "-out", crl.toString());
        return crl;
    }

    /** A CRL revoking nothing. */
    Path emptyCrl() throws IOException {
        Path crl = dir.resolve("crl-empty.pem");
        openssl("ca", "-config", dir.resolve("ca.cnf").toString(), "-gencrl", "-keyfile", caKey.toString(),
                "-cert", caCert.toString(), "-out", crl.toString());
        return crl;
    }

    /** A client SSLContext trusting this CA, presenting {@code client} when not null. */
    SSLContext clientContext(Leaf client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(caCert));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (client != null) {
            Path p12 = dir.resolve("client-" + System.nanoTime() + ".p12");
            openssl("pkcs12", "-export", "-in", client.cert().toString(), "-inkey", client.key().toString(),
                    "-out", p12.toString(), "-passout", "pass:test");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, "test".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "test".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Runs {@code openssl args}, failing with its output when it fails. */
    static String openssl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        return run(cmd, 30);
    }

    /** Runs {@code cmd} with a deadline; its combined output, or an exception naming the exit status. */
    static String run(List<String> cmd, int timeoutSeconds) throws IOException {
        Result r = runForResult(cmd, timeoutSeconds, null);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + r.exit() + ": " + r.output());
        }
        return r.output();
    }

    record Result(int exit, String output) {
    }

    /** Runs {@code cmd} with {@code stdin} (or none) and a deadline. */
    static Result runForResult(List<String> cmd, int timeoutSeconds, String stdin) throws IOException {
        Process p = new ProcessBuilder(ExternalTool.resolve(cmd)).redirectErrorStream(true).start();
        try {
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IOException(String.join(" ", cmd) + " did not end in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            p.destroyForcibly();
        }
    }
}
