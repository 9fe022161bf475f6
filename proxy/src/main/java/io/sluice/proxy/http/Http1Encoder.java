package io.sluice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes HTTP/1.1 messages whose head the proxy has already encoded: a {@link ByteBuf} passes
 * through as it is (a head written straight into a pooled buffer, see {@link HeadWriter}), and the
 * body that follows as {@link HttpContent} slices is framed as {@link #startMessage} said: raw for
 * a fixed length or until close, or in chunks. No {@code HttpRequest}/{@code HttpResponse} object
 * and no header map is built on the way out.
 *
 * <p>Chunk framing: a chunk is {@code size CRLF data CRLF}; the CRLF that ends a chunk is written
 * with the next chunk's size line (or the last-chunk), so each chunk costs one small buffer for
 * its framing and none for the CRLF after it. The last-chunk carries the trailers, if any.
 *
 * <p>Not thread-safe: one per channel, used on its event loop.
 */
public final class Http1Encoder extends ChannelOutboundHandlerAdapter {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private boolean chunked;
    /** A chunk's data was written and its closing CRLF not yet. */
    private boolean chunkOpen;

    /**
     * The next message's body is framed in chunks ({@code chunked}) or written raw. Call before
     * writing its head.
     */
    public void startMessage(boolean chunked) {
        this.chunked = chunked;
        this.chunkOpen = false;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof HttpContent c)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf content = c.content();
        boolean last = c instanceof LastHttpContent;
        if (!chunked) {
            // The content goes on as it is (the wrapper owns nothing else); trailers cannot be sent
            // without chunks and are dropped, as RFC 9112 allows.
            ctx.write(content, promise);
            return;
        }
        int n = content.readableBytes();
        if (n > 0) {
            ByteBuf size = ctx.alloc().buffer(20);
            if (chunkOpen) {
                size.writeShort(HeadWriter.CRLF);
            }
            writeHex(size, n);
            size.writeShort(HeadWriter.CRLF);
            ctx.write(size, ctx.voidPromise());
            chunkOpen = true;
            if (!last) {
                ctx.write(content, promise);
                return;
            }
            ctx.write(content, ctx.voidPromise());
        } else {
            content.release();
        }
        if (!last) {
            if (!promise.isVoid()) {
                promise.setSuccess();
            }
            return;
        }
        HttpHeaders trailers = ((LastHttpContent) c).trailingHeaders();
        ByteBuf end = ctx.alloc().buffer(trailers.isEmpty() ? 8 : 256);
        if (chunkOpen) {
            end.writeShort(HeadWriter.CRLF);
            chunkOpen = false;
        }
        end.writeByte('0').writeShort(HeadWriter.CRLF);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = trailers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> t = it.next();
            HeadWriter.field(end, t.getKey(), t.getValue());
        }
        end.writeShort(HeadWriter.CRLF);
        ctx.write(end, promise);
    }

    private static void writeHex(ByteBuf out, int n) {
        int shift = 28;
        while (shift > 0 && (n >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(n >>> shift) & 0xf]);
        }
    }
}
