package io.sluice.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.sluice.config.proxy.ProxyConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * How one listener is built, layer by layer: a bind address, a socket kind over the process's
 * {@link Transport} (epoll, io_uring or NIO; stream or datagram), optional {@link StreamLayer}s
 * (PROXY-protocol acceptance, then TLS) and an {@link ApplicationProtocol} on top.
 *
 * <pre>
 *   application protocol   http1 | h2 | grpc | tcp | mqtt | websocket      udp | coap
 *   TLS (optional)         SslHandler, SNI certificate, ALPN -> protocol   (DTLS: in coap)
 *   PROXY (optional)       v1/v2 header from a trusted balancer
 *   socket                 stream (accepted TCP connections)               datagram (one bound socket)
 *   transport              epoll | io_uring | nio, one per process
 * </pre>
 *
 * <p>For a stream listener the stack is the accepted connections' initializer: it admits the
 * connection against {@code maxConnections} (over it: closed at once, without a response: cheaper
 * than an answer, and it tells the client's balancer to go elsewhere), tracks it for drains, then
 * runs the layers and the protocol. The layers and their config keys are listed in
 * {@code proxy/README.md} ("Listener layers").
 *
 * @param protocol the application protocol the listener names (and the one used when no layer
 *                 negotiates another)
 * @param layers   stream layers, outermost first
 */
record ListenerStack(ApplicationProtocol protocol, List<StreamLayer> layers) {
    private static final int DATAGRAM_RECEIVE_BUFFER_BYTES = 4 << 20;

    ListenerStack {
        layers = List.copyOf(layers);
    }

    /**
     * The stack {@code config} describes.
     *
     * @throws IllegalArgumentException when the protocol is not one this build serves (the config
     *                                  parser refuses it first; this guards programmatic configs)
     */
    static ListenerStack of(ProxyConfig.Listener config) {
        ApplicationProtocol p = ApplicationProtocol.BY_NAME.get(config.protocol());
        if (p == null) {
            throw new IllegalArgumentException("listener '" + config.name() + "': protocol '" + config.protocol()
                    + "' is not supported; allowed: " + String.join(", ", ApplicationProtocol.BY_NAME.keySet()));
        }
        List<StreamLayer> layers = new ArrayList<>();
        if (config instanceof ProxyConfig.StreamListener s && s.proxyProtocol().accept()) {
            layers.add(ProxyProtocolLayer.INSTANCE); // the PROXY header comes before any TLS handshake
        }
        TlsLayer tls = TlsLayer.of(config);
        if (tls != null) {
            layers.add(tls);
        }
        return new ListenerStack(p, List.copyOf(layers));
    }

    /**
     * Binds {@code listener}'s address on {@code group} with {@code transport}, its connections'
     * buffers from {@code allocator}.
     *
     * @return the bound server (or datagram) channel
     * @throws IllegalStateException naming the listener and address when it cannot bind
     */
    Channel bind(EventLoopGroup group, Transport transport, ByteBufAllocator allocator, ListenerState listener) {
        ProxyConfig.Listener l = listener.config;
        if (protocol.socket() == ApplicationProtocol.SocketKind.DATAGRAM) {
            // One bound datagram socket with the protocol on it (a flow table, no accepted connections).
            Bootstrap d = new Bootstrap()
                    .group(group)
                    .channel(transport.datagramChannel())
                    .option(ChannelOption.ALLOCATOR, allocator)
                    // Every device's datagrams land on this one socket: the default 208 KiB buffer holds
                    // ~170 of them, which a burst of new flows (each opens an upstream socket) outlasts,
                    // and a CoAP device then waits 2-3 s to retransmit. 4 MiB; Linux caps it at
                    // net.core.rmem_max.
                    .option(ChannelOption.SO_RCVBUF, DATAGRAM_RECEIVE_BUFFER_BYTES)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            protocol.install(ch, listener);
                        }
                    });
            try {
                return d.bind(l.bind().host(), l.bind().port()).syncUninterruptibly().channel();
            } catch (RuntimeException e) {
                throw new IllegalStateException("listener '" + l.name() + "': cannot bind " + l.bind() + ": "
                        + e.getMessage(), e);
            }
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childHandler(new Accepted(this, listener));
        try {
            Channel server = b.bind(l.bind().host(), l.bind().port()).syncUninterruptibly().channel();
            for (StreamLayer layer : layers) {
                layer.bound(server, listener);
            }
            return server;
        } catch (RuntimeException e) {
            throw new IllegalStateException("listener '" + l.name() + "': cannot bind " + l.bind() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Installs layer {@code i} and, through it, the ones above it and the protocol. */
    private void install(Channel ch, ListenerState listener, int i, String negotiated) {
        if (i == layers.size()) {
            ApplicationProtocol p = negotiated == null ? protocol
                    : ApplicationProtocol.BY_NAME.getOrDefault(negotiated, protocol);
            p.install(ch, listener);
            return;
        }
        layers.get(i).install(ch, listener, (c, chosen) -> install(c, listener, i + 1,
                chosen != null ? chosen : negotiated));
    }

    /** The initializer of every connection accepted on one listener. */
    private static final class Accepted extends ChannelInitializer<Channel> {
        private final ListenerStack stack;
        private final ListenerState listener;

        Accepted(ListenerStack stack, ListenerState listener) {
            this.stack = stack;
            this.listener = listener;
        }

        @Override
        protected void initChannel(Channel ch) {
            if (!listener.admit(ch.remoteAddress())) {
                ch.close();
                return;
            }
            listener.opened(ch);
            stack.install(ch, listener, 0, null);
        }
    }
}
