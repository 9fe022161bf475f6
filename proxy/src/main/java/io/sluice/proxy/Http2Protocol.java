package io.sluice.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.config.proxy.ProxyConfig;
import java.util.concurrent.TimeUnit;
import io.sluice.proxy.http.Http1Encoder;
import io.sluice.proxy.http.RequestDecoder;
import io.sluice.proxy.http2.Http2Edge;
import io.sluice.proxy.http2.StreamBridge;

/**
 * The {@code h2} application protocol, HTTP/2 from the client: chosen by TLS ALPN ({@code h2}), or
 * by the connection preface on an HTTP/1.1 listener (h2c with prior knowledge, see
 * {@link io.sluice.proxy.http2.PrefaceDetector}). It is not a listener {@code protocol} of its own:
 * an {@code http} listener serves both.
 *
 * <p>The connection runs Netty's frame codec with the edge limits of {@link Http2Edge} and a
 * multiplexer that gives every stream a child channel. Each stream's channel gets a
 * {@link StreamBridge}, a {@link RequestDecoder} with the listener's limits and a
 * {@link ClientConnection}: each stream is one request, routed, balanced, retried and logged on
 * its own by the same code as an HTTP/1.1 request, and sent upstream over the event loop's pool
 * (HTTP/1.1 to the backend). The stream channels share the connection's event loop, so a stream
 * and its upstream connection still run on one thread. A stream the client resets closes its
 * channel, which cancels the upstream attempt (the upstream connection is closed, not pooled).
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
        Http2FrameCodec codec = Http2Edge.serverCodec(limits.maxHeaderBytes());
        ch.pipeline().addLast("h2", codec)
                .addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.config().setAutoRead(false);
                        RequestDecoder decoder = new RequestDecoder(limits.maxRequestLine(), limits.maxHeaderBytes(),
                                limits.maxHeaders(), limits.maxBodyBytes());
                        // ClientConnection frames HTTP/1.1 bodies through this encoder; on a stream the
                        // bridge frames them, so it is handed one that is not in the pipeline.
                        stream.pipeline().addLast("bridge", new StreamBridge(config.timeouts().stallNanos()))
                                .addLast("decoder", decoder)
                                .addLast("proxy", new ClientConnection(listener, decoder, new Http1Encoder()));
                    }
                }))
                .addLast("h2-connection", new Http2Downstream(codec, config.timeouts().idleNanos()));
        ch.config().setAutoRead(true);
    }

    /**
     * The connection as the listener sees it. On activation it opens the connection flow-control
     * window to {@link Http2Edge#CONNECTION_WINDOW} (SETTINGS only sets the streams' windows). A
     * drain (SIGTERM, the listener removed by a reload) is HTTP/2's graceful close: GOAWAY with the
     * last stream the proxy took, those streams finish, then the connection closes; the proxy's
     * drain timeout bounds the wait. A connection with no open stream for the listener's
     * {@code timeouts.idle} is closed the same way. Connection-level frames the multiplexer passes on (the
     * client's GOAWAY, acknowledged SETTINGS and PINGs) end here.
     */
    static final class Http2Downstream extends ChannelInboundHandlerAdapter implements ListenerConnection {
        private final Http2FrameCodec codec;
        private final long idleNanos;
        private ChannelHandlerContext ctx;
        private boolean draining;
        /** Armed while no stream is open. */
        private ScheduledFuture<?> idle;

        Http2Downstream(Http2FrameCodec codec, long idleNanos) {
            this.codec = codec;
            this.idleNanos = idleNanos;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            codec.connection().addListener(new Http2ConnectionAdapter() {
                @Override
                public void onStreamActive(Http2Stream stream) {
                    disarmIdle();
                }

                @Override
                public void onStreamClosed(Http2Stream stream) {
                    closeIfDrained();
                    armIdleIfNoStream();
                }
            });
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            int increment = Http2Edge.CONNECTION_WINDOW - Http2Edge.DEFAULT_WINDOW;
            // A window update without a stream is the connection's (Http2FrameCodec).
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment), ctx.voidPromise());
            armIdleIfNoStream();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            disarmIdle();
            ctx.fireChannelInactive();
        }

        private void armIdleIfNoStream() {
            if (idle == null && !draining && codec.connection().numActiveStreams() == 0 && ctx.channel().isActive()) {
                idle = ctx.executor().schedule(() -> {
                    idle = null;
                    if (codec.connection().numActiveStreams() == 0) {
                        drain();
                    }
                }, idleNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void disarmIdle() {
            if (idle != null) {
                idle.cancel(false);
                idle = null;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Protocol errors were answered by the codec (GOAWAY or RST_STREAM); I/O errors end the connection.
            if (!(cause instanceof io.netty.handler.codec.http2.Http2Exception)) {
                ctx.close();
            }
        }

        @Override
        public void drain() {
            if (ctx == null || draining) {
                return;
            }
            draining = true;
            disarmIdle();
            if (!ctx.channel().isActive()) {
                return;
            }
            // GOAWAY NO_ERROR names the last stream the client opened: those finish, later ones are refused.
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR), ctx.voidPromise());
            closeIfDrained();
        }

        private void closeIfDrained() {
            Http2Connection c = codec.connection();
            if (draining && c.numActiveStreams() == 0) {
                // Later on the loop: the last stream's final frames are written but maybe not flushed yet.
                ctx.executor().execute(() -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
                        .addListener(ChannelFutureListener.CLOSE));
            }
        }
    }
}
