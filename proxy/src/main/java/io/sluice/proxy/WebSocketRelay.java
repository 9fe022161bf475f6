package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.proxy.http.HttpFields;
import io.sluice.proxy.http.RequestHead;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket connection after its handshake: a byte relay between the client's connection and
 * the backend's, both on the client's event loop (the upstream pool is per event loop), so no
 * locks.
 *
 * <p>The handshake itself is an ordinary request to {@link ClientConnection}: routed, affinity
 * applied, retried on a connect failure, logged (status 101). On the backend's 101 the HTTP
 * handlers leave both pipelines and one {@link Side} per connection relays bytes: frames are not
 * parsed (masking, fragmentation and control frames pass as they are, so extensions and
 * subprotocols need nothing from the proxy).
 *
 * <p>Backpressure: AUTO_READ is off on both; a side reads again only when its peer is writable
 * (else when the peer becomes writable), so a slow reader stops the other side at its socket and
 * the proxy holds at most a write buffer's high-water mark per direction.
 *
 * <p>Idle timeout: the HTTP listener's {@code timeouts.idle}; no byte either way for that long
 * closes both connections (one timer per relay, re-armed lazily for the time left). A close,
 * reset or end of input on either side closes the other after a flush. A graceful stop or the
 * listener's removal closes it at once ({@link ListenerConnection#drain}); a reload that keeps the
 * listener keeps it open.
 *
 * <p>Not thread-safe: everything runs on the client channel's event loop.
 */
final class WebSocketRelay {
    private final Channel client;
    private final Channel upstream;
    private final long idleNanos;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> idleCheck;
    private boolean closed;

    private WebSocketRelay(Channel client, Channel upstream, long idleNanos) {
        this.client = client;
        this.upstream = upstream;
        this.idleNanos = idleNanos;
    }

    /**
     * Whether {@code head} is a WebSocket opening handshake (RFC 6455 4.1): an HTTP/1.1 GET with
     * {@code Upgrade: websocket} and {@code Connection: upgrade} (tokens, any case).
     */
    static boolean isUpgrade(RequestHead head) {
        if (head.method() != HttpMethod.GET || !head.version().equals(HttpVersion.HTTP_1_1)) {
            return false;
        }
        HttpFields h = head.headers();
        return lists(h, "upgrade", "websocket") && lists(h, "connection", "upgrade");
    }

    private static boolean lists(HttpFields h, String name, String token) {
        for (String v : h.getAll(name)) {
            if (HttpFields.listsToken(v, token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Installs the relay on both channels (whose HTTP handlers were removed) and starts it.
     *
     * @param fromClient  bytes the client sent after its handshake, or null
     * @param fromBackend bytes the backend sent after its 101, or null
     */
    static void start(ListenerState listener, Channel client, Channel upstream, ByteBuf fromClient,
                      ByteBuf fromBackend, long idleNanos, String cluster, String backend) {
        WebSocketRelay r = new WebSocketRelay(client, upstream, idleNanos);
        listener.metrics.webSocketOpened();
        client.closeFuture().addListener(f -> listener.metrics.webSocketClosed());
        client.pipeline().addLast("websocket", r.new ClientSide());
        upstream.pipeline().addLast("websocket", r.new Side(client));
        if (fromClient != null) {
            upstream.write(fromClient, upstream.voidPromise());
        }
        if (fromBackend != null) {
            client.write(fromBackend, client.voidPromise());
        }
        upstream.flush();
        client.flush();
        if (!client.isActive() || !upstream.isActive()) {
            r.close();
            return;
        }
        r.armIdle(idleNanos);
        client.read();
        upstream.read();
    }

    private void armIdle(long delay) {
        idleCheck = client.eventLoop().schedule(this::idleCheck, delay, TimeUnit.NANOSECONDS);
    }

    private void idleCheck() {
        if (closed) {
            return;
        }
        long left = lastActivity + idleNanos - System.nanoTime();
        if (left <= 0) {
            close();
        } else {
            armIdle(left);
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        closeAfterFlush(client);
        closeAfterFlush(upstream);
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    /** One direction's reader: what its channel reads goes to {@code peer}. */
    class Side extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Side(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastActivity = System.nanoTime();
            if (closed) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            peer.write(msg, peer.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
            if (!closed && peer.isWritable()) {
                ctx.read();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // This side's channel drained its writes: the peer, stopped for it, may read again.
            if (!closed && ctx.channel().isWritable()) {
                peer.read();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            close();
        }
    }

    /** The client's side, the one a graceful stop or a listener removal reaches. */
    final class ClientSide extends Side implements ListenerConnection {
        ClientSide() {
            super(upstream);
        }

        @Override
        public void drain() {
            close();
        }
    }
}
