package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's end-to-end case on ONE listener: HTTPS with two SNI certificates ({@code localhost}
 * and {@code api.example.test}) and {@code client-auth: required} with the test CA, HTTP/2 by
 * ALPN, routing {@code /plain} to an HTTP/1.1 backend and everything else to an {@code h2c}
 * cluster of two real grpc-java servers. A grpc-java client, curl and nghttp all present a client
 * certificate; a client without one is refused during the handshake.
 */
class GrpcOverMtlsTest {
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
    /** Answers {@code <backend id>:<request>}. */
    private static final MethodDescriptor<String, String> WHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("sluice.test.Echo", "Who"))
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Leaf local;
    static TestPki.Leaf api;
    static TestPki.Leaf device;

    private final List<Server> grpcBackends = new ArrayList<>();
    private final Map<String, AtomicInteger> callsPerBackend = new HashMap<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private ProxyFixture proxy;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(dir);
        local = pki.issue("local", "localhost", "DNS:localhost", "IP:127.0.0.1");
        api = pki.issue("api", "api", "DNS:api.example.test");
        device = pki.issue("device", "device-1", "DNS:device-1.test");
    }

    @BeforeEach
    void start() throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("workers: 2\n");
        y.append("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n");
        y.append("    tls:\n      certificates:\n");
        for (TestPki.Leaf l : List.of(local, api)) {
            y.append("        - { cert: '").append(l.cert()).append("', key: '").append(l.key()).append("' }\n");
        }
        y.append("      client-auth: required\n      ca: '").append(pki.caCert).append("'\n");
        y.append("    routes:\n");
        y.append("      - { match: { path-prefix: /plain }, cluster: plain }\n");
        y.append("      - cluster: grpc\n");
        y.append("clusters:\n");
        y.append("  - name: grpc\n    strategy: { name: round-robin }\n    upstream: { protocol: h2c }\n");
        y.append("    backends:\n");
        for (String id : List.of("a", "b")) {
            AtomicInteger calls = new AtomicInteger();
            callsPerBackend.put(id, calls);
            ServerServiceDefinition service = ServerServiceDefinition.builder("sluice.test.Echo")
                    .addMethod(WHO, ServerCalls.asyncUnaryCall((String req, io.grpc.stub.StreamObserver<String> out) -> {
                        calls.incrementAndGet();
                        out.onNext(id + ":" + req);
                        out.onCompleted();
                    }))
                    .build();
            Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service)
                    .build().start();
            grpcBackends.add(s);
            y.append("      - { id: ").append(id).append(", address: '127.0.0.1:").append(s.getPort()).append("' }\n");
        }
        TestBackend plain = TestBackend.start("p1");
        y.append("  - name: plain\n    strategy: { name: round-robin }\n    backends:\n");
        y.append("      - { id: p1, address: '").append(plain.address()).append("' }\n");
        proxy = ProxyFixture.start(y.toString(), List.of(plain));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow();
            c.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (proxy != null) {
            proxy.close();
        }
        for (Server s : grpcBackends) {
            s.shutdownNow();
            s.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** A TLS channel to the proxy asking for {@code serverName} by SNI, presenting {@code client} unless null. */
    private ManagedChannel channel(String serverName, TestPki.Leaf client) throws IOException {
        SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(pki.caCert.toFile());
        if (client != null) {
            ssl.keyManager(client.cert().toFile(), client.key().toFile());
        }
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port())
                .overrideAuthority(serverName + ":" + proxy.port())
                .sslContext(ssl.build())
                .build();
        channels.add(c);
        return c;
    }

    private static CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** Records the subject of the server certificate of the TLS session each call ran on. */
    private static final class PeerCertificate implements ClientInterceptor {
        final AtomicReference<String> subject = new AtomicReference<>();

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    ClientCall<Q, R> call = delegate();
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata responseHeaders) {
                            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                            try {
                                subject.set(((X509Certificate) session.getPeerCertificates()[0])
                                        .getSubjectX500Principal().getName());
                            } catch (SSLPeerUnverifiedException e) {
                                subject.set("unverified: " + e.getMessage());
                            }
                            super.onHeaders(responseHeaders);
                        }
                    }, headers);
                }
            };
        }
    }

    @Test
    void grpcCallsOverMutualTlsAreBalancedPerCallAndSeeTheCertificateOfTheNameAsked() throws Exception {
        Map<String, String> expectedSubject = Map.of("localhost", "CN=localhost", "api.example.test", "CN=api");
        Map<String, Integer> perBackend = new HashMap<>();
        int callsPerName = 40;
        for (String name : List.of("api.example.test", "localhost")) {
            PeerCertificate peer = new PeerCertificate();
            Channel ch = ClientInterceptors.intercept(channel(name, device), peer);
            for (int i = 0; i < callsPerName; i++) {
                String answer = ClientCalls.blockingUnaryCall(ch, WHO, deadline(), name + i);
                assertThat(answer).endsWith(":" + name + i);
                perBackend.merge(answer.substring(0, answer.indexOf(':')), 1, Integer::sum);
            }
            assertThat(peer.subject.get()).as("server certificate for SNI %s", name)
                    .isEqualTo(expectedSubject.get(name));
        }
        // Round robin alternates over a and b: 40 each of 80. The bound leaves room for a few shifted
        // picks and fails for connection-level balancing (each channel is one TLS connection, so
        // that would put 40 calls, or all 80, on one backend).
        assertThat(perBackend.keySet()).containsExactlyInAnyOrder("a", "b");
        assertThat(perBackend.values()).allSatisfy(n -> assertThat(n).isBetween(30, 50));
    }

    @Test
    void aGrpcClientWithoutACertificateIsRefused() throws Exception {
        for (String name : List.of("api.example.test", "localhost")) {
            Channel ch = channel(name, null);
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(ch, WHO, deadline(), "no-cert"));
            assertThat(refused).as("call without a client certificate via %s", name).isNotNull();
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
        assertThat(callsPerBackend.values()).allSatisfy(n -> assertThat(n.get()).isZero());
    }

    @Test
    void curlWithAClientCertificateGetsAnHttp2AnswerForEitherName() throws Exception {
        ExternalTool.require("curl");
        String curl = "curl";
        for (String name : List.of("api.example.test", "localhost")) {
            String url = "https://" + name + ":" + proxy.port();
            String resolve = name + ":" + proxy.port() + ":127.0.0.1";
            // -w prints the HTTP version after the body; --cacert makes curl verify the certificate
            // the proxy chose for this name by SNI.
            String out = Http2ProxyTest.run(curl, "-sS", "--http2", "--max-time", "30", "--resolve", resolve,
                    "--cacert", pki.caCert.toString(), "--cert", device.cert().toString(),
                    "--key", device.key().toString(), "-w", " %{http_version} %{response_code}", url + "/plain/x");
            assertThat(out).isEqualTo("p1 2 200");
            // A gRPC call by hand: one uncompressed 5-byte-framed message; -D shows the trailers.
            byte[] message = ("curl-" + name).getBytes(StandardCharsets.UTF_8);
            java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(5 + message.length).put((byte) 0)
                    .putInt(message.length).put(message);
            Path body = dir.resolve("frame-" + name);
            Path answer = dir.resolve("answer-" + name);
            java.nio.file.Files.write(body, frame.array());
            String head = Http2ProxyTest.run(curl, "-sS", "--http2", "--max-time", "30", "--resolve", resolve,
                    "--cacert", pki.caCert.toString(), "--cert", device.cert().toString(),
                    "--key", device.key().toString(), "-D", "-", "-o", answer.toString(),
                    "-H", "content-type: application/grpc", "-H", "te: trailers", "--data-binary", "@" + body,
                    url + "/sluice.test.Echo/Who");
            assertThat(head).startsWith("HTTP/2 200").contains("grpc-status: 0");
            byte[] got = java.nio.file.Files.readAllBytes(answer);
            assertThat(new String(got, 5, got.length - 5, StandardCharsets.UTF_8)).endsWith(":curl-" + name);
        }
        // Without a certificate curl fails the handshake (exit status not 0) and reaches nothing.
        TestPki.Result refused = TestPki.runForResult(List.of(curl, "-sS", "--http2", "--max-time", "30",
                "--resolve", "localhost:" + proxy.port() + ":127.0.0.1", "--cacert", pki.caCert.toString(),
                "https://localhost:" + proxy.port() + "/plain/x"), 60, null);
        assertThat(refused.exit()).as("curl without a certificate: %s", refused.output()).isNotZero();
        assertThat(proxy.backends.get(0).requestCount()).isEqualTo(2);
    }

    @Test
    void nghttpWithAClientCertificateGetsAnAnswer() throws Exception {
        ExternalTool.require("nghttp");
        String nghttp = "nghttp";
        // nghttp has no --resolve: it asks for localhost by SNI (the URI's host) and does not verify.
        String out = Http2ProxyTest.run(nghttp, "--cert=" + device.cert(), "--key=" + device.key(),
                "https://localhost:" + proxy.port() + "/plain/y");
        assertThat(out).isEqualTo("p1");
        assertThat(proxy.backends.get(0).requests.peek().target()).isEqualTo("/plain/y");
    }
}
