package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC through the proxy with real grpc-java clients and servers (io.grpc, grpc-netty-shaded):
 * the client's one HTTP/2 connection carries every call, and the proxy balances each call on its
 * own over an {@code upstream.protocol: h2c} cluster, relays trailers (grpc-status) and answers
 * its own errors as gRPC statuses. Method descriptors use a plain UTF-8 string marshaller, so no
 * code is generated.
 */
class GrpcProxyTest {
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
    private static final MethodDescriptor<String, String> WHO = method("Who", MethodDescriptor.MethodType.UNARY);
    /** Streams {@code <backend id>:0} .. {@code <backend id>:n-1} for a request {@code n}. */
    private static final MethodDescriptor<String, String> COUNT = method("Count",
            MethodDescriptor.MethodType.SERVER_STREAMING);
    /** Fails with NOT_FOUND and the request as the description: a trailers-only answer from the backend. */
    private static final MethodDescriptor<String, String> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);

    private final List<GrpcBackend> backends = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private ProxyFixture proxy;

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("sluice.test.Echo", name))
                .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    }

    /** A grpc-java server on an ephemeral loopback port that counts the connections made to it. */
    private static final class GrpcBackend {
        final String id;
        final Server server;
        final AtomicInteger connections = new AtomicInteger();

        GrpcBackend(String id) throws IOException {
            this.id = id;
            ServerServiceDefinition service = ServerServiceDefinition.builder("sluice.test.Echo")
                    .addMethod(WHO, ServerCalls.asyncUnaryCall((String req, io.grpc.stub.StreamObserver<String> out) -> {
                        out.onNext(id + ":" + req);
                        out.onCompleted();
                    }))
                    .addMethod(COUNT, ServerCalls.asyncServerStreamingCall(
                            (String req, io.grpc.stub.StreamObserver<String> out) -> {
                                for (int i = 0; i < Integer.parseInt(req); i++) {
                                    out.onNext(id + ":" + i);
                                }
                                out.onCompleted();
                            }))
                    .addMethod(FAIL, ServerCalls.asyncUnaryCall((String req, io.grpc.stub.StreamObserver<String> out) ->
                            out.onError(Status.NOT_FOUND.withDescription(req).asRuntimeException())))
                    .build();
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(service)
                    .addTransportFilter(new ServerTransportFilter() {
                        @Override
                        public io.grpc.Attributes transportReady(io.grpc.Attributes attributes) {
                            connections.incrementAndGet();
                            return attributes;
                        }
                    })
                    .build().start();
        }

        String address() {
            return "127.0.0.1:" + server.getPort();
        }

        void stop() throws InterruptedException {
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
        }
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
        for (GrpcBackend b : backends) {
            b.stop();
        }
    }

    /** A proxy whose listener routes to an h2c cluster of {@code n} gRPC backends a, b, ...; {@code routeExtra} goes under the route. */
    private void start(int n, String routeExtra) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("workers: 2\n");
        y.append("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\n");
        y.append(routeExtra);
        y.append("clusters:\n  - name: c\n    strategy: { name: round-robin }\n    upstream: { protocol: h2c }\n");
        y.append("    backends:\n");
        for (int i = 0; i < n; i++) {
            GrpcBackend b = new GrpcBackend(String.valueOf((char) ('a' + i)));
            backends.add(b);
            y.append("      - { id: ").append(b.id).append(", address: '").append(b.address()).append("' }\n");
        }
        proxy = ProxyFixture.start(y.toString(), List.of());
    }

    private ManagedChannel channel() {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
        channels.add(c);
        return c;
    }

    private static CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Test
    void callsOnOneChannelAreBalancedPerCall() throws Exception {
        start(2, "");
        ManagedChannel ch = channel();
        Map<String, Integer> perBackend = new HashMap<>();
        int calls = 100;
        for (int i = 0; i < calls; i++) {
            String answer = ClientCalls.blockingUnaryCall(ch, WHO, deadline(), "q" + i);
            assertThat(answer).endsWith(":q" + i);
            perBackend.merge(answer.substring(0, answer.indexOf(':')), 1, Integer::sum);
        }
        // Round robin over 2 backends alternates: 50 each. The bound leaves room for a health or
        // reload event that could shift a few picks, and fails for connection-level balancing
        // (all 100 on one backend, since the client opens one connection).
        assertThat(perBackend.keySet()).containsExactlyInAnyOrder("a", "b");
        assertThat(perBackend.values()).allSatisfy(n -> assertThat(n).isBetween(40, 60));
        // Streams over shared connections: one per backend and event loop at most, never one per call.
        for (GrpcBackend b : backends) {
            assertThat(b.connections.get()).as("connections to %s", b.id).isBetween(1, 2);
        }
    }

    @Test
    void serverStreamingCallsAndBackendStatusesPassThrough() throws Exception {
        start(2, "");
        ManagedChannel ch = channel();
        Iterator<String> it = ClientCalls.blockingServerStreamingCall(ch, COUNT, deadline(), "50");
        List<String> got = new ArrayList<>();
        it.forEachRemaining(got::add);
        assertThat(got).hasSize(50);
        String backend = got.get(0).substring(0, 1);
        for (int i = 0; i < 50; i++) {
            assertThat(got.get(i)).isEqualTo(backend + ":" + i);
        }
        // The backend's own status travels in its trailers (a trailers-only answer) through the proxy.
        StatusRuntimeException failed = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(ch, FAIL, deadline(), "no such thing"));
        assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(failed.getStatus().getDescription()).isEqualTo("no such thing");
        // And the channel goes on serving calls after it.
        assertThat(ClientCalls.blockingUnaryCall(ch, WHO, deadline(), "after")).endsWith(":after");
    }

    @Test
    void aDeadBackendIsRoutedAroundAndNoBackendLeftIsUnavailable() throws Exception {
        start(2, "");
        ManagedChannel ch = channel();
        assertThat(ClientCalls.blockingUnaryCall(ch, WHO, deadline(), "warm")).endsWith(":warm");
        backends.get(1).stop();
        // Every call to b now fails to connect and is retried on a (a connect failure is always
        // retried: nothing reached the backend): the client sees no error.
        for (int i = 0; i < 20; i++) {
            assertThat(ClientCalls.blockingUnaryCall(ch, WHO, deadline(), "x" + i)).isEqualTo("a:x" + i);
        }
        backends.get(0).stop();
        StatusRuntimeException failed = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(ch, WHO, deadline(), "none"));
        assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        // The proxy's answer (a gRPC status), not a transport failure of the client's connection.
        assertThat(failed.getStatus().getDescription()).startsWith("503 ");
    }

    @Test
    void aRateLimitedCallIsResourceExhausted() throws Exception {
        start(2, "        rate-limits: [ { name: per-ip, rate: 3/min, burst: 3, key: [client-ip] } ]\n");
        ManagedChannel ch = channel();
        for (int i = 0; i < 3; i++) {
            assertThat(ClientCalls.blockingUnaryCall(ch, WHO, deadline(), "ok" + i)).endsWith(":ok" + i);
        }
        StatusRuntimeException limited = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(ch, WHO, deadline(), "over"));
        assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(limited.getStatus().getDescription()).contains("per-ip");
    }

    @Test
    void curlSeesTheBackendsTrailersThroughAnH2cCluster() throws Exception {
        start(1, "");
        byte[] message = "curl".getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
        java.nio.file.Path body = java.nio.file.Files.createTempFile("grpc-frame", ".bin");
        java.nio.file.Path out = java.nio.file.Files.createTempFile("grpc-answer", ".bin");
        try {
            java.nio.file.Files.write(body, frame.array());
            // -D dumps the response head and, for HTTP/2, the trailers after the body.
            String head = Http2ProxyTest.run("curl", "-sS", "--http2-prior-knowledge", "-D", "-", "-o", out.toString(),
                    "-H", "content-type: application/grpc", "-H", "te: trailers", "--data-binary", "@" + body,
                    "http://127.0.0.1:" + proxy.port() + "/sluice.test.Echo/Who");
            assertThat(head).startsWith("HTTP/2 200").contains("content-type: application/grpc")
                    .contains("grpc-status: 0");
            byte[] answer = java.nio.file.Files.readAllBytes(out);
            assertThat(new String(answer, 5, answer.length - 5, StandardCharsets.UTF_8)).isEqualTo("a:curl");
        } finally {
            java.nio.file.Files.deleteIfExists(body);
            java.nio.file.Files.deleteIfExists(out);
        }
    }

    @Test
    void anHttp1ClientReachesAnH2cBackend() throws Exception {
        start(1, "");
        // One gRPC message by hand: a 0 (uncompressed) flag, a 4-byte length, the bytes.
        byte[] message = "plain".getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.port() + "/sluice.test.Echo/Who"))
                        .timeout(Duration.ofSeconds(20))
                        .header("content-type", "application/grpc")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(frame.array())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/grpc");
        byte[] body = r.body();
        assertThat(body.length).isGreaterThan(5);
        assertThat(new String(body, 5, body.length - 5, StandardCharsets.UTF_8)).isEqualTo("a:plain");
    }
}
