package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request's protocol, the connection's TLS version and the gRPC status, in the access log and
 * the metrics: {@code protocol}, {@code tls_version}, {@code grpc_status};
 * {@code sluice_listener_requests_total{protocol}}, {@code sluice_tls_handshakes_total{version}},
 * {@code sluice_grpc_responses_total{grpc_status}}.
 */
class ProtocolTelemetryTest {
    @TempDir
    Path dir;

    @Test
    void http1AndHttp2OverTlsAreLoggedAndCountedWithTheirProtocolAndTlsVersion() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        TestPki.Leaf local = pki.issue("local", "localhost", "DNS:localhost", "IP:127.0.0.1");
        TestBackend backend = TestBackend.start("b1");
        Path log = dir.resolve("access.log");
        String yaml = "access-log: { path: '" + log + "' }\nworkers: 1\nlisteners:\n  - name: web\n"
                + "    bind: 127.0.0.1:0\n    tls:\n      certificates:\n        - { cert: '" + local.cert()
                + "', key: '" + local.key() + "' }\n    routes:\n      - cluster: c\n"
                + "clusters:\n  - name: c\n    strategy: round-robin\n    backends:\n"
                + "      - { id: b1, address: '" + backend.address() + "' }\n";
        String metrics;
        try (ProxyFixture f = ProxyFixture.start(yaml, List.of(backend))) {
            for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
                HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(null)).version(version)
                        .connectTimeout(Duration.ofSeconds(10)).build();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + f.port()
                        + "/" + version)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.version()).isEqualTo(version);
            }
            metrics = f.proxy.metrics().scrapeText();
            // Plain text where a ClientHello belongs: one failed handshake, counted once.
            try (java.net.Socket plain = new java.net.Socket("127.0.0.1", f.port())) {
                plain.setSoTimeout(10_000);
                plain.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                plain.getInputStream().readAllBytes();
            } catch (java.net.SocketException reset) {
                // the proxy may reset rather than close: the handshake failed either way
            }
            String failed = "sluice_tls_handshake_failures_total{listener=\"web\"} 1.0";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!f.proxy.metrics().scrapeText().contains(failed) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(f.proxy.metrics().scrapeText()).contains(failed);
        }
        // Closing the proxy wrote out every queued line.
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            lines.add(DaemonFixture.JSON.readTree(line));
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("path").asText()).isEqualTo("/HTTP_1_1");
        assertThat(lines.get(0).get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(lines.get(1).get("path").asText()).isEqualTo("/HTTP_2");
        assertThat(lines.get(1).get("protocol").asText()).isEqualTo("HTTP/2");
        for (JsonNode line : lines) {
            // The JDK's client and both TLS providers agree on TLS 1.3.
            assertThat(line.get("tls_version").asText()).isEqualTo("TLSv1.3");
            assertThat(line.get("grpc_status").isNull()).isTrue();
        }
        assertThat(metrics).contains("sluice_listener_requests_total{listener=\"web\",protocol=\"HTTP/1.1\"} 1.0");
        assertThat(metrics).contains("sluice_listener_requests_total{listener=\"web\",protocol=\"HTTP/2\"} 1.0");
        assertThat(metrics).contains("sluice_listener_requests_total{listener=\"web\",protocol=\"HTTP/1.0\"} 0.0");
        // One connection per client: two handshakes.
        assertThat(metrics).contains("sluice_tls_handshakes_total{listener=\"web\",version=\"TLSv1.3\"} 2.0");
        assertThat(metrics).contains("sluice_tls_handshake_failures_total{listener=\"web\"} 0.0");
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
    /** Fails with NOT_FOUND: the backend's trailers-only answer. */
    private static final MethodDescriptor<String, String> FIND = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("sluice.test.Things", "Find"))
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();

    @Test
    void aBackendsGrpcStatusAndTheProxysOwnAreCountedAndLogged() throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("sluice.test.Things")
                        .addMethod(FIND, ServerCalls.asyncUnaryCall((String req, io.grpc.stub.StreamObserver<String> out) ->
                                out.onError(Status.NOT_FOUND.withDescription(req).asRuntimeException())))
                        .build())
                .build().start();
        Path log = dir.resolve("grpc.log");
        String yaml = "access-log: { path: '" + log + "' }\nworkers: 1\nlisteners:\n  - name: web\n"
                + "    bind: 127.0.0.1:0\n    routes:\n      - { name: things, cluster: c }\n"
                + "clusters:\n  - name: c\n    strategy: round-robin\n    upstream: { protocol: h2c }\n"
                + "    retries: { max-retries: 0 }\n    backends:\n"
                + "      - { id: g1, address: '127.0.0.1:" + server.getPort() + "' }\n";
        String metrics;
        ManagedChannel channel = null;
        try (ProxyFixture f = ProxyFixture.start(yaml, List.of())) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", f.port()).usePlaintext().build();
            CallOptions deadline = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
            ManagedChannel ch = channel;
            StatusRuntimeException notFound = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(ch, FIND, deadline, "sensor-9"));
            assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
            // The backend is gone: the proxy answers UNAVAILABLE itself.
            StatusRuntimeException unavailable = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(ch, FIND, deadline, "sensor-10"));
            assertThat(unavailable.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(unavailable.getStatus().getDescription()).as("the proxy's own answer").matches("50[23] .*");
            metrics = f.proxy.metrics().scrapeText();
        } finally {
            if (channel != null) {
                channel.shutdownNow();
                channel.awaitTermination(10, TimeUnit.SECONDS);
            }
            server.shutdownNow();
        }
        String series = "sluice_grpc_responses_total{cluster=\"c\",grpc_status=\"%d\",listener=\"web\",route=\"things\"}";
        assertThat(metrics).contains(String.format(series, 5) + " 1.0");
        assertThat(metrics).contains(String.format(series, 14) + " 1.0");
        assertThat(metrics).contains("sluice_listener_requests_total{listener=\"web\",protocol=\"HTTP/2\"} 2.0");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            lines.add(DaemonFixture.JSON.readTree(line));
        }
        assertThat(lines).hasSize(2);
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.get("protocol").asText()).isEqualTo("HTTP/2");
            assertThat(l.get("tls_version").isNull()).as("h2c: no TLS").isTrue();
        });
        assertThat(lines.get(0).get("grpc_status").asInt()).isEqualTo(5);
        assertThat(lines.get(0).get("status").asInt()).as("a gRPC error travels in a 200").isEqualTo(200);
        assertThat(lines.get(1).get("grpc_status").asInt()).isEqualTo(14);
    }
}
