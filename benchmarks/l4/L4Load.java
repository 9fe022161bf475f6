import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The load generator and backends of benchmarks/l4/run.sh: L4 relay throughput through a proxy, the same
 * for Sluice, HAProxy and NGINX. One file run by the JDK's source launcher ({@code java L4Load.java ...}),
 * so the benchmark needs no build of its own and no generator of its own language's making on the box.
 *
 * <pre>
 *   java L4Load.java serve --tcp-echo PORT --tcp-source PORT --udp-echo PORT [--threads N]
 *   java L4Load.java bulk --target HOST:PORT [--connections 8] [--duration 10s]
 *   java L4Load.java rr   --target HOST:PORT [--connections 32] [--size 64] [--duration 10s]
 *   java L4Load.java udp  --target HOST:PORT [--sockets 32] [--size 64] [--duration 10s] [--timeout 200ms]
 * </pre>
 *
 * <ul>
 *   <li>{@code bulk}: each connection sends one byte, the {@code --tcp-source} backend answers with an endless
 *       stream of 64 KiB writes, the client counts what it reads: MB/s delivered through the proxy.</li>
 *   <li>{@code rr}: each connection writes {@code --size} bytes and reads them back from the {@code --tcp-echo}
 *       backend, again and again (closed loop, one outstanding per connection): round trips/s and their
 *       latency percentiles.</li>
 *   <li>{@code udp}: each socket (its own source port, so its own flow in the proxy) sends a datagram carrying a
 *       sequence number and waits for the {@code --udp-echo} backend's copy (closed loop); a copy not back within
 *       {@code --timeout} is counted lost and the next is sent. Round trips/s and latency percentiles.</li>
 * </ul>
 *
 * Latency is closed loop (from a request's send to its answer; the next request waits), so there is no
 * coordinated-omission correction: a stall lowers the rate and shows in the percentiles of the requests it
 * delayed. Every latency is kept (a sorted array at the end: exact percentiles). Output: one line
 * {@code result mode=... rate=... unit=... p50_ms=... p99_ms=... p999_ms=... errors=...} on standard out.
 */
public final class L4Load {
    private static final int SOURCE_CHUNK = 64 * 1024;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("a mode: serve | bulk | rr | udp");
        }
        Map<String, String> options = options(args);
        switch (args[0]) {
            case "serve" -> serve(options);
            case "bulk" -> bulk(options);
            case "rr" -> requestResponse(options);
            case "udp" -> udp(options);
            default -> usage("unknown mode " + args[0] + "; modes: serve | bulk | rr | udp");
        }
    }

    // ---- backends ----

    private static void serve(Map<String, String> options) throws Exception {
        int threads = integer(options, "--threads", 2);
        List<Thread> acceptors = new ArrayList<>();
        if (options.containsKey("--tcp-echo")) {
            ServerSocket echo = listen(integer(options, "--tcp-echo", 0));
            acceptors.add(daemon("tcp-echo", () -> accept(echo, L4Load::echo)));
        }
        if (options.containsKey("--tcp-source")) {
            ServerSocket source = listen(integer(options, "--tcp-source", 0));
            acceptors.add(daemon("tcp-source", () -> accept(source, L4Load::source)));
        }
        if (options.containsKey("--udp-echo")) {
            int port = integer(options, "--udp-echo", 0);
            // One socket per thread on the same port (SO_REUSEPORT): the kernel spreads the flows over them by
            // their 4-tuple, so the backend is not the one thread everything waits on.
            for (int i = 0; i < threads; i++) {
                DatagramChannel channel = DatagramChannel.open();
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
                channel.bind(new InetSocketAddress("127.0.0.1", port));
                acceptors.add(daemon("udp-echo-" + i, () -> udpEcho(channel)));
            }
        }
        if (acceptors.isEmpty()) {
            usage("serve needs --tcp-echo, --tcp-source or --udp-echo");
        }
        System.out.println("serving " + options);
        for (Thread acceptor : acceptors) {
            acceptor.join();
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        return server;
    }

    private interface SocketTask {
        void run(Socket socket) throws IOException;
    }

    private static void accept(ServerSocket server, SocketTask task) {
        while (true) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                daemon("conn", () -> {
                    try (socket) {
                        task.run(socket);
                    } catch (IOException closed) {
                        // the client (or the proxy) went away: this connection is done
                    }
                });
            } catch (IOException e) {
                System.err.println("accept failed: " + e);
                return;
            }
        }
    }

    private static void echo(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
    }

    private static void source(Socket socket) throws IOException {
        if (socket.getInputStream().read() < 0) {
            return;
        }
        OutputStream out = socket.getOutputStream();
        byte[] chunk = new byte[SOURCE_CHUNK];
        Arrays.fill(chunk, (byte) 'x');
        while (true) {
            out.write(chunk);
        }
    }

    private static void udpEcho(DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        try {
            while (true) {
                buffer.clear();
                var from = channel.receive(buffer);
                buffer.flip();
                channel.send(buffer, from);
            }
        } catch (IOException e) {
            System.err.println("udp echo failed: " + e);
        }
    }

    // ---- load ----

    /** What one client thread measured. Written by that thread only, read after it ends. */
    private static final class Tally {
        long operations;
        long bytes;
        long errors;
        boolean started;
        long[] latencies = new long[1024];

        void record(long nanos) {
            if (operations == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[(int) operations++] = nanos;
        }
    }

    private interface Client {
        /**
         * Connects, then {@link #awaitStart}s with the others and runs for {@code length} nanoseconds from the
         * common start, counting into {@code tally}.
         */
        void run(int index, CountDownLatch ready, long[] start, long length, Tally tally) throws Exception;
    }

    private static void bulk(Map<String, String> options) throws Exception {
        InetSocketAddress target = target(options);
        run("bulk", integer(options, "--connections", 8), duration(options, "--duration", "10s"),
                (index, ready, start, length, tally) -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(target, 10_000);
                        socket.setSoTimeout(10_000);
                        socket.setReceiveBufferSize(1 << 20);
                        InputStream in = socket.getInputStream();
                        byte[] buffer = new byte[SOURCE_CHUNK];
                        long deadline = awaitStart(ready, start, length, tally);
                        socket.getOutputStream().write('g');
                        while (System.nanoTime() < deadline) {
                            int n = in.read(buffer);
                            if (n < 0) {
                                tally.errors++;
                                return;
                            }
                            tally.bytes += n;
                        }
                    }
                });
    }

    private static void requestResponse(Map<String, String> options) throws Exception {
        InetSocketAddress target = target(options);
        int size = integer(options, "--size", 64);
        run("rr", integer(options, "--connections", 32), duration(options, "--duration", "10s"),
                (index, ready, start, length, tally) -> {
                    try (Socket socket = new Socket()) {
                        socket.setTcpNoDelay(true);
                        socket.connect(target, 10_000);
                        socket.setSoTimeout(10_000);
                        InputStream in = socket.getInputStream();
                        OutputStream out = socket.getOutputStream();
                        byte[] request = new byte[size];
                        Arrays.fill(request, (byte) ('a' + index % 26));
                        byte[] answer = new byte[size];
                        long deadline = awaitStart(ready, start, length, tally);
                        long now;
                        while ((now = System.nanoTime()) < deadline) {
                            out.write(request);
                            for (int got = 0; got < size; ) {
                                int n = in.read(answer, got, size - got);
                                if (n < 0) {
                                    tally.errors++;
                                    return;
                                }
                                got += n;
                            }
                            if (answer[size - 1] != request[size - 1]) {
                                tally.errors++;
                            }
                            tally.record(System.nanoTime() - now);
                        }
                    }
                });
    }

    private static void udp(Map<String, String> options) throws Exception {
        InetSocketAddress target = target(options);
        int size = Math.max(8, integer(options, "--size", 64));
        int timeoutMillis = (int) Math.max(1, duration(options, "--timeout", "200ms") / 1_000_000);
        run("udp", integer(options, "--sockets", 32), duration(options, "--duration", "10s"),
                (index, ready, start, length, tally) -> {
                    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                        socket.connect(target);
                        socket.setSoTimeout(timeoutMillis);
                        byte[] request = new byte[size];
                        byte[] answer = new byte[size + 1];
                        DatagramPacket out = new DatagramPacket(request, size);
                        DatagramPacket in = new DatagramPacket(answer, answer.length);
                        ByteBuffer sequenceOut = ByteBuffer.wrap(request);
                        ByteBuffer sequenceIn = ByteBuffer.wrap(answer);
                        long deadline = awaitStart(ready, start, length, tally);
                        long now;
                        for (long sequence = 0; (now = System.nanoTime()) < deadline; sequence++) {
                            sequenceOut.putLong(0, sequence);
                            socket.send(out);
                            while (true) {
                                try {
                                    in.setLength(answer.length);
                                    socket.receive(in);
                                } catch (SocketTimeoutException lost) {
                                    tally.errors++;
                                    break;
                                }
                                // A late copy of an earlier, already counted-lost datagram is skipped.
                                if (in.getLength() == size && sequenceIn.getLong(0) == sequence) {
                                    tally.record(System.nanoTime() - now);
                                    break;
                                }
                            }
                        }
                    }
                });
    }

    private static long awaitStart(CountDownLatch ready, long[] start, long length, Tally tally)
            throws InterruptedException {
        tally.started = true;
        ready.countDown();
        ready.await();
        synchronized (start) {
            if (start[0] == 0) {
                start[0] = System.nanoTime();
            }
            return start[0] + length;
        }
    }

    /**
     * Starts {@code clients} threads, each connecting first; the clock starts when all are connected (a
     * connect failure counts as an error and releases the others). Prints the result line.
     */
    private static void run(String mode, int clients, long length, Client client) throws Exception {
        if (clients < 1) {
            usage("need at least 1 connection or socket, got " + clients);
        }
        CountDownLatch ready = new CountDownLatch(clients);
        long[] start = new long[1];
        Tally[] tallies = new Tally[clients];
        Thread[] threads = new Thread[clients];
        for (int i = 0; i < clients; i++) {
            int index = i;
            Tally tally = tallies[i] = new Tally();
            threads[i] = daemon(mode + "-" + i, () -> {
                try {
                    client.run(index, ready, start, length, tally);
                } catch (Exception e) {
                    tally.errors++;
                    System.err.println(mode + " client " + index + ": " + e);
                } finally {
                    if (!tally.started) {
                        ready.countDown();
                    }
                }
            });
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.NANOSECONDS.toMillis(length) + 60_000);
        }
        long elapsed;
        synchronized (start) {
            elapsed = start[0] == 0 ? length : Math.max(length, System.nanoTime() - start[0]);
        }
        long operations = 0;
        long bytes = 0;
        long errors = 0;
        for (Tally tally : tallies) {
            operations += tally.operations;
            bytes += tally.bytes;
            errors += tally.errors;
        }
        long[] latencies = new long[(int) operations];
        int at = 0;
        for (Tally tally : tallies) {
            System.arraycopy(tally.latencies, 0, latencies, at, (int) tally.operations);
            at += (int) tally.operations;
        }
        Arrays.sort(latencies);
        double seconds = elapsed / 1e9;
        if (mode.equals("bulk")) {
            System.out.printf(Locale.ROOT, "result mode=bulk rate=%.1f unit=MB/s bytes=%d seconds=%.2f connections=%d errors=%d%n",
                    bytes / 1e6 / seconds, bytes, seconds, clients, errors);
        } else {
            System.out.printf(Locale.ROOT,
                    "result mode=%s rate=%.0f unit=/s count=%d seconds=%.2f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f clients=%d errors=%d%n",
                    mode, operations / seconds, operations, seconds, percentile(latencies, 0.50),
                    percentile(latencies, 0.99), percentile(latencies, 0.999), clients, errors);
        }
    }

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds; NaN when there is none. */
    private static double percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    // ---- options ----

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("options come as --name value pairs; got " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static InetSocketAddress target(Map<String, String> options) {
        String target = options.get("--target");
        int colon = target == null ? -1 : target.lastIndexOf(':');
        if (colon < 1) {
            usage("--target HOST:PORT is required, got " + target);
        }
        return new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
    }

    private static int integer(Map<String, String> options, String name, int fallback) {
        String value = options.get(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage(name + " must be a whole number, got " + value);
            return fallback;
        }
    }

    /** {@code 10s}, {@code 200ms} or {@code 2m} in nanoseconds. */
    private static long duration(Map<String, String> options, String name, String fallback) {
        String value = options.getOrDefault(name, fallback);
        try {
            if (value.endsWith("ms")) {
                return TimeUnit.MILLISECONDS.toNanos(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.endsWith("s")) {
                return TimeUnit.SECONDS.toNanos(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.endsWith("m")) {
                return TimeUnit.MINUTES.toNanos(Long.parseLong(value.substring(0, value.length() - 1)));
            }
        } catch (NumberFormatException e) {
            // fall through to the usage message
        }
        usage(name + " must be a duration like 200ms, 10s or 2m, got " + value);
        return 0;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void usage(String problem) {
        System.err.println("L4Load: " + problem);
        System.err.println("usage: java L4Load.java serve --tcp-echo PORT --tcp-source PORT --udp-echo PORT [--threads N]");
        System.err.println("       java L4Load.java bulk|rr|udp --target HOST:PORT [--connections N | --sockets N]"
                + " [--size BYTES] [--duration 10s] [--timeout 200ms]");
        System.exit(2);
    }
}
