package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * 200 MB through the proxy each way, against a slow consumer, while the proxy's allocator records
 * the most memory it ever held. The proxy runs on an allocator of its own ({@link PeakAllocator}, a
 * pooled allocator no one else in the JVM uses), so its used heap + direct memory is the proxy's
 * buffering. Without backpressure the proxy would buffer most of the 200 MB (the producer is far
 * faster than the consumer); with it, it holds about a read and a write buffer per direction. The
 * bound asserted, 48 MiB, is generous for that (a few allocator chunks) and a quarter of the body.
 */
class StreamingTest {
    private static final long SIZE = 200L * 1024 * 1024;
    private static final long MEMORY_BOUND = 48L * 1024 * 1024;

    /** Deterministic bytes: a repeating pattern that is not all one value. */
    static final class Generated extends InputStream {
        private final long size;
        private long pos;
        final CRC32 crc = new CRC32();

        Generated(long size) {
            this.size = size;
        }

        static byte at(long i) {
            return (byte) (i * 31 + (i >>> 11));
        }

        @Override
        public int read() {
            if (pos >= size) {
                return -1;
            }
            byte b = at(pos++);
            crc.update(b);
            return b & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = at(pos + i);
            }
            crc.update(b, off, n);
            pos += n;
            return n;
        }
    }

    static long expectedCrc() {
        Generated g = new Generated(SIZE);
        byte[] buf = new byte[1 << 16];
        while (g.read(buf, 0, buf.length) > 0) {
            // computes the CRC
        }
        return g.crc.getValue();
    }

    /**
     * A pooled allocator that reads its own used memory (heap + direct, the arenas' chunks) right
     * after every buffer it hands out. A pooled allocator's used memory grows only when an
     * allocation takes a new chunk, so reading it there sees every maximum, where a sampler on a
     * timer could fall between a peak and the release that ends it. (A buffer that grows in place
     * reallocates inside its arena without passing here; the next allocation, at most one read
     * later, still sees that chunk unless it was freed in between.)
     */
    static final class PeakAllocator extends PooledByteBufAllocator {
        final AtomicLong peak = new AtomicLong();
        final AtomicLong allocations = new AtomicLong();

        PeakAllocator() {
            super(true);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return noted(super.newDirectBuffer(initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return noted(super.newHeapBuffer(initialCapacity, maxCapacity));
        }

        private ByteBuf noted(ByteBuf b) {
            allocations.incrementAndGet();
            long used = metric().usedDirectMemory() + metric().usedHeapMemory();
            peak.accumulateAndGet(used, Math::max);
            return b;
        }
    }

    @Test
    void a200MegabyteUploadToASlowBackendStreamsWithBoundedMemory() throws Exception {
        // The backend reads 64 KiB, then pauses 1 ms: far slower than the client can send.
        TestBackend slowReader = TestBackend.start("slow", (b, req, out) -> {
            byte[] body = (req.bodyBytes() + " " + req.bodyCrc()).getBytes(StandardCharsets.US_ASCII);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return true;
        });
        PeakAllocator allocator = new PeakAllocator();
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(slowReader), "",
                "    limits: { maxBodyBytes: 1GiB }\n", allocator)) {
            Generated body = new Generated(SIZE);
            slowReader.slowBodyReads = true;
            HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/upload"))
                    .timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body),
                            SIZE)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(SIZE + " " + body.crc.getValue());
            assertBounded(allocator);
        }
    }

    @Test
    void aChunkedUploadStreamsToo() throws Exception {
        TestBackend counter = TestBackend.start("count", (b, req, out) -> {
            byte[] body = (req.header("transfer-encoding") + " " + req.bodyBytes() + " " + req.bodyCrc())
                    .getBytes(StandardCharsets.US_ASCII);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return true;
        });
        long size = 20L * 1024 * 1024;
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(counter), "",
                "    limits: { maxBodyBytes: 1GiB }\n")) {
            Generated body = new Generated(size);
            HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/upload"))
                    .timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("chunked " + size + " " + body.crc.getValue());
        }
    }

    @Test
    void a200MegabyteDownloadToASlowReaderStreamsWithBoundedMemory() throws Exception {
        TestBackend producer = TestBackend.start("fast", (b, req, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + SIZE + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Generated g = new Generated(SIZE);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = g.read(buf, 0, buf.length)) > 0) {
                out.write(buf, 0, n);
            }
            out.flush();
            return true;
        });
        long expected = expectedCrc();
        PeakAllocator allocator = new PeakAllocator();
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(producer), "", "", allocator);
             Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", f.port()), 10_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /download HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            String status = TestBackend.readLine(in);
            assertThat(status).isEqualTo("HTTP/1.1 200 OK");
            String h;
            long length = -1;
            while (!(h = TestBackend.readLine(in)).isEmpty()) {
                if (h.toLowerCase().startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                }
            }
            assertThat(length).isEqualTo(SIZE);
            CRC32 crc = new CRC32();
            byte[] buf = new byte[1 << 16];
            long got = 0;
            long chunks = 0;
            while (got < SIZE) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, SIZE - got));
                if (n < 0) {
                    throw new IOException("download ended at " + got);
                }
                crc.update(buf, 0, n);
                got += n;
                // A slow reader: a pause every 64 KiB or so keeps the socket buffers full all along.
                if (++chunks % 2 == 0) {
                    Thread.sleep(1);
                }
            }
            assertThat(crc.getValue()).isEqualTo(expected);
            assertBounded(allocator);
        }
    }

    private static void assertBounded(PeakAllocator allocator) {
        System.out.println("most memory held by the proxy's allocator: " + allocator.peak.get() / 1024 + " KiB over "
                + allocator.allocations.get() + " allocations");
        // The allocator did serve the proxy's reads (200 MB cannot pass in fewer than 200 MB / 64 KiB of
        // them) and saw memory in use, so the bound below means something.
        assertThat(allocator.allocations.get()).as("allocations by the proxy").isGreaterThan(SIZE / (64 * 1024));
        assertThat(allocator.peak.get()).as("most memory the proxy's allocator held").isPositive()
                .isLessThan(MEMORY_BOUND);
    }
}
