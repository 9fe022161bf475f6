package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.config.proxy.ProxyConfig;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * One relayed connection ({@code tcp}, {@code mqtt}): picks a backend of the listener's cluster,
 * connects (a failed connect goes to another backend, at most {@code retries.max-retries} more
 * times, never one already tried), writes what came before (the MQTT CONNECT packet, a PROXY
 * header), then copies bytes both ways.
 *
 * <p>Backpressure, both ways: {@code AUTO_READ} is off on both channels; a side is read once, its
 * bytes written to the other, and read again only when the other is writable (else when it becomes
 * writable). So at most one read plus the other side's write buffer (Netty's high water mark,
 * 64 KiB) is held per direction whatever the speeds.
 *
 * <p>Half-close: an end of input on one side shuts the other side's output once what was read
 * before it is written (on epoll, {@link EpollHalfClose} keeps a half-closed side writable); the
 * relay closes when both directions have ended, on a reset or error of
 * either side, or after the listener's idle timeout with no byte either way.
 *
 * <p>Load: the chosen backend's {@link io.sluice.algorithms.BackendLoad} counts the connection as
 * one request in flight from the pick until the relay closes (so least-connections and bounded-load
 * see connections), and a connect failure as a failed request.
 *
 * <p>Runs on the client channel's event loop; the backend channel is made on the same loop.
 */
final class RelayConnection extends ChannelInboundHandlerAdapter implements ListenerConnection {
    /** A connector that adds nothing: the relay puts its own handler on the connected channel. */
    static final UpstreamConnector RAW = new UpstreamConnector() {
        @Override
        public void install(Channel ch, UpstreamPool pool, InetSocketAddress address) {
        }

        @Override
        public String toString() {
            return "raw";
        }
    };

    private final ListenerState listener;
    private final ProxyConfig.StreamListener config;
    private final Set<String> tried = new HashSet<>();
    private ChannelHandlerContext ctx;
    private Cluster cluster;
    private RequestContext affinity = RequestContext.NONE;
    private String sticky;
    private Endpoint endpoint;
    private long pickedNanos;
    private Channel upstream;
    /** Bytes to write to the backend before relaying: the MQTT CONNECT packet (and what followed it). */
    private ByteBuf preamble;
    private boolean started;
    private boolean relaying;
    private boolean closed;
    private boolean clientInputEnded;
    private boolean upstreamInputEnded;
    private boolean clientReadWanted;
    private boolean upstreamReadWanted;

    RelayConnection(ListenerState listener, ProxyConfig.StreamListener config) {
        this.listener = listener;
        this.config = config;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        EpollHalfClose.keepRegistered(ctx.channel());
        if (config.mqtt() == null) {
            // A tcp relay routes at once; the cluster's source affinity, if set, keys the pick on the client IP.
            route(null);
        }
        // An mqtt relay waits for MqttConnectGate's call to connectPacket.
    }

    /**
     * Called by {@link MqttConnectGate} with the CONNECT packet's affinity key (null or empty: no
     * key) and the bytes read so far, which the relay now owns.
     */
    void connectPacket(String key, ByteBuf bytes) {
        preamble = preamble == null ? bytes : ctx.alloc().compositeBuffer().addComponents(true, preamble, bytes);
        route(key == null || key.isEmpty() ? null : key);
    }

    private void route(String key) {
        // A stream listener's one route names its cluster; a listener removed by a reload keeps it.
        Cluster c = listener.proxy.snapshot().cluster(config.cluster());
        if (c == null) {
            closeBoth();
            return;
        }
        cluster = c;
        AffinityPolicy sp = c.policy().affinity();
        if (sp.mode() == AffinityPolicy.Mode.CLIENT_CERT) {
            // The certificate's identity, not the MQTT client id; no certificate: the strategy alone.
            io.sluice.proxy.tls.ClientIdentity id = ctx.channel().attr(io.sluice.proxy.tls.TlsTermination.CLIENT_IDENTITY)
                    .get();
            key = id == null ? null : id.affinityKey(sp.identity());
        } else if (key == null && sp.mode() == AffinityPolicy.Mode.SOURCE
                && ProxyProtocolLayer.clientAddress(ctx.channel()) instanceof InetSocketAddress isa) {
            key = isa.getAddress().getHostAddress();
        }
        if (key != null && c.usesAffinityTable()) {
            sticky = c.affinityBackend(key);
        } else if (key != null) {
            affinity = RequestContext.ofKey(key);
        }
        connectNext();
    }

    /** Picks an untried backend and connects to it; none left closes the client connection. */
    private void connectNext() {
        if (closed) {
            return;
        }
        int maxAttempts = 1 + cluster.policy().retries().maxRetries();
        Endpoint e = tried.size() >= maxAttempts ? null : cluster.choose(affinity, sticky, tried);
        InetSocketAddress address = e == null ? null : cluster.address(e.id());
        if (e == null || address == null) {
            closeBoth();
            return;
        }
        tried.add(e.id());
        endpoint = e;
        pickedNanos = System.nanoTime();
        e.load().onRequestStart();
        UpstreamPool pool = listener.proxy.pool(ctx.channel().eventLoop());
        // Over TLS when the cluster has upstream.tls: the future completes once the handshake has.
        ChannelFuture f = pool.connect(cluster.upstreamTls(), RAW, address, cluster.policy().timeouts().connectNanos());
        f.addListener((ChannelFutureListener) cf -> {
            if (closed) {
                if (cf.isSuccess()) {
                    cf.channel().close(); // a failed connect has closed its channel already
                }
                return;
            }
            if (cf.isSuccess()) {
                connected(cf.channel());
            } else {
                endLoad(false);
                connectNext();
            }
        });
    }

    private void connected(Channel ch) {
        upstream = ch;
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        EpollHalfClose.keepRegistered(ch);
        ch.pipeline().addLast("relay", new Upstream());
        ByteBuf header = ProxyProtocolHeaders.header(config.proxyProtocol().send(), ctx.channel(), ch.alloc());
        if (header != null) {
            ch.write(header, ch.voidPromise());
        }
        if (preamble != null) {
            ByteBuf p = preamble;
            preamble = null;
            ch.write(p, ch.voidPromise());
        }
        ch.flush();
        relaying = true;
        if (clientInputEnded) {
            shutdownOutput(ch);
        }
        ch.read();
        readClientIfWritable();
    }

    private void endLoad(boolean success) {
        Endpoint e = endpoint;
        if (e != null) {
            endpoint = null;
            long now = System.nanoTime();
            e.load().onRequestEnd(now, now - pickedNanos, success);
        }
    }

    private void readClientIfWritable() {
        if (clientInputEnded || closed) {
            return;
        }
        if (upstream.isWritable()) {
            clientReadWanted = false;
            ctx.read();
        } else {
            clientReadWanted = true;
        }
    }

    private void readUpstreamIfWritable() {
        if (upstreamInputEnded || closed) {
            return;
        }
        if (ctx.channel().isWritable()) {
            upstreamReadWanted = false;
            upstream.read();
        } else {
            upstreamReadWanted = true;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed || !(msg instanceof ByteBuf b)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!relaying) {
            // Bytes that came in one read with a PROXY header: kept for the backend.
            preamble = preamble == null ? b : ctx.alloc().compositeBuffer().addComponents(true, preamble, b);
            return;
        }
        upstream.write(b, upstream.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (relaying && !closed) {
            upstream.flush();
            readClientIfWritable();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (relaying && upstreamReadWanted && ctx.channel().isWritable()) {
            readUpstreamIfWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            closeBoth();
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // Epoll reads up to a client's FIN even before the relay asks (EPOLLRDHUP), so it may come
            // while the backend is still being connected: passed on once connected.
            clientInputEnded = true;
            if (relaying) {
                shutdownOutput(upstream);
                closeIfBothEnded();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeBoth();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePreamble();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeBoth();
    }

    /** A relay under way is the exchange: it runs on until the graceful stop's deadline; one not yet relaying closes. */
    @Override
    public void drain() {
        if (!relaying) {
            closeBoth();
        }
    }

    private static void shutdownOutput(Channel ch) {
        // After what is queued: an empty write keeps the order, then the FIN.
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (ch instanceof DuplexChannel d && ch.isActive()) {
                d.shutdownOutput();
            } else {
                ch.close();
            }
        });
    }

    private void closeIfBothEnded() {
        if (clientInputEnded && upstreamInputEnded) {
            closeBoth();
        }
    }

    /** Closes both channels after what is queued on them is written. */
    void closeBoth() {
        if (closed) {
            return;
        }
        closed = true;
        releasePreamble();
        endLoad(true);
        flushAndClose(ctx.channel());
        if (upstream != null) {
            flushAndClose(upstream);
        }
    }

    private static void flushAndClose(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    private void releasePreamble() {
        if (preamble != null) {
            preamble.release();
            preamble = null;
        }
    }

    /** The backend side of the relay. */
    private final class Upstream extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext uctx, Object msg) {
            if (closed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.channel().write(msg, ctx.channel().voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext uctx) {
            if (!closed) {
                ctx.channel().flush();
                readUpstreamIfWritable();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext uctx) {
            if (clientReadWanted && uctx.channel().isWritable()) {
                readClientIfWritable();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext uctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                upstreamInputEnded = true;
                shutdownOutput(ctx.channel());
                closeIfBothEnded();
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext uctx) {
            closeBoth();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext uctx, Throwable cause) {
            closeBoth();
        }
    }
}
