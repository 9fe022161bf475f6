package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.proxy.ProxyConfigs;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The {@code tcp} listener: a byte relay with backpressure both ways, and connect failures sent to
 * another backend. Memory is judged by the proxy's own allocator ({@link StreamingTest.PeakAllocator}):
 * with a producer far faster than its consumer, a relay without backpressure would buffer most of
 * what is sent; with it, a read and a write buffer per direction. 128 MiB goes each way at once and
 * both consumers are slow (64 KiB then a 1 ms pause, about 64 MB/s at most), so an unbounded relay
 * would hold tens of MiB; the bound, 40 MiB, is a few allocator chunks and under a third of one
 * direction's bytes.
 */
class TcpRelayTest {
    private static final long SIZE = 128L * 1024 * 1024;
    private static final long MEMORY_BOUND = 40L * 1024 * 1024;

    static String yaml(String listenerExtra, String clusterExtra, ByteServer... backends) {
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 2\nlisteners:\n")
                .append("  - { name: relay, protocol: tcp, bind: 127.0.0.1:0, cluster: c")
                .append(listenerExtra).append(" }\n")
                .append("clusters:\n  - name: c\n    strategy: round-robin\n").append(clusterExtra)
                .append("    backends:\n");
        for (ByteServer b : backends) {
            y.append("      - { id: ").append(b.id).append(", address: '").append(b.address()).append("' }\n");
        }
        return y.toString();
    }

    /** Writes {@code n} pattern bytes; returns their CRC. */
    static long send(OutputStream out, long n) throws Exception {
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31 + 7);
        }
        long left = n;
        while (left > 0) {
            int k = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, k);
            crc.update(chunk, 0, k);
            left -= k;
        }
        out.flush();
        return crc.getValue();
    }

    /** Reads to the end, pausing 1 ms after each 64 KiB when {@code slow}; returns {count, crc}. */
    static long[] drain(InputStream in, boolean slow) throws Exception {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[64 * 1024];
        long count = 0;
        long sincePause = 0;
        int k;
        while ((k = in.read(buf)) >= 0) {
            crc.update(buf, 0, k);
            count += k;
            sincePause += k;
            if (slow && sincePause >= buf.length) {
                sincePause = 0;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        return new long[] {count, crc.getValue()};
    }

    @Test
    void largeTransfersBothWaysToSlowReadersKeepTheProxysMemoryBounded() throws Exception {
        CompletableFuture<long[]> backendGot = new CompletableFuture<>();
        CompletableFuture<Long> backendSent = new CompletableFuture<>();
        try (ByteServer backend = new ByteServer("b1", s -> {
            Thread reading = new Thread(() -> {
                try {
                    backendGot.complete(drain(s.getInputStream(), true));
                } catch (Exception e) {
                    backendGot.completeExceptionally(e);
                }
            });
            reading.start();
            backendSent.complete(send(s.getOutputStream(), SIZE));
            s.shutdownOutput();
            backendGot.get(2, TimeUnit.MINUTES);
        })) {
            StreamingTest.PeakAllocator allocator = new StreamingTest.PeakAllocator();
            try (Proxy proxy = Proxy.start(ProxyConfigs.parse(yaml("", "", backend)), allocator);
                 Socket client = new Socket("127.0.0.1", proxy.address("relay").getPort())) {
                CompletableFuture<long[]> clientGot = new CompletableFuture<>();
                new Thread(() -> {
                    try {
                        clientGot.complete(drain(client.getInputStream(), true));
                    } catch (Exception e) {
                        clientGot.completeExceptionally(e);
                    }
                }).start();
                long sentCrc = send(client.getOutputStream(), SIZE);
                client.shutdownOutput();
                long[] got = clientGot.get(2, TimeUnit.MINUTES);
                long[] atBackend = backendGot.get(2, TimeUnit.MINUTES);
                assertThat(atBackend).containsExactly(SIZE, sentCrc);
                assertThat(got).containsExactly(SIZE, backendSent.get());
                System.out.println("tcp relay: most memory held by the proxy's allocator: "
                        + allocator.peak.get() / 1024 + " KiB over 2 x " + SIZE / (1024 * 1024) + " MiB");
                assertThat(allocator.peak.get()).as("most memory the proxy's allocator held")
                        .isPositive().isLessThan(MEMORY_BOUND);
            }
            assertThat(backend.failures).isEmpty();
        }
    }

    @Test
    void aBackendThatRefusesConnectionsIsSkippedForTheNextOne() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (ByteServer echo = new ByteServer("live", s -> s.getInputStream().transferTo(s.getOutputStream()))) {
            String y = yaml("", "", echo).replace("    backends:\n",
                    "    backends:\n      - { id: dead, address: '127.0.0.1:" + deadPort + "' }\n");
            try (Proxy proxy = Proxy.start(ProxyConfigs.parse(y))) {
                InetSocketAddress at = proxy.address("relay");
                // Round robin from a random start: among 6 connections about half pick "dead" first.
                for (int i = 0; i < 6; i++) {
                    try (Socket c = new Socket(at.getAddress(), at.getPort())) {
                        c.setSoTimeout(10_000);
                        byte[] msg = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                        c.getOutputStream().write(msg);
                        c.shutdownOutput();
                        assertThat(c.getInputStream().readAllBytes()).isEqualTo(msg);
                    }
                }
                assertThat(echo.accepted.get()).isEqualTo(6);
                assertThat(proxy.snapshot().cluster("c").loadBalancer().endpoint("dead").load().failed())
                        .as("connect failures counted against the dead backend").isPositive();
            }
        }
    }

    @Test
    void withNoBackendLeftTheClientConnectionIsClosed() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        String y = "access-log: { path: \"off\" }\nlisteners:\n"
                + "  - { name: relay, protocol: tcp, bind: 127.0.0.1:0, cluster: c }\n"
                + "clusters:\n  - name: c\n    strategy: round-robin\n    backends:\n      - { id: dead, address: '127.0.0.1:" + deadPort + "' }\n";
        try (Proxy proxy = Proxy.start(ProxyConfigs.parse(y));
             Socket c = new Socket("127.0.0.1", proxy.address("relay").getPort())) {
            c.setSoTimeout(10_000);
            assertThat(c.getInputStream().read()).isEqualTo(-1);
        }
    }
}
