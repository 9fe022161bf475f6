package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.sluice.config.ConfigException;
import io.sluice.config.proxy.ProxyConfigs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from the proxy to its backends ({@code upstream.tls}), against real TLS servers on 127.0.0.1:
 * a JDK {@link HttpsServer} for HTTPS/1.1 (verified against the test CA and the server name; a
 * wrong CA, a wrong name, and a backend that requires a client certificate), and a grpc-java
 * server with TLS for h2 (ALPN h2), with many calls multiplexed on one connection. A failed
 * handshake is a 502 that reached no handler, counted in
 * {@code sluice_upstream_tls_handshake_failures_total{cluster,reason}}.
 */
class UpstreamTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    /** Another CA, unknown to the proxy. */
    static TestPki stranger;
    static TestPki.Leaf backendCert;
    static TestPki.Leaf strangerCert;
    static TestPki.Leaf proxyClient;

    private final List<AutoCloseable> closers = new ArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        stranger = TestPki.create(Files.createDirectories(dir.resolve("stranger")));
        backendCert = pki.issue("backend", "backend", "DNS:backend.test");
        strangerCert = stranger.issue("backend", "backend", "DNS:backend.test");
        proxyClient = pki.issue("proxy-client", "sluice-proxy", "DNS:proxy.test");
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
    }

    /** An HTTPS/1.1 backend: answers {@code ok <client subject or none>}; counts the requests it served. */
    private static final class HttpsBackend implements AutoCloseable {
        final HttpsServer server;
        final AtomicInteger served = new AtomicInteger();
        final ConcurrentLinkedQueue<String> clientSubjects = new ConcurrentLinkedQueue<>();
        private final ExecutorService executor = Executors.newFixedThreadPool(2);

        HttpsBackend(TestPki ca, TestPki.Leaf cert, boolean needClientAuth) throws Exception {
            // The CA's client context holds the leaf as its key and trusts the CA: a server context as well.
            SSLContext ssl = ca == pki ? pki.clientContext(cert) : stranger.clientContext(cert);
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
                @Override
                public void configure(HttpsParameters params) {
                    javax.net.ssl.SSLParameters p = ssl.getDefaultSSLParameters();
                    p.setNeedClientAuth(needClientAuth);
                    params.setSSLParameters(p);
                }
            });
            server.createContext("/", ex -> {
                served.incrementAndGet();
                String subject = "none";
                try {
                    subject = ((X509Certificate) ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                } catch (SSLPeerUnverifiedException e) {
                    // no client certificate
                }
                clientSubjects.add(subject);
                byte[] body = ("ok " + subject).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.setExecutor(executor);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private ProxyFixture proxy(int backendPort, String upstream) throws ConfigException {
        String yaml = "workers: 1\n"
                + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\n"
                + "clusters:\n  - name: c\n    strategy: { name: round-robin }\n"
                + "    backends:\n      - { id: a, address: '127.0.0.1:" + backendPort + "' }\n"
                + "    upstream:\n" + upstream;
        ProxyFixture f = ProxyFixture.start(yaml, List.of());
        closers.add(f);
        return f;
    }

    private HttpsBackend backend(TestPki ca, TestPki.Leaf cert, boolean needClientAuth) throws Exception {
        HttpsBackend b = new HttpsBackend(ca, cert, needClientAuth);
        closers.add(b);
        return b;
    }

    private static String tls(String extra) {
        return "      tls: { ca: '" + pki.caCert + "', server-name: backend.test" + extra + " }\n";
    }

    /** The handshake failures counted for cluster c with {@code reason}; 0 when none. */
    private static double handshakeFailures(ProxyFixture f, String reason) {
        Matcher m = Pattern.compile("sluice_upstream_tls_handshake_failures_total\\{cluster=\"c\",reason=\""
                + reason + "\"} (\\S+)").matcher(f.proxy.metrics().scrapeText());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void anHttpsBackendVerifiedAgainstTheCaServesOverKeptConnections() throws Exception {
        HttpsBackend b = backend(pki, backendCert, false);
        ProxyFixture f = proxy(b.port(), tls(""));
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = f.get("/x");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok none");
        }
        assertThat(b.served.get()).isEqualTo(5);
        assertThat(handshakeFailures(f, "unknown_ca") + handshakeFailures(f, "name_mismatch")).isZero();
    }

    @Test
    void aBackendCertificateFromAnotherCaIsA502AndNothingIsServed() throws Exception {
        HttpsBackend b = backend(stranger, strangerCert, false);
        ProxyFixture f = proxy(b.port(), tls(""));
        HttpResponse<String> r = f.get("/x");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(b.served.get()).isZero();
        assertThat(handshakeFailures(f, "unknown_ca")).isEqualTo(1);
    }

    @Test
    void aCertificateForAnotherNameIsA502() throws Exception {
        HttpsBackend b = backend(pki, backendCert, false);
        ProxyFixture f = proxy(b.port(), "      tls: { ca: '" + pki.caCert + "', server-name: other.test }\n");
        HttpResponse<String> r = f.get("/x");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(b.served.get()).isZero();
        assertThat(handshakeFailures(f, "name_mismatch")).isEqualTo(1);

        // Without a server-name the name verified is the backend's host, 127.0.0.1, which the certificate lacks too.
        ProxyFixture byAddress = proxy(b.port(), "      tls: { ca: '" + pki.caCert + "' }\n");
        assertThat(byAddress.get("/x").statusCode()).isEqualTo(502);
        assertThat(b.served.get()).isZero();
    }

    @Test
    void aFailedHandshakeIsRetriedOnAnotherBackend() throws Exception {
        HttpsBackend strange = backend(stranger, strangerCert, false);
        HttpsBackend good = backend(pki, backendCert, false);
        String yaml = "workers: 1\n"
                + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\n"
                + "clusters:\n  - name: c\n    strategy: { name: round-robin }\n"
                + "    backends:\n      - { id: a, address: '127.0.0.1:" + strange.port() + "' }\n"
                + "      - { id: b, address: '127.0.0.1:" + good.port() + "' }\n"
                + "    upstream:\n" + tls("");
        ProxyFixture f = ProxyFixture.start(yaml, List.of());
        closers.add(f);
        for (int i = 0; i < 4; i++) {
            assertThat(f.get("/x").statusCode()).isEqualTo(200);
        }
        // Every request that tried a first (at least one of four: the retry's pick moves the cursor too) was
        // retried on b, and a request never tries a backend twice.
        assertThat(good.served.get()).isEqualTo(4);
        assertThat(strange.served.get()).isZero();
        assertThat(handshakeFailures(f, "unknown_ca")).isBetween(1.0, 4.0);
    }

    @Test
    void anH2ClusterWhoseBackendDoesNotChooseH2IsA502() throws Exception {
        HttpsBackend http1Only = backend(pki, backendCert, false);
        ProxyFixture f = proxy(http1Only.port(), "      protocol: h2\n" + tls(""));
        assertThat(f.get("/x").statusCode()).isEqualTo(502);
        assertThat(http1Only.served.get()).isZero();
        assertThat(handshakeFailures(f, "alpn")).isEqualTo(1);
    }

    @Test
    void verifyFalseAcceptsAnyCertificate() throws Exception {
        HttpsBackend b = backend(stranger, strangerCert, false);
        ProxyFixture f = proxy(b.port(), "      tls: { verify: false }\n");
        assertThat(f.get("/x").statusCode()).isEqualTo(200);
        assertThat(b.served.get()).isEqualTo(1);
    }

    @Test
    void aBackendThatRequiresAClientCertificateGetsTheConfiguredOne() throws Exception {
        HttpsBackend b = backend(pki, backendCert, true);
        ProxyFixture without = proxy(b.port(), tls(""));
        assertThat(without.get("/x").statusCode()).isEqualTo(502);
        assertThat(b.served.get()).isZero();

        ProxyFixture with = proxy(b.port(), tls(", certificate: '" + proxyClient.cert() + "', key: '"
                + proxyClient.key() + "'"));
        HttpResponse<String> r = with.get("/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok CN=sluice-proxy");
        assertThat(b.clientSubjects).containsExactly("CN=sluice-proxy");
    }

    @Test
    void theJdkProviderVerifiesAndPresentsTheClientCertificateToo() throws Exception {
        HttpsBackend b = backend(pki, backendCert, true);
        String mtls = tls(", certificate: '" + proxyClient.cert() + "', key: '" + proxyClient.key() + "'");
        ProxyFixture ok;
        ProxyFixture wrongName;
        // The provider is chosen when the cluster's context is loaded, at start.
        System.setProperty("sluice.tls.provider", "jdk");
        try {
            ok = proxy(b.port(), mtls);
            wrongName = proxy(b.port(), mtls.replace("server-name: backend.test", "server-name: other.test"));
        } finally {
            System.clearProperty("sluice.tls.provider");
        }
        HttpResponse<String> r = ok.get("/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok CN=sluice-proxy");
        assertThat(wrongName.get("/x").statusCode()).isEqualTo(502);
        assertThat(handshakeFailures(wrongName, "name_mismatch")).isEqualTo(1);
        assertThat(b.served.get()).isEqualTo(1);
    }

    @Test
    void aClientCertificateWithoutItsKeyIsAConfigError() {
        assertThatThrownBy(() -> ProxyConfigs.parse("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n"
                + "    routes: [ { cluster: c } ]\n"
                + "clusters:\n  - name: c\n    strategy: round-robin\n"
                + "    backends: [ { id: a, address: '127.0.0.1:9' } ]\n"
                + "    upstream: { tls: { certificate: '" + proxyClient.cert() + "' } }\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("clusters[0].upstream.tls.key: certificate: is set but key: is missing");
    }

    @Test
    void aBadClientKeyFailsTheStartNamingTheClusterAndFile() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "hello\n");
        assertThatThrownBy(() -> proxy(9, tls(", certificate: '" + proxyClient.cert() + "', key: '" + notAKey + "'")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster 'c' upstream.tls").hasMessageContaining("not-a-key.pem");
    }

    @Test
    void activeHttpChecksSpeakTlsAndAWrongCaMakesTheBackendUnhealthy() throws Exception {
        HttpsBackend good = backend(pki, backendCert, false);
        String check = "    health-check: { type: http, path: /health, interval: 1s, timeout: 1s, rise: 1, fall: 1 }\n";
        ProxyFixture f = proxy(good.port(), tls("") + check);
        // The backend only speaks TLS: a check it answered came over TLS, verified.
        AdaptiveConcurrencyTest.await("a check reached the HTTPS backend", () -> good.served.get() > 0);
        assertThat(f.proxy.snapshot().cluster("c").health().state("a"))
                .isEqualTo(io.sluice.algorithms.HealthState.HEALTHY);

        HttpsBackend strange = backend(stranger, strangerCert, false);
        ProxyFixture g = proxy(strange.port(), tls("") + check);
        AdaptiveConcurrencyTest.await("the backend with a certificate from another CA is unhealthy", () ->
                g.proxy.snapshot().cluster("c").health().state("a") == io.sluice.algorithms.HealthState.UNHEALTHY);
        assertThat(strange.served.get()).isZero();
    }

    @Test
    void aTcpRelayReachesATlsBackend() throws Exception {
        SSLContext ssl = pki.clientContext(backendCert);
        javax.net.ssl.SSLServerSocket listen = (javax.net.ssl.SSLServerSocket) ssl.getServerSocketFactory()
                .createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        closers.add(listen);
        Thread echo = new Thread(() -> {
            try (java.net.Socket s = listen.accept()) {
                InputStream in = s.getInputStream();
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) > 0; ) {
                    s.getOutputStream().write(b, 0, n);
                    s.getOutputStream().flush();
                }
            } catch (IOException ignored) {
                // the test ended the connection
            }
        }, "tls-echo");
        echo.setDaemon(true);
        echo.start();
        ProxyFixture f = ProxyFixture.start("workers: 1\nlisteners:\n"
                + "  - { name: web, protocol: tcp, bind: 127.0.0.1:0, cluster: c }\n"
                + "clusters:\n  - name: c\n    strategy: round-robin\n"
                + "    backends: [ { id: a, address: '127.0.0.1:" + listen.getLocalPort() + "' } ]\n"
                + "    upstream:\n" + tls(""), List.of());
        closers.add(f);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", f.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("hello over tls\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] got = s.getInputStream().readNBytes(15);
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hello over tls\n");
        }
    }

    @Test
    void aReloadReadsTheCaBundleAgain() throws Exception {
        HttpsBackend b = backend(pki, backendCert, false);
        Path ca = dir.resolve("reloaded-ca.pem");
        Files.copy(stranger.caCert, ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String yaml = "access-log: { path: \"off\" }\nworkers: 1\n"
                + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\n"
                + "clusters:\n  - name: c\n    strategy: { name: round-robin }\n"
                + "    backends:\n      - { id: a, address: '127.0.0.1:" + b.port() + "' }\n"
                + "    upstream:\n      tls: { ca: '" + ca + "', server-name: backend.test }\n";
        ProxyFixture f = ProxyFixture.start(yaml, List.of());
        closers.add(f);
        assertThat(f.get("/x").statusCode()).isEqualTo(502);
        // The same config, the file now holding the right CA: the reload loads it, new connections verify with it.
        Files.copy(pki.caCert, ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        f.proxy.reload(ProxyConfigs.parse(yaml));
        assertThat(f.get("/x").statusCode()).isEqualTo(200);
        // A broken file fails the reload and the loaded CA stays in use.
        Files.writeString(ca, "not a certificate\n");
        assertThatThrownBy(() -> f.proxy.reload(ProxyConfigs.parse(yaml)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster 'c' upstream.tls");
        assertThat(f.get("/x").statusCode()).isEqualTo(200);
    }

    private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("sluice.test.Echo", "Echo"))
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();

    @Test
    void h2OverTlsCarriesManyCallsAtOnceOnOneConnection() throws Exception {
        int calls = 20;
        // Every call is held until all of them have arrived: they are in flight together, so multiplexed.
        List<Runnable> held = new ArrayList<>();
        ServerServiceDefinition service = ServerServiceDefinition.builder("sluice.test.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((String req, StreamObserver<String> out) -> {
                    synchronized (held) {
                        held.add(() -> {
                            out.onNext("echo " + req);
                            out.onCompleted();
                        });
                        if (held.size() == calls) {
                            held.forEach(Runnable::run);
                        }
                    }
                }))
                .build();
        AtomicInteger transports = new AtomicInteger();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service)
                .sslContext(GrpcSslContexts.forServer(backendCert.cert().toFile(), backendCert.key().toFile()).build())
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public io.grpc.Attributes transportReady(io.grpc.Attributes attrs) {
                        transports.incrementAndGet();
                        return attrs;
                    }
                })
                .build().start();
        closers.add(() -> {
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
        });
        ProxyFixture f = proxy(server.getPort(), "      protocol: h2\n" + tls(""));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", f.port()).usePlaintext().build();
        closers.add(() -> {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        });
        List<com.google.common.util.concurrent.ListenableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            answers.add(ClientCalls.futureUnaryCall(channel.newCall(ECHO,
                    CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS)), "call-" + i));
        }
        for (int i = 0; i < calls; i++) {
            assertThat(answers.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo call-" + i);
        }
        assertThat(transports.get()).as("one TLS connection from the proxy's one event loop").isEqualTo(1);
    }
}
