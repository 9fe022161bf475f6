package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.http.Http1Encoder;
import io.sluice.proxy.http.RequestDecoder;
import io.sluice.proxy.http2.Http2Edge;
import io.sluice.proxy.http2.StreamBridge;

/**
 * The {@code h2} application protocol, HTTP/2 from the client: chosen by TLS ALPN ({@code h2}), or
 * by the connection preface on an HTTP/1.1 listener (h2c with prior knowledge, see
 * {@link io.sluice.proxy.http2.PrefaceDetector}).
 *
 * <p>The connection runs Netty's frame codec with the edge limits of {@link Http2Edge} and a
 * multiplexer that gives every stream a child channel. Each stream's channel gets a
 * {@link StreamBridge}, a {@link RequestDecoder} with the listener's limits and a
 * {@link ClientConnection}: each stream is one request, routed, balanced, retried and logged on
 * its own by the same code as an HTTP/1.1 request, and sent upstream over the event loop's pool.
 * The stream channels share the connection's event loop, so a stream and its upstream connection
 * still run on one thread.
 *
 * <p>The connection itself reads continuously (AUTO_READ on): what bounds memory is the flow
 * control windows, which the streams only reopen as the proxy forwards what they carried.
 */
final class Http2Protocol implements ApplicationProtocol {
    static final Http2Protocol INSTANCE = new Http2Protocol();

    private Http2Protocol() {
    }

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public SocketKind socket() {
        return SocketKind.STREAM;
    }

    @Override
    public void install(Channel ch, ListenerState listener) {
        // Served on HTTP listeners (prior knowledge, or TLS with ALPN), so the listener's config is the HTTP record.
        ProxyConfig.HttpListener config = (ProxyConfig.HttpListener) listener.config;
        ProxyConfig.Limits limits = config.limits();
        // A client's FIN ends the connection: HTTP/2 has no request that outlives its connection.
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        ch.pipeline().addLast("h2", Http2Edge.serverCodec(limits.maxHeaderBytes()))
                .addLast("h2-connection", new Http2Connection())
                .addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.config().setAutoRead(false);
                        RequestDecoder decoder = new RequestDecoder(limits.maxRequestLine(), limits.maxHeaderBytes(),
                                limits.maxHeaders(), limits.maxBodyBytes());
                        // ClientConnection frames HTTP/1.1 bodies through this encoder; on a stream the
                        // bridge frames them, so it is handed one that is not in the pipeline.
                        stream.pipeline().addLast("bridge", new StreamBridge())
                                .addLast("decoder", decoder)
                                .addLast("proxy", new ClientConnection(listener, decoder, new Http1Encoder()));
                    }
                }));
        ch.config().setAutoRead(true);
    }

    /**
     * The connection as the listener sees it: a drain (SIGTERM, the listener removed by a reload)
     * closes it gracefully, which for HTTP/2 is a GOAWAY, then the open streams' ends, then the
     * close (Netty's graceful shutdown, at most {@link Http2Edge#GRACEFUL_SHUTDOWN_MILLIS}).
     */
    static final class Http2Connection extends ChannelInboundHandlerAdapter implements ListenerConnection {
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.fireChannelActive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.fireExceptionCaught(cause);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ctx.fireChannelInactive();
        }

        @Override
        public void drain() {
            if (ctx != null) {
                ctx.channel().close();
            }
        }
    }
}
