package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.sluice.config.proxy.ProxyConfig;
import java.nio.charset.StandardCharsets;

/**
 * MQTT over WebSocket on an {@code mqtt} listener with {@code websocket: { path }} (MQTT 3.1.1 and 5.0,
 * section 6): the listener answers the client's WebSocket upgrade on {@code path} (subprotocol {@code mqtt},
 * or {@code mqttv3.1} for MQTT 3.1), then turns the binary frames into the MQTT byte stream and back. What
 * follows in the pipeline ({@link MqttConnectGate}, {@link RelayConnection}) is the plain mqtt listener's:
 * the CONNECT is read from the stream whatever the frames cut it into (the spec lets a packet span frames
 * and a frame hold several), routed on its client id, and relayed as plain MQTT to the brokers' TCP
 * listeners. The WebSocket ends at the proxy as TLS does.
 *
 * <p>Refused: a request on another path or one that is not an upgrade (404 or 400, closed), a text frame
 * (MQTT needs binary; close 1003), a frame over {@link #MAX_FRAME_BYTES} (close 1009). Pings are answered
 * and a Close frame closes, by Netty's {@link WebSocketServerProtocolHandler}. Bytes to the client go in one
 * binary frame per write (an MQTT packet or what one read from the broker brought).
 */
final class MqttWebSocketFrames extends ChannelDuplexHandler {
    /**
     * The largest frame accepted. Netty holds a whole frame before passing it on, so this bounds the memory
     * one client can make the proxy hold; MQTT clients send a packet a frame, so it is also the largest
     * PUBLISH a WebSocket device can send.
     */
    static final int MAX_FRAME_BYTES = 1 << 20;

    /** The WebSocket subprotocols of MQTT: {@code mqtt} (3.1.1 and 5.0) and {@code mqttv3.1} (3.1). */
    static final String SUBPROTOCOLS = "mqtt,mqttv3.1";

    /** Puts the HTTP upgrade and the frame handling at the end of {@code pipeline}, before the MQTT gate. */
    static void install(ChannelPipeline pipeline, ProxyConfig.Mqtt mqtt) {
        pipeline.addLast("ws-http", new HttpServerCodec());
        pipeline.addLast("ws-aggregator", new HttpObjectAggregator(8192));
        pipeline.addLast("ws-protocol", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(mqtt.websocketPath())
                .subprotocols(SUBPROTOCOLS)
                .checkStartsWith(false)
                .handshakeTimeoutMillis(Math.max(1, mqtt.connectTimeoutNanos() / 1_000_000))
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(MAX_FRAME_BYTES)
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .build())
                .build()));
        pipeline.addLast("ws-frames", new MqttWebSocketFrames());
    }

    private boolean text;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame || (msg instanceof ContinuationWebSocketFrame && !text)) {
            // The frame's content is the frame's one reference: whoever reads the bytes releases both.
            ctx.fireChannelRead(((io.netty.handler.codec.http.websocketx.WebSocketFrame) msg).content());
        } else if (msg instanceof FullHttpRequest request) {
            // The protocol handler passes on what is not an upgrade on the path (it answers bad upgrades itself).
            boolean malformed = request.decoderResult().isFailure();
            request.release();
            refuse(ctx, malformed ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.NOT_FOUND);
        } else if (msg instanceof io.netty.handler.codec.http.websocketx.TextWebSocketFrame) {
            ReferenceCountUtil.release(msg);
            text = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                    "MQTT over WebSocket takes binary frames")).addListener(ChannelFutureListener.CLOSE);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b && b.isReadable()) {
            ctx.write(new BinaryWebSocketFrame(b), promise);
        } else {
            // The relay's empty writes (ordering a flush or a close after queued bytes) stay empty.
            ctx.write(msg, promise);
        }
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
        byte[] body = (status.code() == 404 ? "MQTT over WebSocket is on another path\n" : "bad request\n")
                .getBytes(StandardCharsets.US_ASCII);
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set(HttpHeaderNames.CONNECTION, "close");
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
