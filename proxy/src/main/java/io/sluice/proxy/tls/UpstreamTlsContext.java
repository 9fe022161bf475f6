package io.sluice.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import io.sluice.config.proxy.ProxyConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS from the proxy to one cluster's backends ({@code upstream.tls}): a client {@link SslContext}
 * loaded from the cluster's files, on the process's {@link TlsProvider}, and the {@link SslHandler}
 * of each new connection. The backend's certificate is verified against the {@code ca} bundle (the
 * JDK's trust store without one) and, by endpoint identification {@code HTTPS} (RFC 2818), against
 * the server name: {@code server-name} when set, else the backend's host. The same name goes out as
 * SNI (host names only; an IP address is sent as none, as RFC 6066 says). With a client certificate
 * the context answers a backend's certificate request (mutual TLS); for {@code upstream.protocol: h2}
 * it offers ALPN {@code h2} only, and a backend that does not choose it fails the handshake.
 *
 * <p>One context per configuration snapshot: a reload loads the files again ({@link #load} with the
 * previous context returns it when neither the settings nor the files' bytes changed, so unchanged
 * clusters keep their pooled connections). Connections made before a reload keep the context they
 * were made with.
 *
 * <p>A failed handshake is counted and logged here ({@link #handshakeFailed}), once per backend and
 * reason at warning level, so a backend with the wrong certificate does not flood the log.
 *
 * <p>Thread-safe.
 */
public final class UpstreamTlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamTlsContext.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final String cluster;
    private final ProxyConfig.UpstreamTls config;
    private final boolean h2;
    private final SslContext context;
    /** The files' bytes when loaded, in the order ca, certificate, key (absent ones left out). */
    private final List<byte[]> contents;
    private final Consumer<String> failures;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    private UpstreamTlsContext(String cluster, ProxyConfig.UpstreamTls config, boolean h2, SslContext context,
                               List<byte[]> contents, Consumer<String> failures) {
        this.cluster = cluster;
        this.config = config;
        this.h2 = h2;
        this.context = context;
        this.contents = contents;
        this.failures = failures;
    }

    /**
     * The context of {@code cluster}'s {@code upstream.tls}: {@code previous} itself when it was made
     * from equal settings and the files still hold the same bytes, else a new one.
     *
     * @param h2       offer ALPN h2 and require it ({@code upstream.protocol: h2})
     * @param failures told the reason of each failed handshake: {@code unknown_ca}, {@code name_mismatch},
     *                 {@code alpn}, {@code alert} or {@code other} (the metric's label)
     * @throws IllegalArgumentException naming the cluster and the file when a file cannot be read or used
     */
    public static UpstreamTlsContext load(String cluster, ProxyConfig.UpstreamTls config, boolean h2,
                                          UpstreamTlsContext previous, Consumer<String> failures) {
        List<byte[]> contents = new ArrayList<>();
        for (Path p : Arrays.asList(config.ca(), config.certificate(), config.key())) {
            if (p != null) {
                contents.add(read(cluster, p));
            }
        }
        if (previous != null && previous.config.equals(config) && previous.h2 == h2
                && sameBytes(previous.contents, contents)) {
            return previous;
        }
        try {
            SslContextBuilder b = SslContextBuilder.forClient()
                    .sslProvider(TlsProvider.current().netty)
                    .protocols(PROTOCOLS);
            if (config.verify()) {
                b.endpointIdentificationAlgorithm("HTTPS");
                if (config.ca() != null) {
                    b.trustManager(CertificateFiles.certificates(config.ca()).toArray(X509Certificate[]::new));
                }
            } else {
                b.endpointIdentificationAlgorithm(null).trustManager(InsecureTrustManagerFactory.INSTANCE);
                LOG.warn("cluster '{}': upstream.tls.verify is false: backend certificates are NOT verified (any"
                        + " certificate, any name is accepted); anyone on the path to the backends can read and"
                        + " change this traffic", cluster);
            }
            if (config.certificate() != null) {
                List<X509Certificate> chain = CertificateFiles.certificates(config.certificate());
                PrivateKey key = CertificateFiles.privateKey(config.key());
                CertificateFiles.checkPair(key, chain.get(0), config.key(), config.certificate());
                b.keyManager(key, chain);
            }
            if (h2) {
                b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2));
            }
            return new UpstreamTlsContext(cluster, config, h2, b.build(), List.copyOf(contents), failures);
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("cluster '" + cluster + "' upstream.tls: " + e.getMessage(), e);
        }
    }

    private static byte[] read(String cluster, Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("cluster '" + cluster + "' upstream.tls: cannot read '" + p + "': " + e, e);
        }
    }

    private static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether connections must negotiate h2 by ALPN. */
    public boolean h2() {
        return h2;
    }

    /** The name sent as SNI and verified for a backend at {@code address}. */
    public String serverName(InetSocketAddress address) {
        return config.serverName() != null ? config.serverName() : address.getHostString();
    }

    /** A new client-side handler for a connection to {@code address}. */
    public SslHandler newHandler(ByteBufAllocator alloc, InetSocketAddress address) {
        String name = serverName(address);
        SSLEngine engine = context.newEngine(alloc, name, address.getPort());
        if (!NetUtil.isValidIpV4Address(name) && !NetUtil.isValidIpV6Address(name)) {
            // The JDK sends SNI by itself only for names with a dot; say it for every host name.
            SSLParameters params = engine.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(name)));
            engine.setSSLParameters(params);
        }
        return new SslHandler(engine);
    }

    /**
     * A handshake with {@code address} failed (or the backend closed the session with an alert):
     * counts it, and logs it the first time this backend fails for this reason.
     *
     * @return the reason label
     */
    public String handshakeFailed(InetSocketAddress address, Throwable cause) {
        String reason = reason(cause);
        failures.accept(reason);
        String message = describe(cause);
        if (logged.add(address + " " + reason)) {
            LOG.warn("cluster '{}': TLS handshake with backend {} (server name {}) failed ({}): {}; further failures"
                    + " of this backend for this reason are only counted (sluice_upstream_tls_handshake_failures_total)",
                    cluster, address, serverName(address), reason, message);
        } else {
            LOG.debug("cluster '{}': TLS handshake with backend {} failed ({}): {}", cluster, address, reason, message);
        }
        return reason;
    }

    /** The metric label of a handshake failure, from the exceptions the trust manager and the engine raise. */
    static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "unknown_ca";
            }
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof CertificateException && (m.contains("no name matching")
                    || m.contains("no subject alternative") || m.contains("does not match"))) {
                return "name_mismatch";
            }
            if (m.contains("alpn")) {
                return "alpn";
            }
            if (m.contains("unable to find valid certification path") || m.contains("pkix path")) {
                return "unknown_ca";
            }
            if (m.contains("alert")) {
                return "alert";
            }
        }
        return "other";
    }

    private static String describe(Throwable cause) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = cause; t != null && b.length() < 400; t = t.getCause()) {
            if (b.length() > 0) {
                b.append(": ");
            }
            b.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
            if (t.getCause() == t) {
                break;
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "UpstreamTlsContext[" + cluster + (h2 ? ", h2" : "") + (config.verify() ? "" : ", verify off")
                + (config.certificate() != null ? ", client certificate" : "") + "]";
    }
}
