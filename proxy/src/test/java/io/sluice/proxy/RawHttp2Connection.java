package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/2 client connection (h2c, prior knowledge) that writes and reads raw frames over a
 * blocking socket, for tests that need what curl and nghttp cannot do on demand (reset one stream
 * and go on using the connection, watch for a GOAWAY). HPACK is Netty's (one encoder and one
 * decoder per connection, as the dynamic tables require); everything else is written by hand.
 *
 * <p>Not thread-safe: one test thread.
 */
final class RawHttp2Connection implements AutoCloseable {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;
    /** SETTINGS_INITIAL_WINDOW_SIZE, the identifier of the setting in a SETTINGS frame. */
    static final int INITIAL_WINDOW_SIZE = 0x4;
    /** The largest frame payload a peer accepts until it says otherwise (SETTINGS_MAX_FRAME_SIZE). */
    static final int MAX_FRAME_SIZE = 16_384;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int ACK = 0x1;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One frame as read; {@code headers} is the decoded block of a HEADERS frame, else null. */
    record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {
        boolean endStream() {
            return (flags & END_STREAM) != 0 && (type == DATA || type == HEADERS);
        }

        /** The error code of a RST_STREAM or GOAWAY frame. */
        long errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xffL) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8)
                    | (payload[at + 3] & 0xff);
        }

        /** The last stream id of a GOAWAY frame. */
        int lastStreamId() {
            return ((payload[0] & 0x7f) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8)
                    | (payload[3] & 0xff);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true);
    private final String authority;

    /** Connects, sends the preface and an empty SETTINGS frame. */
    RawHttp2Connection(int port) throws IOException {
        this(port, 0);
    }

    /**
     * Connects, sends the preface and a SETTINGS frame with {@code settings} (identifier, value,
     * identifier, value, ...).
     *
     * @param receiveBuffer the socket's receive buffer in bytes (a small one makes a client that
     *                      does not read fill the proxy's buffers sooner); 0 for the system's
     */
    RawHttp2Connection(int port, int receiveBuffer, int... settings) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        authority = "127.0.0.1:" + port;
        out.write(PREFACE);
        byte[] payload = new byte[settings.length / 2 * 6];
        for (int i = 0; i + 1 < settings.length; i += 2) {
            int at = i / 2 * 6;
            payload[at] = (byte) (settings[i] >>> 8);
            payload[at + 1] = (byte) settings[i];
            payload[at + 2] = (byte) (settings[i + 1] >>> 24);
            payload[at + 3] = (byte) (settings[i + 1] >>> 16);
            payload[at + 4] = (byte) (settings[i + 1] >>> 8);
            payload[at + 5] = (byte) settings[i + 1];
        }
        frame(SETTINGS, 0, 0, payload);
    }

    /** The authority requests carry: the proxy's address. */
    String authority() {
        return authority;
    }

    /** Opens stream {@code streamId} with a request for {@code path}; {@code endStream} when it has no body. */
    RawHttp2Connection request(int streamId, String method, String path, boolean endStream) throws IOException {
        return request(streamId, method, path, endStream, new String[0]);
    }

    /** As above, with extra header fields {@code nameValues} (name, value, name, value, ...), sent as they are. */
    RawHttp2Connection request(int streamId, String method, String path, boolean endStream, String... nameValues)
            throws IOException {
        Http2Headers h = new DefaultHttp2Headers(false).method(method).path(path).scheme("http").authority(authority);
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return headers(streamId, h, endStream);
    }

    /**
     * Opens stream {@code streamId} with exactly the fields {@code h}, in their order, unchecked (so
     * a malformed request can be sent); a block larger than a frame goes on in CONTINUATION frames.
     */
    RawHttp2Connection headers(int streamId, Http2Headers h, boolean endStream) throws IOException {
        byte[] b = headerBlock(streamId, h);
        int first = Math.min(b.length, MAX_FRAME_SIZE);
        boolean one = first == b.length;
        frame(HEADERS, (one ? END_HEADERS : 0) | (endStream ? END_STREAM : 0), streamId,
                java.util.Arrays.copyOfRange(b, 0, first));
        for (int at = first; at < b.length; at += MAX_FRAME_SIZE) {
            int end = Math.min(b.length, at + MAX_FRAME_SIZE);
            frame(CONTINUATION, end == b.length ? END_HEADERS : 0, streamId, java.util.Arrays.copyOfRange(b, at, end));
        }
        return this;
    }

    /** {@code h} HPACK-encoded by this connection's encoder (so its dynamic table stays in step with the proxy's). */
    byte[] headerBlock(int streamId, Http2Headers h) throws IOException {
        ByteBuf block = Unpooled.buffer();
        try {
            encoder.encodeHeaders(streamId, h, block);
            byte[] b = new byte[block.readableBytes()];
            block.readBytes(b);
            return b;
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            block.release();
        }
    }

    /** The request fields {@link #request} sends, for a test to change before {@link #headers}. */
    Http2Headers requestHeaders(String method, String path) {
        return new DefaultHttp2Headers(false).method(method).path(path).scheme("http").authority(authority);
    }

    RawHttp2Connection data(int streamId, byte[] data, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, streamId, data);
        return this;
    }

    /** Resets stream {@code streamId} with error code {@code code} (8 is CANCEL). */
    RawHttp2Connection reset(int streamId, int code) throws IOException {
        frame(RST_STREAM, 0, streamId, new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8),
                (byte) code});
        return this;
    }

    /** Writes one frame as it is, whatever it says. */
    RawHttp2Connection frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        out.write(frameBytes(type, flags, streamId, payload));
        out.flush();
        return this;
    }

    /** Writes {@code bytes} as they are (frames made with {@link #frameBytes}, many at once). */
    RawHttp2Connection write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** One frame's bytes: the 9-byte frame header, then {@code payload}. */
    static byte[] frameBytes(int type, int flags, int streamId, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (streamId >>> 24);
        f[6] = (byte) (streamId >>> 16);
        f[7] = (byte) (streamId >>> 8);
        f[8] = (byte) streamId;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /**
     * The next frame (SETTINGS are acknowledged on the way, as a client must), or null when the
     * proxy closed the connection.
     *
     * @throws SocketTimeoutException when nothing comes for 10 s
     */
    Frame read() throws IOException {
        byte[] head = new byte[9];
        try {
            in.readFully(head);
        } catch (java.io.EOFException e) {
            return null;
        }
        int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
        int type = head[3] & 0xff;
        int flags = head[4] & 0xff;
        int streamId = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (type == SETTINGS && (flags & ACK) == 0) {
            frame(SETTINGS, ACK, 0, new byte[0]);
        }
        Http2Headers headers = null;
        if (type == HEADERS) {
            ByteBuf block = Unpooled.wrappedBuffer(payload);
            try {
                headers = decoder.decodeHeaders(streamId, block);
            } catch (Http2Exception e) {
                throw new IOException(e);
            } finally {
                block.release();
            }
        }
        return new Frame(type, flags, streamId, payload, headers);
    }

    /**
     * Reads until the proxy ends the connection: its GOAWAY, or null when it closed or reset the
     * connection without one reaching the client (a reset can discard what was not read yet).
     *
     * @throws SocketTimeoutException when the connection is still open and quiet after 10 s
     */
    Frame awaitEnd() throws IOException {
        try {
            return await(GOAWAY, 0);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (java.net.SocketException e) {
            return null;
        }
    }

    /** Reads until a frame of {@code type} on {@code streamId} (any stream when negative); null when the connection closed first. */
    Frame await(int type, int streamId) throws IOException {
        Frame f;
        while ((f = read()) != null) {
            if (f.type() == type && (streamId < 0 || f.streamId() == streamId)) {
                return f;
            }
        }
        return null;
    }

    /** Reads the response on {@code streamId} to its end: its status and body. */
    Response response(int streamId) throws IOException {
        Http2Headers head = null;
        Http2Headers trailers = null;
        StringBuilder body = new StringBuilder();
        Frame f;
        while ((f = read()) != null) {
            if (f.streamId() != streamId) {
                continue;
            }
            if (f.type() == RST_STREAM) {
                throw new IOException("stream " + streamId + " reset, error code " + f.errorCode());
            }
            if (f.type() == HEADERS && head == null) {
                head = f.headers();
            } else if (f.type() == HEADERS) {
                trailers = f.headers();
            } else if (f.type() == DATA) {
                body.append(new String(f.payload(), StandardCharsets.ISO_8859_1));
            }
            if (f.endStream()) {
                return new Response(Integer.parseInt(head.status().toString()), head, body.toString(), trailers);
            }
        }
        throw new IOException("connection closed before the end of stream " + streamId);
    }

    /** A response; {@code trailers} null when none came. */
    record Response(int status, Http2Headers headers, String body, Http2Headers trailers) {
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
