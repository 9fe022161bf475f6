package io.sluice.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A real HTTP/1.1 backend on a loopback socket for the proxy's tests, deliberately independent of
 * Netty and of the proxy's codec: blocking sockets, a thread per connection, a small parser. It
 * records every byte and request it receives, so a test can assert that nothing reached it, and
 * its handler writes whatever raw response a test wants (including broken ones).
 */
final class TestBackend implements AutoCloseable {
    /** A request as the backend read it; header names lower-cased. */
    record Received(String method, String target, String version, Map<String, List<String>> headers,
                    long bodyBytes, long bodyCrc, String bodyText, int connectionId) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }
    }

    /** Thrown by a handler to reset the connection (SO_LINGER 0, then close) instead of answering. */
    static final class ResetConnection extends IOException {
        private static final long serialVersionUID = 1L;

        ResetConnection() {
            super("reset by the test backend");
        }
    }

    /** Writes the response to {@code req} on {@code out}; return false to close the connection after. */
    @FunctionalInterface
    interface Handler {
        boolean handle(TestBackend backend, Received req, OutputStream out) throws IOException;
    }

    final String id;
    private final ServerSocket server;
    private final Handler handler;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicLong bytesReceived = new AtomicLong();
    final ConcurrentLinkedQueue<Received> requests = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    /** When set, request bodies are read 64 KiB at a time with a 1 ms pause between reads. */
    volatile boolean slowBodyReads;

    private TestBackend(String id, Handler handler) throws IOException {
        this.id = id;
        this.handler = handler;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "backend-" + id);
        t.setDaemon(true);
        t.start();
    }

    static TestBackend start(String id) throws IOException {
        return new TestBackend(id, TestBackend::hello);
    }

    static TestBackend start(String id, Handler handler) throws IOException {
        return new TestBackend(id, handler);
    }

    /**
     * A backend that answers like {@link #hello} but holds a request for {@code /slow} until
     * {@code release} opens (at most 30 s), counting {@code arrived} down when it comes in.
     */
    static TestBackend holdingSlow(String id, java.util.concurrent.CountDownLatch arrived,
                                   java.util.concurrent.CountDownLatch release) throws IOException {
        return start(id, (b, req, out) -> {
            if (req.target().equals("/slow")) {
                arrived.countDown();
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return hello(b, req, out);
        });
    }

    /**
     * A backend that answers the first request on each connection like {@link #hello} and resets
     * the connection when a second one arrives on it, without answering: every idle keep-alive
     * connection the proxy pools to it is stale by the time it is reused.
     */
    static TestBackend resettingReusedConnections(String id) throws IOException {
        return new TestBackend(id, (b, req, out) -> {
            long earlier = b.requests.stream().filter(r -> r.connectionId() == req.connectionId()).count();
            if (earlier > 1) {
                throw new ResetConnection();
            }
            return hello(b, req, out);
        });
    }

    /** The default handler: 200 with the backend id as body. */
    static boolean hello(TestBackend b, Received req, OutputStream out) throws IOException {
        byte[] body = b.id.getBytes(StandardCharsets.US_ASCII);
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nx-backend: " + b.id
                + "\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return true;
    }

    int port() {
        return server.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    int requestCount() {
        return requests.size();
    }

    /** Connections open now (accepted and not yet closed by either side). */
    int openConnections() {
        return sockets.size();
    }

    /** Stops accepting and resets every open connection (SO_LINGER 0), like a crashed process. */
    void kill() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    @Override
    public void close() {
        kill();
    }

    private void acceptLoop() {
        AtomicInteger ids = new AtomicInteger();
        while (!closed) {
            try {
                Socket s = server.accept();
                if (closed) {
                    s.close();
                    return;
                }
                connections.incrementAndGet();
                sockets.add(s);
                int cid = ids.incrementAndGet();
                Thread t = new Thread(() -> serve(s, cid), "backend-" + id + "-conn-" + cid);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int cid) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(new CountingInput(s.getInputStream(), bytesReceived), 65536);
            OutputStream out = s.getOutputStream();
            while (!closed) {
                Received req = readRequest(in, cid);
                if (req == null) {
                    return;
                }
                requests.add(req);
                if (!handler.handle(this, req, out)) {
                    return;
                }
                String conn = req.header("connection");
                if (conn != null && conn.equalsIgnoreCase("close")) {
                    return;
                }
            }
        } catch (ResetConnection e) {
            try {
                s.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // closing anyway
            }
        } catch (SocketException e) {
            // reset or killed
        } catch (IOException e) {
            // client went away
        } finally {
            sockets.remove(s);
        }
    }

    private Received readRequest(InputStream in, int cid) throws IOException {
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ");
        if (parts.length != 3) {
            throw new IOException("bad request line: " + line);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String h;
        while ((h = readLine(in)) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).trim());
        }
        CRC32 crc = new CRC32();
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        long n = 0;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        byte[] buf = new byte[65536];
        if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
            while (true) {
                String size = readLine(in);
                if (size == null) {
                    throw new IOException("body ended early");
                }
                long chunk = Long.parseLong(size.split(";")[0].trim(), 16);
                if (chunk == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                n += copy(in, chunk, buf, crc, small);
                readLine(in);
            }
        } else if (cl != null) {
            n += copy(in, Long.parseLong(cl.get(0)), buf, crc, small);
        }
        String text = n <= 65536 ? small.toString(StandardCharsets.ISO_8859_1) : null;
        return new Received(parts[0], parts[1], parts[2], headers, n, crc.getValue(), text, cid);
    }

    private long copy(InputStream in, long count, byte[] buf, CRC32 crc, ByteArrayOutputStream small)
            throws IOException {
        long left = count;
        while (left > 0) {
            if (slowBodyReads) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new IOException("body ended early");
            }
            crc.update(buf, 0, r);
            if (small.size() <= 65536) {
                small.write(buf, 0, r);
            }
            left -= r;
        }
        return count;
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** Counts every byte read from the socket. */
    private static final class CountingInput extends InputStream {
        private final InputStream in;
        private final AtomicLong count;

        CountingInput(InputStream in, AtomicLong count) {
            this.in = in;
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = in.read(b, off, len);
            if (r > 0) {
                count.addAndGet(r);
            }
            return r;
        }
    }
}
