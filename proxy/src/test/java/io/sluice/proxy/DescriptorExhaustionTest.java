package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.proxy.ProxyConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The proxy with its descriptor table full ({@code EMFILE}), the way a load balancer meets it under a
 * connection flood: this JVM's soft open-file limit is lowered with util-linux {@code prlimit} to the
 * descriptors already open, so every new socket fails. Netty fails such a connect on its global executor
 * with a channel that has no event loop; the proxy must answer on the loop it serves from (an HTTP 502,
 * a dropped datagram counted as a failed flow, one WARN naming the cause) and serve again once
 * descriptors are free, with no stray "channel not registered" errors.
 */
class DescriptorExhaustionTest {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void aFullDescriptorTableGivesA503AndACountedFlowFailureThenServingResumes() throws Exception {
        String prlimit = ExternalTool.require("prlimit");
        assertThat(Path.of("/proc/self/fd")).as("Linux /proc").isDirectory();
        // Answers and closes, so that no idle upstream connection is left to reuse: each request connects.
        TestBackend http = TestBackend.start("h", (b, req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return false;
        });
        UdpEchoServer udp = new UdpEchoServer("u");
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        String config = "access-log: { path: \"off\" }\nworkers: 1\nlisteners:\n"
                + "  - name: web\n    bind: 127.0.0.1:0\n    protocol: http\n    routes:\n"
                + "      - { match: { path-prefix: /dead }, cluster: dead }\n"
                + "      - { match: { path-prefix: / }, cluster: web }\n"
                + "  - { name: dgram, bind: 127.0.0.1:0, protocol: udp, cluster: dgram }\n"
                + "clusters:\n"
                + "  - name: web\n    strategy: round-robin\n    health-check: { type: none }\n    backends:\n"
                + "      - { id: h, address: '" + http.address() + "' }\n"
                + "  - name: dead\n    strategy: round-robin\n    health-check: { type: none }\n    backends:\n"
                + "      - { id: d, address: '127.0.0.1:" + closedPort + "' }\n"
                + "  - name: dgram\n    strategy: round-robin\n    health-check: { type: none }\n    backends:\n"
                + "      - { id: u, address: '" + udp.address() + "' }\n";
        List<RandomAccessFile> reserve = new ArrayList<>();
        try (LogCapture datagramLog = new LogCapture(DatagramProxy.class);
             LogCapture nettyLog = new LogCapture(io.netty.util.concurrent.DefaultPromise.class);
             Proxy proxy = Proxy.start(ProxyConfigs.parse(config));
             Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.address("web").getPort());
             DatagramSocket warm = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket device = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(10_000);
            warm.setSoTimeout(10_000);
            device.setSoTimeout(10_000);
            // Every code path once with descriptors to spare: a class loaded from target/classes opens a file.
            assertThat(exchange(client, "GET /dead HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 503");
            assertThat(exchange(client, "GET /warm HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
            assertThat(echo(warm, proxy)).isPositive();
            assertThat(metric(proxy, "sluice_udp_flows{listener=\"dgram\"}")).isEqualTo(1);
            // Descriptors kept back so that the limit can be raised again: prlimit is a new process.
            for (int i = 0; i < 16; i++) {
                reserve.add(new RandomAccessFile("/dev/null", "r"));
            }
            long limit = originalLimit();
            setLimit(prlimit, openDescriptors(), limit);
            List<RandomAccessFile> filler = new ArrayList<>();
            try {
                // Whatever the count missed, or another thread has closed since, is taken up here.
                fill(filler);
                String answer = exchange(client, "GET /full HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(answer).as("no socket to the backend: the client still gets an answer")
                        .startsWith("HTTP/1.1 503");
                fill(filler);
                byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                device.send(new DatagramPacket(ping, ping.length, proxy.address("dgram")));
                await("the datagram's flow failed and was counted",
                        () -> metric(proxy, "sluice_udp_flows_ended_total{listener=\"dgram\",reason=\"failed\"}") >= 1);
            } finally {
                for (RandomAccessFile r : filler) {
                    r.close();
                }
                for (RandomAccessFile r : reserve) {
                    r.close();
                }
                reserve.clear();
                setLimit(prlimit, limit, limit);
            }
            assertThat(metric(proxy, "sluice_udp_flows{listener=\"dgram\"}")).as("the warm-up's flow only: none left behind")
                    .isEqualTo(1);
            assertThat(datagramLog.lines).as("the failure, said once with its cause")
                    .anyMatch(l -> l.startsWith("WARN listener dgram: could not open a flow's socket to backend u"));
            assertThat(exchange(client, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n")).as("served again")
                    .startsWith("HTTP/1.1 200");
            assertThat(echo(device, proxy)).as("the next datagram makes a new flow and is answered").isPositive();
            assertThat(nettyLog.lines).as("every failure was handled on the proxy's loop")
                    .noneMatch(l -> l.contains("An exception was thrown"));
        } finally {
            for (RandomAccessFile r : reserve) {
                r.close();
            }
            udp.close();
            http.close();
        }
    }

    /** Sends one request and reads its answer's head and a body of Content-Length bytes. */
    private static String exchange(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the answer's head, so far: " + head).isNotNegative();
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        assertThat(in.readNBytes(length)).hasSize(length);
        return head.toString();
    }

    /** Opens files into {@code into} until the descriptor table is full. */
    private static void fill(List<RandomAccessFile> into) {
        for (int i = 0; i < 10_000; i++) {
            try {
                into.add(new RandomAccessFile("/dev/null", "r"));
            } catch (IOException full) {
                return;
            }
        }
        throw new IllegalStateException("10,000 files opened and the descriptor table is not full: the limit did not take");
    }

    /** Sends a datagram through the udp listener and returns the length of the answer. */
    private static int echo(DatagramSocket s, Proxy proxy) throws IOException {
        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(ping, ping.length, proxy.address("dgram")));
        DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
        s.receive(reply);
        return reply.getLength();
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count() - 1; // less the listing's own (fill() takes up any slack)
        }
    }

    private static long originalLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no 'Max open files' in /proc/self/limits");
    }

    /** Sets this JVM's soft open-file limit to {@code soft}, keeping the hard one. */
    private static void setLimit(String prlimit, long soft, long hard) throws Exception {
        Process p = new ProcessBuilder(prlimit, "--pid", Long.toString(ProcessHandle.current().pid()),
                "--nofile=" + soft + ":" + hard).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("prlimit ended").isTrue();
        assertThat(p.exitValue()).as("prlimit: " + said).isZero();
    }

    private static double metric(Proxy p, String series) {
        return Scrape.value(p, series, 0);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, DEADLINE_NANOS, condition);
    }
}
