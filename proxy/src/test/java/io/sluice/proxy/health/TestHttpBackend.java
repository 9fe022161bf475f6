package io.sluice.proxy.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small blocking HTTP/1.1 server on 127.0.0.1 for health check tests, switchable between
 * answering a status, never answering (slow) and closing the connection without a word. It keeps
 * connections alive when the client asks, and records every request head it reads.
 */
final class TestHttpBackend implements AutoCloseable {
    enum Mode {
        /** Answer with the current status. */
        ANSWER,
        /** Read the request and never answer. */
        SLOW,
        /** Read the request and close the connection without a response. */
        CLOSE,
        /** Like CLOSE for one request, then ANSWER. */
        CLOSE_ONCE
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private volatile Mode mode = Mode.ANSWER;
    private volatile int status = 200;

    TestHttpBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "test-http-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code 127.0.0.1:port}, as a backend address. */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    void answer(int newStatus) {
        status = newStatus;
        mode = Mode.ANSWER;
    }

    void mode(Mode newMode) {
        mode = newMode;
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Connections the client closed (end of stream seen). */
    int closedByPeer() {
        return closedByPeer.get();
    }

    /** The next request head read (request line and headers, CRLF-separated), waiting up to 10 s. */
    String nextRequest() throws InterruptedException {
        String r = requests.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request reached the test backend within 10 s");
        }
        return r;
    }

    /** Closes every open connection from the server side, as an idle timeout would. */
    void dropConnections() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "test-http-backend-conn");
                t.setDaemon(true);
                workers.add(t);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (;;) {
                String head = readHead(in);
                if (head == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                requests.add(head);
                Mode m = mode;
                if (m == Mode.CLOSE || m == Mode.CLOSE_ONCE) {
                    if (m == Mode.CLOSE_ONCE) {
                        mode = Mode.ANSWER;
                    }
                    return;
                }
                if (m == Mode.SLOW) {
                    // Never answer; wait for the client to give up and close.
                    while (in.read() >= 0) {
                        // discard
                    }
                    closedByPeer.incrementAndGet();
                    return;
                }
                boolean keep = !head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close");
                String body = "status " + status + "\n";
                String response = "HTTP/1.1 " + status + " X\r\nContent-Length: " + body.length() + "\r\n"
                        + (keep ? "" : "Connection: close\r\n") + "\r\n" + body;
                out.write(response.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!keep) {
                    return;
                }
            }
        } catch (IOException e) {
            // Closed by either side.
        } finally {
            sockets.remove(s);
        }
    }

    /** Reads up to the blank line; null at end of stream before any byte. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (;;) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            buf.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return buf.toString(StandardCharsets.US_ASCII);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        dropConnections();
        acceptor.join(10_000);
        List<Thread> all = new ArrayList<>(workers);
        for (Thread t : all) {
            t.join(10_000);
        }
    }

    /** A port on 127.0.0.1 that nothing listens on: bound once, then closed. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }
}
