package io.sluice.proxy.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of an HTTP/1.1 listener's connection: decides from the first bytes whether
 * the client speaks HTTP/1.1 or HTTP/2 with prior knowledge (h2c, RFC 9113 3.3), which starts with
 * the 24-byte connection preface {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}. A byte that differs from
 * the preface decides HTTP/1.1 at once, so an HTTP/1.1 request is held for at most the bytes of its
 * first read. Once decided, the detector installs the chosen protocol's handlers behind itself and
 * removes itself, passing on every byte it held.
 *
 * <p>The other way to h2c, {@code Upgrade: h2c} on an HTTP/1.1 request, is not offered: the
 * upgrade header is hop-by-hop and dropped, and the request is answered in HTTP/1.1 (upgrades
 * through a proxy are a request smuggling route).
 *
 * <p>Not thread-safe: one per connection, on its event loop.
 */
public final class PrefaceDetector extends ByteToMessageDecoder {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What the detector installs once it knows. */
    public interface Choice {
        /**
         * Adds the HTTP/1.1 handlers behind the detector (the channel is already active; the
         * detector fires {@code channelActive} for them once they are in).
         */
        void http1(ChannelHandlerContext ctx);

        /** Adds the HTTP/2 handlers behind the detector. */
        void http2(ChannelHandlerContext ctx);
    }

    private final Choice choice;
    private final long timeoutNanos;
    private ScheduledFuture<?> timeout;
    private boolean decided;

    /** @param timeoutNanos the connection closes when its first bytes do not come within this */
    public PrefaceDetector(Choice choice, long timeoutNanos) {
        this.choice = choice;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            if (!decided) {
                ctx.close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        ctx.read();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (decided) {
            return;
        }
        int n = Math.min(in.readableBytes(), PREFACE.length);
        int start = in.readerIndex();
        for (int i = 0; i < n; i++) {
            if (in.getByte(start + i) != PREFACE[i]) {
                decide(ctx, false);
                return;
            }
        }
        if (n == PREFACE.length) {
            decide(ctx, true);
        }
        // else: a prefix of the preface so far; ByteToMessageDecoder reads again (AUTO_READ is off).
    }

    private void decide(ChannelHandlerContext ctx, boolean h2) {
        decided = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (h2) {
            choice.http2(ctx);
        } else {
            choice.http1(ctx);
        }
        // The handlers just added came after the channel became active (this detector held that
        // event back): they start now (the HTTP/2 codec sends its SETTINGS, the HTTP/1.1 handler
        // arms its timers). Then removing a ByteToMessageDecoder hands what it accumulated to
        // them, with a read-complete that flushes what they wrote.
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
        ctx.fireExceptionCaught(t);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
