package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import io.sluice.proxy.http.Http1Encoder;
import io.sluice.proxy.http.HttpViolation;
import io.sluice.proxy.http.ResponseDecoder;
import io.sluice.proxy.http.ResponseHead;
import java.net.InetSocketAddress;

/**
 * One keep-alive connection to a backend, owned by one event loop: it serves one request at a
 * time for a {@link ResponseSink} (the client connection that borrowed it), then goes back to its
 * {@link UpstreamPool}. While pooled it keeps reading, so a backend closing it (or sending bytes
 * nobody asked for, which closes it) is noticed at once; the pool closes it after its idle
 * timeout.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
    private final UpstreamPool pool;
    private final InetSocketAddress address;
    private final ResponseDecoder decoder;
    private final Http1Encoder encoder;
    private Channel channel;
    /** What made this connection (the pool's key with the address); set by the pool once installed. */
    private UpstreamConnector connector = UpstreamConnector.HTTP1;
    private ResponseSink sink;
    private boolean pooled;
    private long idleSinceNanos;

    UpstreamConnection(UpstreamPool pool, InetSocketAddress address, ResponseDecoder decoder, Http1Encoder encoder) {
        this.pool = pool;
        this.address = address;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    Channel channel() {
        return channel;
    }

    InetSocketAddress address() {
        return address;
    }

    UpstreamConnector connector() {
        return connector;
    }

    void connector(UpstreamConnector c) {
        connector = c;
    }

    /** Lends this connection to {@code s}. */
    void bind(ResponseSink s) {
        sink = s;
        pooled = false;
    }

    /**
     * Writes an encoded request head (not flushed), tells the encoder how the body that follows is
     * framed, and readies the decoder for the response.
     */
    void send(ByteBuf head, boolean headMethod, boolean chunked, ChannelPromise promise) {
        decoder.expect(headMethod);
        encoder.startMessage(chunked);
        channel.write(head, promise);
        channel.read();
    }

    /** The request just sent asks to upgrade (WebSocket): a 101 may answer it. */
    void expectUpgrade() {
        decoder.expectUpgrade();
    }

    /**
     * After a 101: stops HTTP on this connection for good and returns the bytes the backend sent
     * after the 101's head (or null); the caller replaces this connection's handlers with a relay.
     */
    ByteBuf switchProtocols() {
        sink = null;
        ByteBuf rest = decoder.takeBuffered();
        channel.pipeline().remove(this);
        channel.pipeline().remove(decoder);
        channel.pipeline().remove(encoder);
        return rest;
    }

    /** Whether any byte of the response to the request under way has arrived. */
    boolean responseBegun() {
        return decoder.receivedSinceExpect();
    }

    /** Gives the connection back to the pool; the response was read to its end. */
    void release() {
        sink = null;
        if (!channel.isActive()) {
            return;
        }
        idleSinceNanos = System.nanoTime();
        pooled = true;
        pool.offer(this);
        channel.read();
    }

    /** Closes the connection: it will never be reused. */
    void close() {
        sink = null;
        pooled = false;
        pool.remove(this);
        channel.close();
    }

    boolean pooled() {
        return pooled;
    }

    /** When it last went back to the pool ({@link System#nanoTime()}). */
    long idleSinceNanos() {
        return idleSinceNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ResponseSink s = sink;
        if (s == null) {
            ReferenceCountUtil.release(msg);
            close();
            return;
        }
        if (msg instanceof ResponseHead head) {
            s.onResponseHead(this, head);
        } else if (msg instanceof HttpContent content) {
            s.onResponseContent(this, content);
        } else if (msg instanceof HttpViolation v) {
            sink = null;
            s.onUpstreamFailure(this, v);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ResponseSink s = sink;
        if (s != null) {
            s.onResponseReadComplete(this);
        } else if (pooled) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ResponseSink s = sink;
        if (s != null && ctx.channel().isWritable()) {
            s.onUpstreamWritable(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.remove(this);
        pooled = false;
        ResponseSink s = sink;
        sink = null;
        if (s != null) {
            s.onUpstreamFailure(this, null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or write failure: closing fires channelInactive, which tells the sink.
        ctx.close();
    }
}
