package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.config.proxy.Cidr;
import io.sluice.config.proxy.ProxyConfig;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PROXY protocol acceptance (HAProxy's v1 text and v2 binary header), the outermost
 * {@link StreamLayer}: a connection from outside the listener's {@code trusted-sources} is closed
 * at once; from inside, its first bytes must be a PROXY header (Netty's
 * {@link HAProxyMessageDecoder}, within {@link #HEADER_TIMEOUT_NANOS}), whose source address then
 * stands for the client's ({@link #clientAddress}). A v2 {@code LOCAL} header (the balancer's own
 * health check) keeps the socket's address. Then the layer leaves the pipeline and the next layer
 * or the protocol gets the bytes after the header.
 */
final class ProxyProtocolLayer implements StreamLayer {
    static final ProxyProtocolLayer INSTANCE = new ProxyProtocolLayer();
    /** The client address a PROXY header gave; absent when there was none. */
    static final AttributeKey<InetSocketAddress> CLIENT = AttributeKey.valueOf("sluice.proxy-protocol.client");
    /** A trusted balancer sends its header first thing; a connection silent this long is closed. */
    static final long HEADER_TIMEOUT_NANOS = 10_000_000_000L;

    private ProxyProtocolLayer() {
    }

    /** The client's address: the one a PROXY header carried, else the socket's peer. */
    static SocketAddress clientAddress(Channel ch) {
        InetSocketAddress a = ch.hasAttr(CLIENT) ? ch.attr(CLIENT).get() : null;
        return a != null ? a : ch.remoteAddress();
    }

    /** True when {@code source} is in one of the CIDR blocks {@code trusted}. */
    static boolean trusted(SocketAddress source, List<String> trusted) {
        if (!(source instanceof InetSocketAddress isa) || isa.getAddress() == null) {
            return false;
        }
        for (String c : trusted) {
            if (Cidr.parse(c).contains(isa.getAddress())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void install(Channel ch, ListenerState listener, Next next) {
        List<String> sources = listener.config instanceof ProxyConfig.StreamListener s
                ? s.proxyProtocol().trustedSources() : List.of();
        if (!trusted(ch.remoteAddress(), sources)) {
            ch.close();
            return;
        }
        ch.pipeline().addLast("proxy-protocol-decoder", new HAProxyMessageDecoder())
                .addLast("proxy-protocol", new HeaderReader(next));
    }

    /** Waits for the decoded header, then installs what is above and leaves. */
    private static final class HeaderReader extends ChannelInboundHandlerAdapter {
        private final Next next;
        private ScheduledFuture<?> timeout;
        private boolean done;

        HeaderReader(Next next) {
            this.next = next;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            timeout = ctx.executor().schedule(() -> {
                if (!done) {
                    ctx.close();
                }
            }, HEADER_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
            if (ctx.channel().isActive()) {
                ctx.read();
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
            ctx.fireChannelActive();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!done) {
                ctx.read();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (done || !(msg instanceof HAProxyMessage m)) {
                // Nothing but the header comes before it is done; anything else is a broken peer.
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            try {
                if (m.command() == HAProxyCommand.PROXY && m.sourceAddress() != null) {
                    ctx.channel().attr(CLIENT).set(new InetSocketAddress(
                            java.net.InetAddress.getByName(m.sourceAddress()), m.sourcePort()));
                }
            } catch (java.net.UnknownHostException e) {
                ctx.close();
                return;
            } finally {
                m.release();
            }
            done = true;
            timeout.cancel(false);
            Channel ch = ctx.channel();
            // The layers above first, so the bytes after the header (released by the decoder's removal) reach them.
            next.install(ch, null);
            ch.pipeline().remove(this);
            ch.pipeline().remove("proxy-protocol-decoder");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A malformed header (HAProxyProtocolException) or a reset.
            ctx.close();
        }
    }
}
