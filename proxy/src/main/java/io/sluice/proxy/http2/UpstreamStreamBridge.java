package io.sluice.proxy.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The first handler of one HTTP/2 stream to a backend: {@link StreamBridge} the other way round.
 * The proxy's upstream side ({@code UpstreamConnection}, the {@code ResponseDecoder}) speaks
 * HTTP/1.1, one request per connection; this handler makes one stream look like such a
 * connection, so a request to an h2c backend is sent, timed, retried and relayed by the very
 * code that serves HTTP/1.1 backends.
 *
 * <h2>Outbound: the proxy's HTTP/1.1 request to frames</h2>
 * The encoded request head (request line and fields, as {@code Forwarding} wrote it) becomes a
 * HEADERS frame: {@code :method}, {@code :path}, {@code :scheme}, Host as {@code :authority},
 * connection-specific fields dropped (RFC 9113 8.2.2) and, for gRPC ({@code content-type:
 * application/grpc...}), {@code te: trailers}, which gRPC servers expect. The HEADERS frame waits
 * for the first body slice so that a request without a body is one frame with END_STREAM; a
 * flush sends it alone (a streaming call whose first message is not there yet). Body slices
 * become DATA frames, the last one's trailers a HEADERS frame that ends the stream.
 *
 * <h2>Inbound: the backend's frames to an HTTP/1.1 response</h2>
 * The response HEADERS become a status line and fields, with {@code connection: close} (a stream
 * carries one exchange, so the proxy closes it rather than pooling it); a body without
 * content-length is framed chunked and the backend's trailers (gRPC's {@code grpc-status},
 * {@code grpc-message}) go in the last chunk, from where the client side writes them as HTTP/2
 * trailers again. A gRPC trailers-only response (one HEADERS frame with END_STREAM and
 * {@code grpc-status}) becomes headers plus an empty chunked body whose trailers carry the
 * {@code grpc-*} fields, which every gRPC client reads the same. Interim (1xx) answers are
 * dropped. A value with CR, LF or NUL cannot be HTTP/1.1: the stream is cut, which the proxy
 * takes for a failed attempt.
 *
 * <p>Not thread-safe: one per stream, on the connection's event loop.
 */
public final class UpstreamStreamBridge extends ChannelDuplexHandler {
    private static final AsciiString TE = AsciiString.cached("te");
    private static final AsciiString TRAILERS = AsciiString.cached("trailers");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private final String scheme;
    /** The request's HEADERS, held until the first body slice or a flush. */
    private Http2Headers pendingHead;
    private ChannelPromise pendingPromise;
    private boolean requestEnded;
    private boolean headRequest;
    private boolean grpc;
    private boolean responseStarted;
    private boolean chunked;

    /** @param scheme the {@code :scheme} of requests: {@code http} for h2c */
    public UpstreamStreamBridge(String scheme) {
        this.scheme = scheme;
    }

    // ---- proxy to backend ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpContent c) {
            writeContent(ctx, c, promise);
        } else if (msg instanceof ByteBuf b) {
            if (pendingHead == null && !requestEnded && b.isReadable() && pendingPromise == null) {
                pendingHead = requestHeaders(b);
                pendingPromise = promise;
            } else {
                promise.trySuccess();
            }
            b.release();
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        sendPendingHead(ctx, false);
        ctx.flush();
    }

    private boolean sendPendingHead(ChannelHandlerContext ctx, boolean endStream) {
        if (pendingHead == null) {
            return false;
        }
        ctx.write(new DefaultHttp2HeadersFrame(pendingHead, endStream), pendingPromise);
        pendingHead = null;
        return true;
    }

    private void writeContent(ChannelHandlerContext ctx, HttpContent c, ChannelPromise promise) {
        if (requestEnded || pendingPromise == null) {
            c.release();
            promise.trySuccess();
            return;
        }
        boolean last = c instanceof LastHttpContent;
        HttpHeaders trailers = last ? ((LastHttpContent) c).trailingHeaders() : null;
        ByteBuf data = c.content();
        if (last && !data.isReadable() && trailers.isEmpty() && sendPendingHead(ctx, true)) {
            // A request without a body: one HEADERS frame with END_STREAM.
            requestEnded = true;
            c.release();
            promise.trySuccess();
            return;
        }
        sendPendingHead(ctx, false);
        if (last && !trailers.isEmpty()) {
            requestEnded = true;
            if (data.isReadable()) {
                ctx.write(new DefaultHttp2DataFrame(data, false), ctx.voidPromise());
            } else {
                c.release();
            }
            Http2Headers t = new DefaultHttp2Headers(false);
            for (Map.Entry<String, String> e : trailers) {
                t.add(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
            }
            ctx.write(new DefaultHttp2HeadersFrame(t, true), promise);
            return;
        }
        if (!last && !data.isReadable()) {
            c.release();
            promise.trySuccess();
            return;
        }
        requestEnded = last;
        ctx.write(new DefaultHttp2DataFrame(data, last), promise);
    }

    /** Parses a head {@code Forwarding} encoded (so well-formed: request line, fields, CRLF CRLF). */
    private Http2Headers requestHeaders(ByteBuf b) {
        int end = ByteBufUtil.indexOf(b, b.readerIndex(), b.writerIndex(), (byte) '\n');
        String line = b.toString(b.readerIndex(), end - b.readerIndex(), StandardCharsets.ISO_8859_1).trim();
        int sp1 = line.indexOf(' ');
        int sp2 = line.lastIndexOf(' ');
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        headRequest = method.equals("HEAD");
        Http2Headers h = new DefaultHttp2Headers(false);
        h.method(method).path(originForm(target)).scheme(scheme);
        int i = end + 1;
        while (true) {
            int eol = ByteBufUtil.indexOf(b, i, b.writerIndex(), (byte) '\n');
            if (eol < 0 || eol - i <= 1) {
                break;
            }
            int colon = ByteBufUtil.indexOf(b, i, eol, (byte) ':');
            String name = b.toString(i, colon - i, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            String value = b.toString(colon + 1, eol - 1 - colon - 1, StandardCharsets.ISO_8859_1).trim();
            i = eol + 1;
            switch (name) {
                case "host" -> h.authority(value);
                case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te" -> {
                }
                default -> {
                    if (name.equals("content-type") && value.regionMatches(true, 0, "application/grpc", 0, 16)) {
                        grpc = true;
                    }
                    h.add(name, value);
                }
            }
        }
        if (grpc) {
            h.set(TE, TRAILERS);
        }
        return h;
    }

    /** {@code :path} takes the origin form: an absolute-form target ({@code http://host/p}) loses its scheme and host. */
    private static String originForm(String target) {
        if (target.startsWith("/") || target.equals("*")) {
            return target;
        }
        int scheme = target.indexOf("://");
        if (scheme < 0) {
            return target;
        }
        int slash = target.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : target.substring(slash);
    }

    // ---- backend to proxy ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame h) {
                if (!responseStarted) {
                    onResponseHeaders(ctx, h.headers(), h.isEndStream());
                } else {
                    onTrailers(ctx, h.headers());
                }
            } else if (msg instanceof Http2DataFrame d && responseStarted) {
                onData(ctx, d.content(), d.isEndStream());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHeaders(ChannelHandlerContext ctx, Http2Headers h, boolean endStream) {
        int code;
        try {
            code = Integer.parseInt(String.valueOf(h.status()));
        } catch (NumberFormatException ex) {
            ctx.close();
            return;
        }
        if (code < 200 && !endStream) {
            return;
        }
        if (code < 200 || code > 999 || !clean(h)) {
            ctx.close();
            return;
        }
        responseStarted = true;
        boolean trailersOnly = endStream && grpc && h.contains("grpc-status");
        ByteBuf out = ctx.alloc().buffer(256);
        out.writeCharSequence("HTTP/1.1 " + code + " " + HttpResponseStatus.valueOf(code).reasonPhrase(),
                StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
        boolean hasLength = false;
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            CharSequence name = e.getKey();
            if (name.length() == 0 || name.charAt(0) == ':' || connectionSpecific(name)
                    || trailersOnly && grpcStatusField(name)) {
                continue;
            }
            if (AsciiString.contentEqualsIgnoreCase(name, "content-length")) {
                if (endStream && !headRequest) {
                    continue;
                }
                hasLength = true;
            }
            field(out, name, e.getValue());
        }
        if (trailersOnly) {
            chunked = true;
            out.writeCharSequence("transfer-encoding: chunked\r\nconnection: close\r\n\r\n0\r\n",
                    StandardCharsets.ISO_8859_1);
            for (Map.Entry<CharSequence, CharSequence> e : h) {
                if (grpcStatusField(e.getKey())) {
                    field(out, e.getKey(), e.getValue());
                }
            }
            out.writeBytes(CRLF);
        } else if (endStream) {
            if (!headRequest) {
                out.writeCharSequence("content-length: 0\r\n", StandardCharsets.ISO_8859_1);
            }
            out.writeCharSequence("connection: close\r\n\r\n", StandardCharsets.ISO_8859_1);
        } else {
            chunked = !hasLength && !headRequest;
            if (chunked) {
                out.writeCharSequence("transfer-encoding: chunked\r\n", StandardCharsets.ISO_8859_1);
            }
            out.writeCharSequence("connection: close\r\n\r\n", StandardCharsets.ISO_8859_1);
        }
        ctx.fireChannelRead(out);
    }

    private void onData(ChannelHandlerContext ctx, ByteBuf data, boolean endStream) {
        int n = data.readableBytes();
        if (!chunked) {
            if (n > 0) {
                ctx.fireChannelRead(data.retain());
            }
            return;
        }
        if (n > 0) {
            ByteBuf size = ctx.alloc().buffer(12);
            size.writeCharSequence(Integer.toHexString(n), StandardCharsets.US_ASCII);
            size.writeBytes(CRLF);
            ctx.fireChannelRead(size);
            ctx.fireChannelRead(data.retain());
            ctx.fireChannelRead(ctx.alloc().buffer(2).writeBytes(CRLF));
        }
        if (endStream) {
            ctx.fireChannelRead(ctx.alloc().buffer(5).writeBytes(LAST_CHUNK));
        }
    }

    private void onTrailers(ChannelHandlerContext ctx, Http2Headers trailers) {
        if (!chunked) {
            // A body with a content-length has ended by its count; HTTP/1.1 has nowhere for its trailers.
            return;
        }
        if (!clean(trailers)) {
            ctx.close();
            return;
        }
        ByteBuf out = ctx.alloc().buffer(128);
        out.writeByte('0').writeBytes(CRLF);
        for (Map.Entry<CharSequence, CharSequence> e : trailers) {
            if (e.getKey().length() > 0 && e.getKey().charAt(0) != ':') {
                field(out, e.getKey(), e.getValue());
            }
        }
        out.writeBytes(CRLF);
        ctx.fireChannelRead(out);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // The stream's end is already in the bytes (the body's end), not a connection that went away.
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete) {
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private static boolean grpcStatusField(CharSequence name) {
        return AsciiString.contentEqualsIgnoreCase(name, "grpc-status")
                || AsciiString.contentEqualsIgnoreCase(name, "grpc-message")
                || AsciiString.contentEqualsIgnoreCase(name, "grpc-status-details-bin");
    }

    private static boolean connectionSpecific(CharSequence name) {
        return AsciiString.contentEqualsIgnoreCase(name, "connection")
                || AsciiString.contentEqualsIgnoreCase(name, "transfer-encoding")
                || AsciiString.contentEqualsIgnoreCase(name, "keep-alive")
                || AsciiString.contentEqualsIgnoreCase(name, "upgrade")
                || AsciiString.contentEqualsIgnoreCase(name, "proxy-connection");
    }

    /** No CR, LF or NUL in any name or value: what would let a backend split the HTTP/1.1 text. */
    private static boolean clean(Http2Headers h) {
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            if (!clean(e.getKey()) || !clean(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static boolean clean(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }

    private static void field(ByteBuf out, CharSequence name, CharSequence value) {
        out.writeCharSequence(name, StandardCharsets.ISO_8859_1);
        out.writeByte(':').writeByte(' ');
        out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
    }
}
