package io.sluice.proxy.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessLogTest {
    private static final long HOUR = 3_600_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static AccessLogEntry entry(String id) {
        return AccessLogEntry.builder()
                .time(Instant.parse("2024-03-01T12:00:00.123456Z"))
                .requestId(id)
                .clientAddress("10.0.0.9:51000")
                .method("POST")
                .path("/telemetry?x=1")
                .host("api.example.com")
                .status(200)
                .bytesIn(512)
                .bytesOut(2)
                .durationNanos(12_345_678)
                .startMicros(1_709_294_400_123_456L)
                .affinityKey("dev-9")
                .upstreamHeadNanos(10_000_400)
                .upstreamNanos(11_999_600)
                .backendId("t1")
                .backendAddress("10.0.1.1:9001")
                .attempts(2)
                .cluster("telemetry")
                .route("r0")
                .listener("web")
                .outcome("ok")
                .protocol("HTTP/2")
                .tlsVersion("TLSv1.3")
                .grpcStatus(5)
                .build();
    }

    private static List<JsonNode> parse(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void eachEntryIsOneLineOfJsonWithEveryField() throws Exception {
        Path file = dir.resolve("access.log");
        AccessLog log = AccessLog.open(file.toString());
        assertThat(log.log(entry("r-1"))).isTrue();
        assertThat(log.log(AccessLogEntry.builder().requestId("r-2").status(503).outcome("no_backend").build()))
                .isTrue();
        log.close();

        String text = Files.readString(file);
        assertThat(text).endsWith("\n");
        List<JsonNode> lines = parse(text);
        assertThat(lines).hasSize(2);
        JsonNode a = lines.get(0);
        assertThat(a.get("time").asText()).isEqualTo("2024-03-01T12:00:00.123Z");
        assertThat(a.get("request_id").asText()).isEqualTo("r-1");
        assertThat(a.get("client_address").asText()).isEqualTo("10.0.0.9:51000");
        assertThat(a.get("method").asText()).isEqualTo("POST");
        assertThat(a.get("path").asText()).isEqualTo("/telemetry?x=1");
        assertThat(a.get("host").asText()).isEqualTo("api.example.com");
        assertThat(a.get("status").isInt()).isTrue();
        assertThat(a.get("status").asInt()).isEqualTo(200);
        assertThat(a.get("bytes_in").asLong()).isEqualTo(512);
        assertThat(a.get("bytes_out").asLong()).isEqualTo(2);
        assertThat(a.get("duration_ms").isNumber()).isTrue();
        assertThat(a.get("duration_ms").asDouble()).isEqualTo(12.346);
        assertThat(a.get("upstream_backend").asText()).isEqualTo("t1");
        assertThat(a.get("upstream_address").asText()).isEqualTo("10.0.1.1:9001");
        assertThat(a.get("attempts").asInt()).isEqualTo(2);
        assertThat(a.get("cluster").asText()).isEqualTo("telemetry");
        assertThat(a.get("route").asText()).isEqualTo("r0");
        assertThat(a.get("listener").asText()).isEqualTo("web");
        assertThat(a.get("outcome").asText()).isEqualTo("ok");
        assertThat(a.get("start_us").asLong()).isEqualTo(1_709_294_400_123_456L);
        assertThat(a.get("affinity_key").asText()).isEqualTo("dev-9");
        assertThat(a.get("upstream_ttfb_ms").asDouble()).isEqualTo(10.0);
        assertThat(a.get("upstream_ms").asDouble()).isEqualTo(12.0);
        assertThat(a.get("protocol").asText()).isEqualTo("HTTP/2");
        assertThat(a.get("tls_version").asText()).isEqualTo("TLSv1.3");
        assertThat(a.get("grpc_status").isInt()).isTrue();
        assertThat(a.get("grpc_status").asInt()).isEqualTo(5);
        assertThat(a.size()).isEqualTo(24);

        JsonNode b = lines.get(1);
        assertThat(b.size()).as("the same fields, unknown ones null").isEqualTo(24);
        assertThat(b.get("tls_version").isNull()).isTrue();
        assertThat(b.get("grpc_status").isNull()).as("not a gRPC call: null, not -1").isTrue();
        assertThat(b.get("affinity_key").isNull()).isTrue();
        assertThat(b.get("upstream_ttfb_ms").isNull()).as("no response head: null, not -1").isTrue();
        assertThat(b.get("upstream_ms").isNull()).isTrue();
        assertThat(b.get("time").isNull()).isTrue();
        assertThat(b.get("upstream_backend").isNull()).isTrue();
        assertThat(b.get("status").asInt()).isEqualTo(503);
        assertThat(b.get("attempts").asInt()).isZero();
        assertThat(b.get("outcome").asText()).isEqualTo("no_backend");
        assertThat(log.written()).isEqualTo(2);
        assertThat(log.dropped()).isZero();
    }

    @Test
    void hostileStringsStayInsideTheirLine() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        AccessLog log = AccessLog.to(sink, 16, HOUR, false);
        String path = "/a\"b\\c\r\n{\"forged\":1}\u0000\u2603";
        log.log(AccessLogEntry.builder().path(path).host("h\tx").build());
        log.close();
        String text = sink.toString(StandardCharsets.UTF_8);
        assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
        JsonNode n = parse(text).get(0);
        assertThat(n.get("path").asText()).isEqualTo(path);
        assertThat(n.get("host").asText()).isEqualTo("h\tx");
        assertThat(n.has("forged")).isFalse();
    }

    @Test
    void concurrentProducersBelowCapacityLoseNothing() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int threads = 4;
        int perThread = 10_000;
        AccessLog log = AccessLog.to(sink, threads * perThread, HOUR, false);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        assertThat(log.log(entry(thread + "-" + i))).isTrue();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        log.close();
        List<JsonNode> lines = parse(sink.toString(StandardCharsets.UTF_8));
        Set<String> ids = new HashSet<>();
        for (JsonNode n : lines) {
            ids.add(n.get("request_id").asText());
        }
        assertThat(lines).hasSize(threads * perThread);
        assertThat(ids).hasSize(threads * perThread);
        assertThat(log.written()).isEqualTo(threads * perThread);
        assertThat(log.dropped()).isZero();
    }

    /** A stream whose first write blocks until released, standing in for a stuck disk. */
    private static final class StuckStream extends OutputStream {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            data.write(b, off, len);
        }
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingTheProducer() throws Exception {
        StuckStream stuck = new StuckStream();
        // Flush interval 1 ns: the writer hands its first line to the stream at once, and sticks there.
        AccessLog log = AccessLog.to(stuck, 10, 1, false);
        assertThat(log.log(entry("first"))).isTrue();
        assertThat(stuck.entered.await(20, TimeUnit.SECONDS)).isTrue();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 15; i++) {
            if (log.log(entry("e" + i))) {
                accepted++;
            } else {
                refused++;
            }
        }
        assertThat(accepted).as("the queue's capacity").isEqualTo(10);
        assertThat(refused).isEqualTo(5);
        assertThat(log.dropped()).isEqualTo(5);
        stuck.release.countDown();
        log.close();
        assertThat(parse(stuck.data.toString(StandardCharsets.UTF_8))).hasSize(11);
        assertThat(log.written()).isEqualTo(11);
    }

    @Test
    void closeDrainsEverythingQueuedThenRefuses() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        AtomicInteger closes = new AtomicInteger();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                sink.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                sink.write(b, off, len);
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        AccessLog log = AccessLog.to(counting, 5_000, HOUR, true);
        for (int i = 0; i < 5_000; i++) {
            assertThat(log.log(entry("e" + i))).isTrue();
        }
        log.close();
        assertThat(parse(sink.toString(StandardCharsets.UTF_8))).hasSize(5_000);
        assertThat(closes.get()).isEqualTo(1);
        assertThat(log.log(entry("late"))).isFalse();
        assertThat(log.dropped()).isEqualTo(1);
        log.close();
        assertThat(closes.get()).as("close is idempotent").isEqualTo(1);
    }

    @Test
    void linesAreFlushedPeriodicallyWithoutClose() throws Exception {
        Path file = dir.resolve("periodic.log");
        AccessLog log = AccessLog.open(file.toString(), 100, 10_000_000L);
        try {
            log.log(entry("r-1"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (Files.size(file) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(parse(Files.readString(file))).extracting(n -> n.get("request_id").asText())
                    .containsExactly("r-1");
        } finally {
            log.close();
        }
    }

    @Test
    void dashWritesToStandardOutputAndLeavesItOpen() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        AtomicInteger closes = new AtomicInteger();
        PrintStream replacement = new PrintStream(captured, true, StandardCharsets.UTF_8) {
            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        System.setOut(replacement);
        try {
            AccessLog log = AccessLog.open("-");
            log.log(entry("to-stdout"));
            log.close();
        } finally {
            System.setOut(original);
        }
        assertThat(parse(captured.toString(StandardCharsets.UTF_8)))
                .extracting(n -> n.get("request_id").asText()).containsExactly("to-stdout");
        assertThat(closes.get()).isZero();
    }

    @Test
    void offAcceptsAndWritesNothing() {
        AccessLog log = AccessLog.open("off");
        assertThat(log.log(entry("x"))).isTrue();
        log.close();
        assertThat(log.written()).isZero();
        assertThat(log.dropped()).isZero();
        assertThat(log.failed()).isZero();
    }

    @Test
    void anUnopenablePathIsRejectedNamingIt() {
        Path missing = dir.resolve("no-such-dir").resolve("access.log");
        assertThatThrownBy(() -> AccessLog.open(missing.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("access-log.path")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void badSettingsAreRejected() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertThatThrownBy(() -> AccessLog.to(sink, 0, HOUR, false)).hasMessageContaining("capacity must be > 0");
        assertThatThrownBy(() -> AccessLog.to(sink, 1, 0, false)).hasMessageContaining("flush interval must be > 0");
    }

    @Test
    void anIoErrorLosesOnlyTheLinesOfThatWriteAndIsCounted() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        AtomicInteger writes = new AtomicInteger();
        OutputStream flaky = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (writes.incrementAndGet() == 1) {
                    throw new IOException("disk full");
                }
                sink.write(b, off, len);
            }
        };
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            AccessLog log = AccessLog.to(flaky, 100, 1, false);
            log.log(entry("lost"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (log.failed() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            log.log(entry("kept"));
            log.close();
            assertThat(log.failed()).isEqualTo(1);
            assertThat(log.written()).isEqualTo(1);
        } finally {
            System.setErr(originalErr);
        }
        assertThat(parse(sink.toString(StandardCharsets.UTF_8))).extracting(n -> n.get("request_id").asText())
                .containsExactly("kept");
    }
}
