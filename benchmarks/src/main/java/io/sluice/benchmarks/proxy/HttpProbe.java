package io.sluice.benchmarks.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One plain HTTP/1.1 {@code GET /} with {@code Connection: close} over a fresh socket: enough to tell
 * that a server is up and which backend answered, with nothing between this and the bytes (no
 * client pool that could keep a connection to the wrong process).
 */
final class HttpProbe {
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;
    private static final int READ_TIMEOUT_MILLIS = 3000;
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private HttpProbe() {
    }

    /** A response: status code and body (the bytes after the blank line, as UTF-8). */
    record Response(int status, String body) {
    }

    /**
     * Sends one GET to 127.0.0.1:{@code port}.
     *
     * @throws IOException when the connection fails or the answer is not an HTTP/1.x response
     */
    static Response get(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Loopback.HOST, port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + Loopback.address(port) + "\r\nUser-Agent: sluice-proxy-bench"
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES);
            return parse(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    static Response parse(String raw) throws IOException {
        if (!raw.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: '" + raw.lines().findFirst().orElse("") + "'");
        }
        int firstSpace = raw.indexOf(' ');
        int status;
        try {
            status = Integer.parseInt(raw.substring(firstSpace + 1, firstSpace + 4));
        } catch (RuntimeException e) {
            throw new IOException("no status code in '" + raw.lines().findFirst().orElse("") + "'", e);
        }
        int headersEnd = raw.indexOf("\r\n\r\n");
        return new Response(status, headersEnd < 0 ? "" : raw.substring(headersEnd + 4));
    }

    /**
     * Probes until a {@code 200} arrives or {@code timeout} passes, giving up early when {@code
     * process} (the server) has exited.
     *
     * @return the first 200 response
     * @throws IOException describing the last failure when none arrived in time
     */
    static Response awaitOk(int port, Process process, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no attempt";
        while (true) {
            if (process != null && !process.isAlive()) {
                throw new IOException("exited with code " + process.exitValue() + " before answering");
            }
            try {
                Response response = get(port);
                if (response.status() == 200) {
                    return response;
                }
                last = "status " + response.status();
            } catch (IOException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("no 200 from " + Loopback.address(port) + " within " + timeout.toSeconds()
                        + " s (last: " + last + ")");
            }
            Thread.sleep(200);
        }
    }
}
