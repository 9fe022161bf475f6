package io.sluice.proxy.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.AttributeKey;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.sluice.config.proxy.ListenerTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS termination for one stream listener: the certificates it serves (chosen by SNI among exact
 * and wildcard names, the first one the default), TLS 1.2 and 1.3 with Mozilla's "intermediate"
 * cipher list, ALPN, mutual TLS, session tickets with rotating keys (OpenSSL), and the reload of
 * its files.
 *
 * <p>Thread safety: the loaded certificates are one immutable {@link Loaded} published through a
 * volatile field; {@link #install} (event loops) reads it once per connection, {@link #reload}
 * (any thread) replaces it, so a reload never touches a connection under way: open connections
 * keep the context they shook hands with.
 */
public final class TlsTermination {
    /** The protocol versions offered: TLS 1.3 and 1.2, nothing older. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Mozilla's "intermediate" configuration (server side TLS guidelines, v5.7), in IANA names,
     * in its order. The TLS 1.2 DHE suites are kept for the JDK provider; BoringSSL has no DHE and
     * the filter drops what the provider lacks.
     */
    public static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The verified client certificate of a mutual-TLS connection, set before the protocol is installed. */
    public static final AttributeKey<ClientIdentity> CLIENT_IDENTITY = AttributeKey.valueOf("sluice.tls.client");

    /** The TLS version a connection agreed on ({@code TLSv1.2}, {@code TLSv1.3}), set with the identity. */
    public static final AttributeKey<String> TLS_VERSION = AttributeKey.valueOf("sluice.tls.version");

    /** How long a session ticket key encrypts new tickets; it decrypts for one period more. */
    public static final long TICKET_KEY_PERIOD_NANOS = 3_600_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(TlsTermination.class);
    private static final int MAX_CLIENT_HELLO = 16 * 1024;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String listener;
    private final ListenerTls config;
    private final List<String> alpn;
    private final TlsProvider provider;
    private volatile Loaded loaded;
    /**
     * The ticket keys of each certificate (by index), current first: a context of its own per
     * certificate, so a ticket issued under one name never resumes a session under another.
     */
    private volatile OpenSslSessionTicketKey[][] ticketKeys;
    /** Handshakes completed, by TLS version; and failed. Counted from when this termination was made. */
    private final Map<String, java.util.concurrent.atomic.LongAdder> handshakes =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder handshakeFailures = new java.util.concurrent.atomic.LongAdder();

    private TlsTermination(String listener, ListenerTls config, List<String> alpn, TlsProvider provider) {
        this.listener = listener;
        this.config = config;
        this.alpn = List.copyOf(alpn);
        this.provider = provider;
        OpenSslSessionTicketKey[][] keys = new OpenSslSessionTicketKey[config.certificates().size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new OpenSslSessionTicketKey[] {newTicketKey()};
        }
        this.ticketKeys = keys;
        this.loaded = load();
    }

    /**
     * Loads {@code config}'s files for listener {@code listener}.
     *
     * @param alpn the ALPN protocol names to offer, most preferred first ({@code h2},
     *             {@code http/1.1}); empty for none (a TCP or MQTT listener)
     * @throws IllegalArgumentException naming the listener and the file when a certificate, key,
     *                                  CA bundle or CRL cannot be used
     */
    public static TlsTermination create(String listener, ListenerTls config, List<String> alpn) {
        return new TlsTermination(listener, config, alpn, TlsProvider.current());
    }

    public ListenerTls config() {
        return config;
    }

    public TlsProvider provider() {
        return provider;
    }

    /** Handshakes completed, by TLS version ({@code TLSv1.2}, {@code TLSv1.3}): the handshake metric. */
    public Map<String, Long> handshakes() {
        Map<String, Long> out = new LinkedHashMap<>();
        handshakes.forEach((version, n) -> out.put(version, n.sum()));
        return out;
    }

    /** Handshakes that failed (no common version or cipher, a bad or missing client certificate, not TLS). */
    public long handshakeFailures() {
        return handshakeFailures.sum();
    }

    /** Each certificate's first name (or subject) and its notAfter, epoch seconds: the expiry metric. */
    public Map<String, Long> expiries() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Served s : loaded.served) {
            out.put(s.label, s.leaf.getNotAfter().getTime() / 1000);
        }
        return out;
    }

    /**
     * Re-reads the files if any changed (size or modification time) since they were loaded, or
     * always when {@code force}. A file that fails to load leaves the served certificates as they
     * were.
     *
     * @return true when new certificates are served
     * @throws IllegalArgumentException naming the file and the problem, the old ones still served
     */
    public boolean reload(boolean force) {
        Loaded now = loaded;
        if (!force && now.stamps.equals(stamps())) {
            return false;
        }
        Loaded next = load();
        loaded = next;
        log.info("listener '{}': TLS certificates reloaded: {}", listener, next.describe());
        return true;
    }

    /**
     * Starts a new ticket key and keeps the current one for decryption only: tickets issued in the
     * last period still resume, older ones do not. Called every {@link #TICKET_KEY_PERIOD_NANOS}.
     * Does nothing under the JDK provider, which keeps and rotates its own stateless ticket keys.
     */
    public void rotateTicketKeys() {
        OpenSslSessionTicketKey[][] old = ticketKeys;
        OpenSslSessionTicketKey[][] keys = new OpenSslSessionTicketKey[old.length][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new OpenSslSessionTicketKey[] {newTicketKey(), old[i][0]};
        }
        ticketKeys = keys;
        List<Served> served = loaded.served;
        for (int i = 0; i < served.size(); i++) {
            applyTicketKeys(served.get(i).context, keys[i]);
        }
    }

    /**
     * Adds TLS to {@code ch}'s pipeline: SNI picks the certificate; once the handshake succeeds the
     * client identity (mutual TLS) is set in {@link #CLIENT_IDENTITY}, {@code next} is called with
     * the ALPN-chosen protocol (or null without ALPN) and the channel's {@code channelActive} is
     * fired again for the handlers {@code next} added, as they were added after the channel became
     * active. A failed handshake closes the connection. The channel must not auto-read.
     */
    public void install(Channel ch, BiConsumer<Channel, String> next) {
        Loaded l = loaded;
        ch.pipeline().addLast("tls-sni", new SniHandler(l.mapping, MAX_CLIENT_HELLO, HANDSHAKE_TIMEOUT_MILLIS))
                .addLast("tls-handshake", new Handshake(this, next));
    }

    private Loaded load() {
        List<Served> served = new ArrayList<>();
        TrustManagerFactory trust = config.clientAuth() == ListenerTls.ClientAuth.NONE ? null : trust();
        for (int i = 0; i < config.certificates().size(); i++) {
            ListenerTls.Certificate c = config.certificates().get(i);
            String where = "listener '" + listener + "': tls.certificates[" + i + "]: ";
            try {
                List<X509Certificate> chain = CertificateFiles.certificates(c.cert());
                PrivateKey key = CertificateFiles.privateKey(c.key());
                CertificateFiles.checkPair(key, chain.get(0), c.key(), c.cert());
                List<String> names = c.names().isEmpty() ? dnsNames(chain.get(0)) : c.names();
                SslContext ctx = context(key, chain, trust, ticketKeys[i]);
                served.add(new Served(names, chain.get(0), ctx,
                        names.isEmpty() ? chain.get(0).getSubjectX500Principal().getName() : names.get(0)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            } catch (javax.net.ssl.SSLException | RuntimeException e) {
                throw new IllegalArgumentException(where + "cannot use '" + c.cert() + "' with '" + c.key() + "': "
                        + e.getMessage(), e);
            }
        }
        DomainWildcardMappingBuilder<SslContext> b = new DomainWildcardMappingBuilder<>(served.get(0).context);
        // Earlier certificates win a name two of them claim: add later ones first, earlier overwrite.
        for (int i = served.size() - 1; i >= 0; i--) {
            for (String n : served.get(i).names) {
                b.add(n, served.get(i).context);
            }
        }
        return new Loaded(served, b.build(), stamps());
    }

    private SslContext context(PrivateKey key, List<X509Certificate> chain, TrustManagerFactory trust,
                               OpenSslSessionTicketKey[] keys) throws javax.net.ssl.SSLException {
        SslContextBuilder b = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(provider.netty)
                .protocols(PROTOCOLS)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
        if (!alpn.isEmpty()) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        if (trust != null) {
            b.trustManager(trust).clientAuth(config.clientAuth() == ListenerTls.ClientAuth.REQUIRED
                    ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        SslContext ctx = b.build();
        applyTicketKeys(ctx, keys);
        return ctx;
    }

    private static void applyTicketKeys(SslContext ctx, OpenSslSessionTicketKey[] keys) {
        if (ctx.sessionContext() instanceof OpenSslSessionContext s) {
            s.setTicketKeys(keys);
        }
    }

    private TrustManagerFactory trust() {
        String where = "listener '" + listener + "': tls.";
        List<X509Certificate> cas;
        try {
            cas = CertificateFiles.certificates(config.ca());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "ca: " + e.getMessage(), e);
        }
        List<CRL> crls;
        try {
            crls = config.crl() == null ? List.of() : CertificateFiles.crls(config.crl());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "crl: " + e.getMessage(), e);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            PKIXBuilderParameters params = new PKIXBuilderParameters(store, new X509CertSelector());
            params.setRevocationEnabled(!crls.isEmpty());
            if (!crls.isEmpty()) {
                params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(new CertPathTrustManagerParameters(params));
            return tmf;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(where + "ca: cannot build a trust store from '" + config.ca() + "': "
                    + e.getMessage(), e);
        }
    }

    private static List<String> dnsNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if ((Integer) san.get(0) == 2) {
                        out.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // none usable: the certificate is served as the default only
        }
        return out;
    }

    /** Size and modification time of every file, to tell whether one changed. */
    private List<String> stamps() {
        List<Path> files = new ArrayList<>();
        for (ListenerTls.Certificate c : config.certificates()) {
            files.add(c.cert());
            files.add(c.key());
        }
        if (config.ca() != null) {
            files.add(config.ca());
        }
        if (config.crl() != null) {
            files.add(config.crl());
        }
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(f + ":" + Files.size(f) + ":" + Files.getLastModifiedTime(f).toMillis());
            } catch (IOException e) {
                out.add(f + ":missing");
            }
        }
        return out;
    }

    private static OpenSslSessionTicketKey newTicketKey() {
        byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
        byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
        byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
        RANDOM.nextBytes(name);
        RANDOM.nextBytes(hmac);
        RANDOM.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }

    private record Served(List<String> names, X509Certificate leaf, SslContext context, String label) {
    }

    private record Loaded(List<Served> served, Mapping<String, SslContext> mapping, List<String> stamps) {
        String describe() {
            StringBuilder b = new StringBuilder();
            for (Served s : served) {
                b.append(b.length() == 0 ? "" : "; ").append(s.label).append(" ").append(s.names)
                        .append(" until ").append(s.leaf.getNotAfter().toInstant());
            }
            return b.toString();
        }
    }

    /** Reads until the handshake is done, then hands the connection to what comes above TLS. */
    private static final class Handshake extends ChannelInboundHandlerAdapter {
        private final TlsTermination termination;
        private final BiConsumer<Channel, String> next;
        /** A failure was counted: a failed handshake can be reported both as an event and as an exception. */
        private boolean failed;

        Handshake(TlsTermination termination, BiConsumer<Channel, String> next) {
            this.termination = termination;
            this.next = next;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof SslHandshakeCompletionEvent done)) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            if (!done.isSuccess()) {
                countFailure();
                log.debug("TLS handshake from {} failed: {}", ctx.channel().remoteAddress(), done.cause().toString());
                ctx.close();
                return;
            }
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            String version = ssl.engine().getSession().getProtocol();
            if (version != null) {
                ctx.channel().attr(TLS_VERSION).set(version);
                termination.handshakes.computeIfAbsent(version, v -> new java.util.concurrent.atomic.LongAdder())
                        .increment();
            }
            try {
                Certificate[] peer = ssl.engine().getSession().getPeerCertificates();
                if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
                    ctx.channel().attr(CLIENT_IDENTITY).set(ClientIdentity.of(leaf));
                }
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate (client-auth none or optional)
            }
            String chosen = ssl.applicationProtocol();
            String negotiated = chosen == null ? null
                    : ApplicationProtocolNames.HTTP_1_1.equals(chosen) ? "http" : chosen;
            next.accept(ctx.channel(), negotiated);
            ctx.fireChannelActive();
            ctx.pipeline().remove(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Before the handshake completed (this handler leaves when it does): not TLS, or an SNI failure.
            countFailure();
            log.debug("TLS connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }

        private void countFailure() {
            if (!failed) {
                failed = true;
                termination.handshakeFailures.increment();
            }
        }
    }

    @Override
    public String toString() {
        return "TlsTermination[" + listener + ", " + provider.label() + ", alpn " + alpn + ", "
                + loaded.served.size() + " certificates]";
    }
}
