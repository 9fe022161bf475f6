package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.sluice.algorithms.HealthState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's gRPC cases over three real grpc-java servers behind an {@code upstream.protocol: h2c}
 * cluster: per-call balancing of unary and server-streaming calls, a server killed mid-stream, the
 * client's deadline (grpc-timeout) as the call's deadline at the proxy and at the backend, retries
 * of a backend's UNAVAILABLE ({@code retries.grpc-retry-on}), and the {@code grpc} health-check
 * type against grpc-java's own health service ({@link HealthStatusManager}).
 */
class GrpcCallsTest {
    private static final String SERVICE = "sluice.test.Calls";
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
    /** Answers {@code <backend id>:<request>}, or UNAVAILABLE (trailers-only) while the backend is told to. */
    private static final MethodDescriptor<String, String> WHO = method("Who", MethodDescriptor.MethodType.UNARY);
    /** Streams {@code <backend id>:0} .. {@code <backend id>:n-1} for a request {@code n}. */
    private static final MethodDescriptor<String, String> COUNT = method("Count",
            MethodDescriptor.MethodType.SERVER_STREAMING);
    /** Sends {@code <backend id>:first}, then nothing until cancelled. */
    private static final MethodDescriptor<String, String> HANG = method("Hang",
            MethodDescriptor.MethodType.SERVER_STREAMING);
    /** Never answers; counts its cancellations. */
    private static final MethodDescriptor<String, String> SILENT = method("Silent", MethodDescriptor.MethodType.UNARY);
    /** Answers the time left before the call's deadline as the backend sees it, in nanoseconds ("none" without one). */
    private static final MethodDescriptor<String, String> DEADLINE = method("Deadline",
            MethodDescriptor.MethodType.UNARY);

    private final List<Backend> backends = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private ProxyFixture proxy;

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    }

    /** A grpc-java server on an ephemeral loopback port, with grpc-java's health service. */
    private static final class Backend {
        final String id;
        final Server server;
        final HealthStatusManager health = new HealthStatusManager();
        final AtomicInteger whoCalls = new AtomicInteger();
        final CountDownLatch silentCancelled = new CountDownLatch(1);
        volatile boolean unavailable;

        Backend(String id) throws IOException {
            this.id = id;
            ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                    .addMethod(WHO, ServerCalls.asyncUnaryCall((String req, StreamObserver<String> out) -> {
                        whoCalls.incrementAndGet();
                        if (unavailable) {
                            out.onError(Status.UNAVAILABLE.withDescription(id + " is unavailable").asRuntimeException());
                            return;
                        }
                        out.onNext(id + ":" + req);
                        out.onCompleted();
                    }))
                    .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((String req, StreamObserver<String> out) -> {
                        for (int i = 0; i < Integer.parseInt(req); i++) {
                            out.onNext(id + ":" + i);
                        }
                        out.onCompleted();
                    }))
                    .addMethod(HANG, ServerCalls.asyncServerStreamingCall((String req, StreamObserver<String> out) ->
                            out.onNext(id + ":first")))
                    .addMethod(SILENT, ServerCalls.asyncUnaryCall((String req, StreamObserver<String> out) ->
                            ((ServerCallStreamObserver<String>) out).setOnCancelHandler(silentCancelled::countDown)))
                    .addMethod(DEADLINE, ServerCalls.asyncUnaryCall((String req, StreamObserver<String> out) -> {
                        Deadline d = Context.current().getDeadline();
                        out.onNext(d == null ? "none" : Long.toString(d.timeRemaining(TimeUnit.NANOSECONDS)));
                        out.onCompleted();
                    }))
                    .build();
            health.setStatus(SERVICE, ServingStatus.SERVING);
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(service)
                    .addService(health.getHealthService())
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
        for (Backend b : backends) {
            b.stop();
        }
    }

    /** A proxy routing to an h2c cluster {@code c} of three backends a, b, c; {@code clusterExtra} goes in the cluster. */
    private void start(String strategy, String clusterExtra) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("workers: 2\n");
        y.append("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\n");
        y.append("clusters:\n  - name: c\n    strategy: { name: ").append(strategy).append(" }\n");
        y.append("    upstream: { protocol: h2c }\n");
        y.append(clusterExtra);
        y.append("    backends:\n");
        for (String id : List.of("a", "b", "c")) {
            Backend b = new Backend(id);
            backends.add(b);
            y.append("      - { id: ").append(id).append(", address: '").append(b.address()).append("' }\n");
        }
        proxy = ProxyFixture.start(y.toString(), List.of());
    }

    private ManagedChannel channel() {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
        channels.add(c);
        return c;
    }

    private static CallOptions within(long seconds) {
        return CallOptions.DEFAULT.withDeadlineAfter(seconds, TimeUnit.SECONDS);
    }

    private static String backendOf(String answer) {
        return answer.substring(0, answer.indexOf(':'));
    }

    private HealthState health(String backend) {
        return proxy.proxy.snapshot().cluster("c").health().state(backend);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, TimeUnit.SECONDS.toNanos(15), condition);
    }

    @Test
    void unaryAndServerStreamingCallsAreBalancedPerCallOverThreeServers() throws Exception {
        start("random", "");
        ManagedChannel ch = channel();
        // Every call on the client's one connection picks a backend on its own, uniformly at random:
        // a backend's count over n calls is Binomial(n, 1/3), mean n/3, standard deviation
        // sqrt(n * 1/3 * 2/3). Bounds at 4.5 standard deviations fail a correct proxy with
        // probability about 7e-6 per backend; connection-level balancing puts all n on one backend.
        Map<String, Integer> unary = new HashMap<>();
        int n = 300;
        for (int i = 0; i < n; i++) {
            String answer = ClientCalls.blockingUnaryCall(ch, WHO, within(20), "q" + i);
            assertThat(answer).endsWith(":q" + i);
            unary.merge(backendOf(answer), 1, Integer::sum);
        }
        assertShares(unary, n);
        Map<String, Integer> streams = new HashMap<>();
        int m = 90;
        for (int i = 0; i < m; i++) {
            Iterator<String> it = ClientCalls.blockingServerStreamingCall(ch, COUNT, within(20), "5");
            List<String> got = new ArrayList<>();
            it.forEachRemaining(got::add);
            // A stream is one call: all its messages from the one backend it was balanced to.
            String backend = backendOf(got.get(0));
            assertThat(got).containsExactly(backend + ":0", backend + ":1", backend + ":2", backend + ":3",
                    backend + ":4");
            streams.merge(backend, 1, Integer::sum);
        }
        assertShares(streams, m);
    }

    private static void assertShares(Map<String, Integer> counts, int n) {
        double mean = n / 3.0;
        double sd = Math.sqrt(n * (1 / 3.0) * (2 / 3.0));
        assertThat(counts.keySet()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(counts.values()).allSatisfy(k -> assertThat((double) k).isBetween(mean - 4.5 * sd, mean + 4.5 * sd));
    }

    @Test
    void aServerKilledMidStreamEndsThatStreamWithUnavailableAndLaterCallsGoToTheOthers() throws Exception {
        start("round-robin", "");
        ManagedChannel ch = channel();
        Iterator<String> it = ClientCalls.blockingServerStreamingCall(ch, HANG, within(20), "x");
        String first = it.next();
        String killed = backendOf(first);
        backends.stream().filter(b -> b.id.equals(killed)).findFirst().orElseThrow().stop();
        // The proxy ends the client's stream with a status in its trailers, not a bare reset.
        StatusRuntimeException ended = catchThrowableOfType(StatusRuntimeException.class, it::hasNext);
        assertThat(ended.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(ended.getStatus().getDescription()).contains("mid-call");
        // Calls picked for the dead server fail to connect and are retried on another: none fails.
        Map<String, Integer> after = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            after.merge(backendOf(ClientCalls.blockingUnaryCall(ch, WHO, within(20), "y" + i)), 1, Integer::sum);
        }
        assertThat(after.keySet()).doesNotContain(killed).hasSize(2);
    }

    @Test
    void theClientsDeadlineReachesTheBackendAsAShorterGrpcTimeout() throws Exception {
        start("round-robin", "    timeouts: { response: 20s }\n");
        ManagedChannel ch = channel();
        for (int i = 0; i < 3; i++) {
            // Warm up: the proxy's connection to each backend, so the calls below spend no deadline on it.
            assertThat(ClientCalls.blockingUnaryCall(ch, WHO, within(20), "warm")).endsWith(":warm");
        }
        int answered = 0;
        for (int i = 0; i < 6; i++) {
            String left;
            try {
                left = ClientCalls.blockingUnaryCall(ch, DEADLINE,
                        CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), "d");
            } catch (StatusRuntimeException e) {
                // A loaded machine may spend the 300 ms before the backend answers: that call says nothing.
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                continue;
            }
            answered++;
            // The backend's deadline comes from the grpc-timeout the proxy forwarded: at most what
            // the client gave (300 ms less its own time on the way), never the route's 20 s.
            assertThat(left).isNotEqualTo("none");
            assertThat(Long.parseLong(left)).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        }
        assertThat(answered).isPositive();
        // Without a deadline the backend sees none: the proxy adds no grpc-timeout of its own.
        assertThat(ClientCalls.blockingUnaryCall(ch, DEADLINE, CallOptions.DEFAULT, "d")).isEqualTo("none");
    }

    @Test
    void aBackendThatNeverAnswersIsDeadlineExceededAtTheGrpcTimeoutNotTheRouteTimeout() throws Exception {
        start("round-robin", "    timeouts: { response: 30s }\n");
        // Warm up: a connection from the proxy to each backend, so the deadline below is spent waiting, not connecting.
        ManagedChannel ch = channel();
        for (int i = 0; i < 3; i++) {
            assertThat(ClientCalls.blockingUnaryCall(ch, WHO, within(20), "warm")).endsWith(":warm");
        }
        byte[] message = "x".getBytes(StandardCharsets.UTF_8);
        byte[] frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
        // A hand-made call, so the only clock is the proxy's (grpc-java's client would end the call itself).
        try (RawHttp2Connection h2 = new RawHttp2Connection(proxy.port())) {
            long start = System.nanoTime();
            h2.request(1, "POST", "/" + SERVICE + "/Silent", false, "content-type", "application/grpc",
                    "te", "trailers", "grpc-timeout", "1S");
            h2.data(1, frame, true);
            RawHttp2Connection.Response r = h2.response(1);
            long elapsed = System.nanoTime() - start;
            assertThat(r.status()).isEqualTo(200);
            // Trailers-only: grpc-status in the one HEADERS frame that ends the stream.
            assertThat(r.trailers()).isNull();
            assertThat(r.headers().get("grpc-status").toString()).isEqualTo("4");
            assertThat(r.headers().get("grpc-message").toString()).contains("grpc-timeout");
            // At the call's 1 s, not the route's 30 s (the bound leaves a loaded machine 10 s).
            assertThat(elapsed).isBetween(TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(10));
        }
        // The backend's call ended too: the proxy reset its stream (and told it the deadline, which it
        // enforces itself as well).
        await("the backend's call cancelled", () -> backends.stream().anyMatch(b -> b.silentCancelled.getCount() == 0));
    }

    @Test
    void unavailableFromOneBackendIsRetriedOnAnother() throws Exception {
        start("round-robin", "    retries: { max-retries: 2, grpc-retry-on: [unavailable] }\n");
        backends.get(0).unavailable = true;
        ManagedChannel ch = channel();
        for (int i = 0; i < 30; i++) {
            String answer = ClientCalls.blockingUnaryCall(ch, WHO, within(20), "r" + i);
            // Each call's body was kept and sent again: the answer is for this very request.
            assertThat(answer).isIn("b:r" + i, "c:r" + i);
        }
        // Round robin sent a third of the first attempts to a, and every one of them was retried.
        assertThat(backends.get(0).whoCalls.get()).isBetween(5, 15);
    }

    @Test
    void unavailableIsPassedOnWhenTheClusterDoesNotRetryIt() throws Exception {
        start("round-robin", "    retries: { max-retries: 2 }\n");
        backends.get(0).unavailable = true;
        ManagedChannel ch = channel();
        int failed = 0;
        for (int i = 0; i < 30; i++) {
            try {
                ClientCalls.blockingUnaryCall(ch, WHO, within(20), "r" + i);
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).isEqualTo("a is unavailable");
                failed++;
            }
        }
        assertThat(failed).isEqualTo(backends.get(0).whoCalls.get()).isBetween(5, 15);
    }

    @Test
    void grpcHealthCheckMarksANotServingServerDownAndBackUp() throws Exception {
        // Starts down: healthy only once a check passed. A timeout of 1 s leaves a loaded machine room.
        start("round-robin", "    health-check: { type: grpc, service: " + SERVICE
                + ", interval: 1s, fastinter: 200ms, downinter: 200ms, timeout: 1s, rise: 1, fall: 1,"
                + " initial-state: down }\n");
        await("all backends healthy", () -> List.of("a", "b", "c").stream()
                .allMatch(id -> health(id) == HealthState.HEALTHY));
        Backend c = backends.get(2);
        c.health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
        await("c marked down", () -> health("c") == HealthState.UNHEALTHY);
        ManagedChannel ch = channel();
        for (int i = 0; i < 20; i++) {
            assertThat(ClientCalls.blockingUnaryCall(ch, WHO, within(20), "h" + i)).doesNotStartWith("c:");
        }
        c.health.setStatus(SERVICE, ServingStatus.SERVING);
        await("c back up", () -> health("c") == HealthState.HEALTHY);
        // A service the server does not know is NOT_FOUND (a trailers-only answer): down too.
        c.health.clearStatus(SERVICE);
        await("c down for an unknown service", () -> health("c") == HealthState.UNHEALTHY);
    }
}
