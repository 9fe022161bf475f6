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
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of one HTTP/2 stream's channel (Netty's {@code Http2MultiplexHandler} gives
 * each stream a child channel): it turns the stream into the HTTP/1.1 exchange the proxy's
 * request path already knows, so each stream is decoded, checked, routed, balanced and retried by
 * the very same {@code RequestDecoder} and {@code ClientConnection} an HTTP/1.1 connection uses,
 * one stream being one request on a connection that closes after it.
 *
 * <h2>Inbound: frames to an HTTP/1.1 request</h2>
 * The HEADERS frame becomes a request line ({@code :method}, {@code :path}) and a header block
 * with {@code :authority} as Host, the cookie crumbs joined (RFC 9113 8.2.3) and
 * {@code connection: close}; a body without content-length is sent chunked, with the client's
 * trailers in the last chunk. Malformed fields (pseudo-headers out of place, connection-specific
 * fields, upper-case names) are stream errors already in Netty's decoder; what passes is then held
 * to the strict HTTP/1.1 rules (a CR or LF smuggled into a value is a 400, as it would be in
 * HTTP/1.1).
 *
 * <h2>Outbound: the proxy's HTTP/1.1 response to frames</h2>
 * The proxy writes an encoded head ({@link ByteBuf}, possibly with a whole body behind it, for
 * the answers it makes itself) and then {@link HttpContent} slices. The head becomes a HEADERS
 * frame (hop-by-hop fields dropped, 1xx interim answers dropped), slices DATA frames, the last
 * slice's trailers a HEADERS frame that ends the stream; a head with {@code content-length: 0} is one
 * HEADERS frame with END_STREAM (so a gRPC trailers-only answer is one frame). An empty buffer is the proxy's "done"
 * (it flushes one before closing) and ends the stream if nothing has yet; closing the stream
 * channel before that resets the stream, the HTTP/2 way of cutting a response short.
 *
 * <p>Flow control is the child channel's: the proxy reads the stream only when the backend can
 * take more (and Netty returns window to the client as frames are read), and reads the backend
 * only while the stream's send window leaves the channel writable. A slow reader stalls its own
 * stream.
 *
 * <h2>Stall timeout</h2>
 * A client that never opens its window (SETTINGS_INITIAL_WINDOW_SIZE 0, or no WINDOW_UPDATE) would
 * hold its stream, the response bytes queued for it and the backend connection behind it for ever.
 * So every frame written on the stream is tracked until Netty's flow controller has sent it: when
 * some are waiting and none has gone out for the stall timeout (the listener's
 * {@code timeouts.stall}), the stream channel is closed, which resets the stream (RST_STREAM
 * CANCEL) and cancels its upstream attempt (the backend connection is closed, not pooled). A
 * backend that is merely slow is no stall: nothing waits to be sent then.
 *
 * <p>Not thread-safe: one per stream, on the connection's event loop.
 */
public final class StreamBridge extends ChannelDuplexHandler {
    private static final AsciiString COOKIE = AsciiString.cached("cookie");
    private static final AsciiString HOST = AsciiString.cached("host");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final byte[] CRLF = {'\r', '\n'};

    private final long stallNanos;
    /** Frames written and not yet sent by the flow controller. */
    private int unsent;
    /** When a frame last went out, or when the first of the unsent ones was written. */
    private long lastSent;
    private ScheduledFuture<?> stallCheck;
    private boolean requestStarted;
    private boolean chunked;
    private boolean requestEnded;
    private boolean headSent;
    private boolean responseEnded;
    private long declaredLength = -1;
    private long bodyInHead;

    /** @param stallNanos the stream is reset when frames wait this long with none sent */
    public StreamBridge(long stallNanos) {
        this.stallNanos = stallNanos;
    }

    // ---- client to proxy ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame h) {
                if (!requestStarted) {
                    requestStarted = true;
                    onRequestHeaders(ctx, h.headers(), h.isEndStream());
                } else if (!requestEnded) {
                    onTrailers(ctx, h.headers());
                }
            } else if (msg instanceof Http2DataFrame d && requestStarted && !requestEnded) {
                onData(ctx, d.content(), d.isEndStream());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequestHeaders(ChannelHandlerContext ctx, Http2Headers h, boolean endStream) {
        CharSequence method = h.method();
        CharSequence path = h.path();
        if (method == null || path == null || path.length() == 0 || !h.contains(HOST) && h.authority() == null
                || AsciiString.contentEquals(method, "CONNECT")) {
            // RFC 9113 8.3.1: a request without :method or :path (or any authority) is malformed; so is
            // a CONNECT with :path (8.5), and one without is a tunnel the proxy does not offer.
            requestEnded = true;
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR)).addListener(f -> ctx.close());
            return;
        }
        ByteBuf out = ctx.alloc().buffer(256);
        out.writeCharSequence(method, StandardCharsets.ISO_8859_1);
        out.writeByte(' ');
        out.writeCharSequence(path, StandardCharsets.ISO_8859_1);
        out.writeCharSequence(" HTTP/1.1\r\n", StandardCharsets.ISO_8859_1);
        if (h.authority() != null) {
            field(out, HOST, h.authority());
        }
        boolean hasLength = false;
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            if (AsciiString.contentEqualsIgnoreCase(name, COOKIE)) {
                cookies = cookies == null ? new StringBuilder() : cookies.append("; ");
                cookies.append(e.getValue());
                continue;
            }
            if (h.authority() != null && AsciiString.contentEqualsIgnoreCase(name, HOST)) {
                continue;
            }
            if (AsciiString.contentEqualsIgnoreCase(name, "expect")) {
                // HTTP/2 has no 100-continue to speak of here: the body flows under the stream window.
                continue;
            }
            hasLength |= AsciiString.contentEqualsIgnoreCase(name, CONTENT_LENGTH);
            field(out, name, e.getValue());
        }
        if (cookies != null) {
            field(out, COOKIE, cookies);
        }
        if (!endStream && !hasLength) {
            chunked = true;
            out.writeCharSequence("transfer-encoding: chunked\r\n", StandardCharsets.ISO_8859_1);
        }
        out.writeCharSequence("connection: close\r\n\r\n", StandardCharsets.ISO_8859_1);
        requestEnded = endStream;
        ctx.fireChannelRead(out);
    }

    private void onData(ChannelHandlerContext ctx, ByteBuf data, boolean endStream) {
        int n = data.readableBytes();
        if (!chunked) {
            if (n > 0) {
                ctx.fireChannelRead(data.retain());
            }
        } else {
            if (n > 0) {
                ByteBuf size = ctx.alloc().buffer(12);
                size.writeCharSequence(Integer.toHexString(n), StandardCharsets.US_ASCII);
                size.writeBytes(CRLF);
                ctx.fireChannelRead(size);
                ctx.fireChannelRead(data.retain());
                ctx.fireChannelRead(ctx.alloc().buffer(2).writeBytes(CRLF));
            }
            if (endStream) {
                ctx.fireChannelRead(ctx.alloc().buffer(5).writeBytes(new byte[]{'0', '\r', '\n', '\r', '\n'}));
            }
        }
        requestEnded = endStream;
    }

    private void onTrailers(ChannelHandlerContext ctx, Http2Headers trailers) {
        requestEnded = true;
        if (!chunked) {
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

    private static void field(ByteBuf out, CharSequence name, CharSequence value) {
        out.writeCharSequence(name, StandardCharsets.ISO_8859_1);
        out.writeByte(':').writeByte(' ');
        out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // The end of the client's stream is already in the bytes (the body's end); the HTTP/1.1
        // handler must not take it for a client that went away.
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete) {
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    // ---- proxy to client ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpContent c) {
            writeContent(ctx, c, promise);
        } else if (msg instanceof ByteBuf b) {
            writeBytes(ctx, b, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** Writes {@code frame} and counts it unsent until the flow controller has sent it, then completes {@code promise}. */
    private void send(ChannelHandlerContext ctx, Object frame, ChannelPromise promise) {
        if (unsent++ == 0) {
            lastSent = System.nanoTime();
        }
        armStallCheck(ctx, stallNanos);
        ChannelPromise tracked = ctx.newPromise();
        tracked.addListener(f -> {
            unsent--;
            lastSent = System.nanoTime();
            if (f.isSuccess()) {
                promise.trySuccess();
            } else {
                promise.tryFailure(f.cause());
            }
        });
        ctx.write(frame, tracked);
    }

    private void armStallCheck(ChannelHandlerContext ctx, long delayNanos) {
        if (stallCheck == null) {
            stallCheck = ctx.executor().schedule(() -> checkStall(ctx), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkStall(ChannelHandlerContext ctx) {
        stallCheck = null;
        if (unsent == 0 || !ctx.channel().isActive()) {
            return;
        }
        long waited = System.nanoTime() - lastSent;
        if (waited >= stallNanos) {
            // Closing a stream channel whose stream is still open resets the stream (CANCEL).
            ctx.close();
        } else {
            armStallCheck(ctx, stallNanos - waited);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelStallCheck();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelStallCheck();
    }

    private void cancelStallCheck() {
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
    }

    private void writeBytes(ChannelHandlerContext ctx, ByteBuf b, ChannelPromise promise) {
        if (responseEnded) {
            b.release();
            promise.trySuccess();
            return;
        }
        if (!headSent) {
            if (!b.isReadable()) {
                b.release();
                promise.trySuccess();
                return;
            }
            writeHead(ctx, b, promise);
            return;
        }
        boolean end = !b.isReadable();
        if (end) {
            responseEnded = true;
        }
        send(ctx, new DefaultHttp2DataFrame(b, end), promise);
    }

    /** Parses a head the proxy encoded (so well-formed: a status line, fields, CRLF CRLF) into a HEADERS frame. */
    private void writeHead(ChannelHandlerContext ctx, ByteBuf b, ChannelPromise promise) {
        int end = ByteBufUtil.indexOf(b, b.readerIndex(), b.writerIndex(), (byte) '\n');
        String statusLine = b.toString(b.readerIndex(), end - b.readerIndex(), StandardCharsets.ISO_8859_1);
        int code = Integer.parseInt(statusLine.substring(9, 12));
        if (code < 200) {
            // 100 Continue and other interim answers are not relayed.
            b.release();
            promise.trySuccess();
            return;
        }
        Http2Headers headers = new DefaultHttp2Headers(false);
        headers.status(AsciiString.of(Integer.toString(code)));
        int i = end + 1;
        while (true) {
            int eol = ByteBufUtil.indexOf(b, i, b.writerIndex(), (byte) '\n');
            if (eol < 0 || eol - i <= 1) {
                i = eol < 0 ? b.writerIndex() : eol + 1;
                break;
            }
            int colon = ByteBufUtil.indexOf(b, i, eol, (byte) ':');
            String name = b.toString(i, colon - i, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            String value = b.toString(colon + 1, eol - 1 - colon - 1, StandardCharsets.ISO_8859_1).trim();
            i = eol + 1;
            switch (name) {
                case "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection" -> {
                    continue;
                }
                case "content-length" -> declaredLength = Long.parseLong(value);
                default -> { }
            }
            headers.add(name, value);
        }
        headSent = true;
        b.readerIndex(i);
        bodyInHead = b.readableBytes();
        if (declaredLength == 0 && bodyInHead == 0) {
            // No body: one HEADERS frame that ends the stream (this is also how a gRPC trailers-only
            // answer must look: grpc-status in HEADERS with END_STREAM, no DATA).
            responseEnded = true;
            b.release();
            send(ctx, new DefaultHttp2HeadersFrame(headers, true), promise);
            return;
        }
        if (bodyInHead > 0 && bodyInHead == declaredLength) {
            // A whole answer the proxy made itself: head and body in one go.
            send(ctx, new DefaultHttp2HeadersFrame(headers, false), ctx.voidPromise());
            responseEnded = true;
            send(ctx, new DefaultHttp2DataFrame(b, true), promise);
            return;
        }
        send(ctx, new DefaultHttp2HeadersFrame(headers, false), bodyInHead > 0 ? ctx.voidPromise() : promise);
        if (bodyInHead > 0) {
            send(ctx, new DefaultHttp2DataFrame(b, false), promise);
        } else {
            b.release();
        }
    }

    private void writeContent(ChannelHandlerContext ctx, HttpContent c, ChannelPromise promise) {
        if (responseEnded || !headSent) {
            c.release();
            promise.trySuccess();
            return;
        }
        boolean last = c instanceof LastHttpContent;
        HttpHeaders trailers = last ? ((LastHttpContent) c).trailingHeaders() : null;
        if (last && !trailers.isEmpty()) {
            responseEnded = true;
            if (c.content().isReadable()) {
                send(ctx, new DefaultHttp2DataFrame(c.content(), false), ctx.voidPromise());
            } else {
                c.release();
            }
            Http2Headers t = new DefaultHttp2Headers(false);
            for (Map.Entry<String, String> e : trailers) {
                t.add(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue());
            }
            send(ctx, new DefaultHttp2HeadersFrame(t, true), promise);
            return;
        }
        if (last) {
            responseEnded = true;
        } else if (!c.content().isReadable()) {
            c.release();
            promise.trySuccess();
            return;
        }
        send(ctx, new DefaultHttp2DataFrame(c.content(), last), promise);
    }
}
