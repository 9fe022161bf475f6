package io.sluice.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A keep-alive client on a raw socket that reads responses one by one (Content-Length, chunked or to close). */
final class RawConnection implements AutoCloseable {
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawConnection(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    RawConnection send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one response; {@code head} is true when it answers a HEAD request (no body). */
    Response read(boolean head) throws IOException {
        String status = TestBackend.readLine(in);
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String h;
        while ((h = TestBackend.readLine(in)) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).trim());
        }
        int code = Integer.parseInt(status.substring(9, 12));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (head || code == 204 || code == 304 || code < 200) {
            // no body
        } else if (te != null) {
            while (true) {
                long size = Long.parseLong(TestBackend.readLine(in).split(";")[0], 16);
                if (size == 0) {
                    while (!TestBackend.readLine(in).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes((int) size));
                TestBackend.readLine(in);
            }
        } else if (cl != null) {
            body.write(in.readNBytes(Integer.parseInt(cl.get(0))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(code, headers, body.toByteArray());
    }

    Response read() throws IOException {
        return read(false);
    }

    /** True when the peer closed: the next read ends. */
    boolean closedByPeer() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
