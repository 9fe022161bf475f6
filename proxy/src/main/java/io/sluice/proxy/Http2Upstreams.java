package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.proxy.http2.Http2Edge;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/2 connections to backends ({@code upstream.protocol: h2c}, or {@code h2} over TLS) for one event loop: a few
 * multiplexed connections per backend address, each request a new stream on one of them. This is
 * what makes per-request balancing of gRPC possible: the client's one connection carries many
 * calls, each call is balanced on its own, and each goes out as a stream on the chosen backend's
 * shared connection, not as a connection of its own.
 *
 * <p>A request takes the first connection to its address that is not going away and has fewer
 * streams open than the backend's {@code SETTINGS_MAX_CONCURRENT_STREAMS}; when every one is full
 * (or there is none) a new connection is made, so the number of connections follows the
 * concurrency the backend allows, one for the usual 100 or more streams. A stream asked for while
 * its connection is still connecting opens once it is connected (or fails with it). A GOAWAY from
 * the backend takes its connection out of use (its streams below the GOAWAY's last stream id
 * finish); a connection without a stream for {@link UpstreamPool#IDLE_NANOS} is closed by a sweep.
 *
 * <p>Each stream's channel runs {@link io.sluice.proxy.http2.UpstreamStreamBridge}, a
 * {@link io.sluice.proxy.http.ResponseDecoder} and an {@link UpstreamConnection}: to the client
 * side a stream is an HTTP/1.1 connection that serves one request and is then closed.
 *
 * <p>Not thread-safe: only its event loop may call it (the streams and connections are on it too).
 */
final class Http2Upstreams {
    private final UpstreamPool pool;
    /** By connector and address: a cluster's TLS settings make its connections its own. */
    private final Map<Key, List<Connection>> connections = new HashMap<>();

    Http2Upstreams(UpstreamPool pool) {
        this.pool = pool;
        pool.loop().scheduleWithFixedDelay(this::closeIdle, UpstreamPool.SWEEP_NANOS, UpstreamPool.SWEEP_NANOS,
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * A new stream to {@code address}, ready for one request: its pipeline ends in an
     * {@link UpstreamConnection}. Fails when the connection cannot be made; cancelling it closes the
     * stream if it was opened.
     */
    Future<Channel> openStream(UpstreamConnector connector, InetSocketAddress address, long connectTimeoutNanos) {
        Promise<Channel> promise = pool.loop().newPromise();
        Key key = new Key(connector, address);
        List<Connection> list = connections.computeIfAbsent(key, a -> new ArrayList<>());
        Connection chosen = null;
        for (Connection c : list) {
            if (c.hasRoom()) {
                chosen = c;
                break;
            }
        }
        if (chosen == null) {
            chosen = connect(key, connectTimeoutNanos, list);
        }
        chosen.open(promise);
        return promise;
    }

    private Connection connect(Key key, long connectTimeoutNanos, List<Connection> list) {
        Connection c = new Connection(key);
        list.add(c);
        ChannelFuture f = pool.connect(key.connector().tls(), (ch, p, a) -> c.install(ch), key.address(),
                connectTimeoutNanos);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                c.failed(done.cause());
            }
        });
        return c;
    }

    private void forget(Connection c) {
        List<Connection> list = connections.get(c.key);
        if (list != null) {
            list.remove(c);
            if (list.isEmpty()) {
                connections.remove(c.key);
            }
        }
    }

    private void closeIdle() {
        long now = System.nanoTime();
        List<Connection> expired = new ArrayList<>();
        for (List<Connection> list : connections.values()) {
            for (Connection c : list) {
                if (c.streams == 0 && c.channel != null && now - c.idleSinceNanos > UpstreamPool.IDLE_NANOS) {
                    expired.add(c);
                }
            }
        }
        for (Connection c : expired) {
            forget(c);
            c.channel.close();
        }
    }

    /** Connections per address, for tests. */
    int connectionCount(InetSocketAddress address) {
        int n = 0;
        for (Map.Entry<Key, List<Connection>> e : connections.entrySet()) {
            if (e.getKey().address().equals(address)) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    /** What connections are shared by: the per-stream connector (with its TLS layer) and the address. */
    private record Key(UpstreamConnector connector, InetSocketAddress address) {
    }

    /** One multiplexed connection: its frame codec, the streams it carries and those waiting for it to connect. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final Key key;
        private final InetSocketAddress address;
        private Channel channel;
        private Http2FrameCodec codec;
        private boolean connected;
        private boolean goingAway;
        /** Streams asked for or open on this connection. */
        private int streams;
        private long idleSinceNanos = System.nanoTime();
        private List<Promise<Channel>> waiting = new ArrayList<>();

        Connection(Key key) {
            this.key = key;
            this.address = key.address();
        }

        void install(Channel ch) {
            channel = ch;
            Http2Settings settings = Http2Settings.defaultSettings()
                    .pushEnabled(false)
                    .initialWindowSize(Http2Edge.INITIAL_STREAM_WINDOW)
                    .maxHeaderListSize(UpstreamPool.MAX_RESPONSE_HEADER_BYTES);
            codec = Http2FrameCodecBuilder.forClient()
                    .initialSettings(settings)
                    .validateHeaders(true)
                    .autoAckSettingsFrame(true)
                    .autoAckPingFrame(true)
                    // Streams past the backend's SETTINGS_MAX_CONCURRENT_STREAMS wait in the encoder
                    // rather than fail (only possible before its SETTINGS arrive: hasRoom() counts).
                    .encoderEnforceMaxConcurrentStreams(true)
                    .encoderEnforceMaxQueuedControlFrames(Http2Edge.MAX_QUEUED_CONTROL_FRAMES)
                    .decoderEnforceMaxConsecutiveEmptyDataFrames(Http2Edge.MAX_CONSECUTIVE_EMPTY_FRAMES)
                    .build();
            // No server push is asked for; a stream a backend opens anyway is closed at once.
            ch.pipeline().addLast("h2", codec)
                    .addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel pushed) {
                            pushed.close();
                        }
                    }))
                    .addLast("h2-upstream", this);
        }

        /** Room for one more stream: not going away, under the backend's concurrent stream limit. */
        boolean hasRoom() {
            if (goingAway || channel != null && connected && !channel.isActive()) {
                return false;
            }
            int max = codec == null || !connected ? Http2Edge.MAX_CONCURRENT_STREAMS
                    : codec.connection().local().maxActiveStreams();
            return streams < max;
        }

        /** Counts the stream at once (so the next request sees it); every path below ends it exactly once. */
        void open(Promise<Channel> promise) {
            streams++;
            if (connected) {
                openNow(promise);
            } else {
                waiting.add(promise);
            }
        }

        private void openNow(Promise<Channel> promise) {
            if (promise.isDone()) {
                // Cancelled while the connection was being made.
                streamEnded();
                return;
            }
            new Http2StreamChannelBootstrap(channel).handler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.config().setAutoRead(false);
                    key.connector().install(stream, pool, address);
                }
            }).open().addListener(f -> {
                if (f.isSuccess()) {
                    Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                    stream.closeFuture().addListener(x -> streamEnded());
                    if (!promise.trySuccess(stream)) {
                        stream.close();
                    }
                } else {
                    streamEnded();
                    promise.tryFailure(f.cause());
                }
            });
        }

        private void streamEnded() {
            if (--streams == 0) {
                idleSinceNanos = System.nanoTime();
                if (goingAway && channel != null) {
                    channel.close();
                }
            }
        }

        void failed(Throwable cause) {
            forget(this);
            List<Promise<Channel>> w = waiting;
            waiting = new ArrayList<>();
            for (Promise<Channel> p : w) {
                streamEnded();
                p.tryFailure(cause);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connected = true;
            ctx.channel().config().setAutoRead(true);
            // SETTINGS only sizes the streams' windows; the connection's is opened by a WINDOW_UPDATE.
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(Http2Edge.CONNECTION_WINDOW - Http2Edge.DEFAULT_WINDOW),
                    ctx.voidPromise());
            List<Promise<Channel>> w = waiting;
            waiting = new ArrayList<>();
            for (Promise<Channel> p : w) {
                openNow(p);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                // Streams up to its last stream id finish; new requests go to another connection.
                goingAway = true;
                forget(this);
                if (streams == 0) {
                    ctx.close();
                }
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failed(new java.nio.channels.ClosedChannelException());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Protocol errors were answered by the codec; an I/O error ends the connection and its streams.
            if (!(cause instanceof io.netty.handler.codec.http2.Http2Exception)) {
                ctx.close();
            }
        }
    }
}
