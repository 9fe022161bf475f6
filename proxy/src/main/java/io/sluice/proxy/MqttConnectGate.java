package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.algorithms.ratelimit.KeyInputs;
import io.sluice.algorithms.ratelimit.LimitChain;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.tls.ClientIdentity;
import io.sluice.proxy.tls.TlsTermination;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Reads an MQTT connection's first packet, which must be a CONNECT (MQTT 3.1, 3.1.1 or 5.0), and
 * hands its affinity key (client identifier or user name) and every byte read to the
 * {@link RelayConnection}, then leaves the pipeline. Nothing reaches a broker before the whole
 * CONNECT has arrived and decoded.
 *
 * <p>Framing is checked here (first byte exactly {@code 0x10}, a remaining length of at most four
 * bytes, the whole packet within {@code max-connect-size}); the packet itself is decoded by Netty's
 * {@link MqttDecoder}, which checks the protocol name and level, the reserved flag, the flag
 * combinations and the strings. What it refuses is answered, then the connection is closed:
 *
 * <table>
 *   <caption>Refusals</caption>
 *   <tr><th>problem</th><th>MQTT 5.0</th><th>MQTT 3.1 / 3.1.1</th></tr>
 *   <tr><td>unknown protocol level</td><td>CONNACK 0x84 unsupported protocol version</td><td>CONNACK 0x01 unacceptable protocol version</td></tr>
 *   <tr><td>client id refused (empty id with a persistent session on 3.1.1, over 23 bytes on 3.1)</td><td>CONNACK 0x85 client identifier not valid</td><td>CONNACK 0x02 identifier rejected</td></tr>
 *   <tr><td>packet over {@code max-connect-size}</td><td>CONNACK 0x95 packet too large</td><td>closed (3.1.1 has no code for it)</td></tr>
 *   <tr><td>other malformed CONNECT</td><td>CONNACK 0x81 malformed packet</td><td>closed (3.1.1 section 4.8: close the connection)</td></tr>
 *   <tr><td>over one of the listener's {@code rate-limits}</td><td>CONNACK 0x97 quota exceeded</td><td>CONNACK 0x03 server unavailable</td></tr>
 *   <tr><td>first packet not a CONNECT, or no CONNECT within {@code timeouts.connect-packet}</td><td colspan="2">closed: the version is not known, so no CONNACK can be right</td></tr>
 * </table>
 */
final class MqttConnectGate extends ChannelInboundHandlerAdapter {
    static final int MQTT_5 = 5;
    /** CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3) and reason codes of MQTT 5.0 (section 3.2.2.2). */
    static final int V3_UNACCEPTABLE_VERSION = 0x01;
    static final int V3_IDENTIFIER_REJECTED = 0x02;
    static final int V5_MALFORMED = 0x81;
    static final int V5_UNSUPPORTED_VERSION = 0x84;
    static final int V5_CLIENT_ID_NOT_VALID = 0x85;
    static final int V5_PACKET_TOO_LARGE = 0x95;

    /** MQTT 3.1.1 section 3.2.2.3: "the MQTT service is unavailable", the refusal over a rate limit. */
    static final int V3_SERVER_UNAVAILABLE = 0x03;
    /** MQTT 5.0 section 3.2.2.2: quota exceeded, the refusal over a rate limit. */
    static final int V5_QUOTA_EXCEEDED = 0x97;

    private final ProxyConfig.Mqtt config;
    private final RelayConnection relay;
    private final LimitChain limits;
    private final String listenerName;
    private ByteBuf read;
    private ScheduledFuture<?> timeout;
    private boolean done;

    MqttConnectGate(ProxyConfig.Mqtt config, RelayConnection relay, LimitChain limits, String listenerName) {
        this.config = config;
        this.relay = relay;
        this.limits = limits;
        this.listenerName = listenerName;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        read = ctx.alloc().buffer(256);
        timeout = ctx.executor().schedule(() -> refuse(ctx, -1), config.connectTimeoutNanos(), TimeUnit.NANOSECONDS);
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
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (read != null) {
            read.release();
            read = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof ByteBuf b)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            read.writeBytes(b);
        } finally {
            b.release();
        }
        examine(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!done) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent && !done) {
            // The client ended its output before a whole CONNECT.
            ReferenceCountUtil.release(evt);
            refuse(ctx, -1);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void examine(ChannelHandlerContext ctx) {
        if (read.readableBytes() < 2) {
            return;
        }
        if (read.getUnsignedByte(0) != 0x10) {
            // Not a CONNECT (type 1, flags 0): no version to answer in.
            refuse(ctx, -1);
            return;
        }
        long remaining = 0;
        int headerLength = 0;
        for (int i = 1; ; i++) {
            if (i > 4) {
                refuse(ctx, version(0) == MQTT_5 ? V5_MALFORMED : -1);
                return;
            }
            if (read.readableBytes() <= i) {
                // The remaining length is not all here yet: wait, unless what is here is already too much.
                if (read.readableBytes() > config.maxConnectBytes()) {
                    refuse(ctx, -1);
                }
                return;
            }
            int digit = read.getUnsignedByte(i);
            remaining |= (long) (digit & 0x7f) << (7 * (i - 1));
            if ((digit & 0x80) == 0) {
                headerLength = i + 1;
                break;
            }
        }
        long total = headerLength + remaining;
        if (total > config.maxConnectBytes()) {
            refuse(ctx, version(headerLength) == MQTT_5 ? V5_PACKET_TOO_LARGE : -1);
            return;
        }
        if (read.readableBytes() < total) {
            return;
        }
        decode(ctx, (int) total, headerLength);
    }

    private void decode(ChannelHandlerContext ctx, int total, int headerLength) {
        EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder(config.maxConnectBytes(), 65_535));
        Object m = null;
        Throwable cause = null;
        try {
            decoder.writeInbound(read.retainedSlice(0, total));
            m = decoder.readInbound();
            decoder.finishAndReleaseAll();
        } catch (RuntimeException e) {
            // The decoder threw rather than emit an invalid message; EmbeddedChannel rethrows it here.
            cause = e;
            decoder.close();
            decoder.releaseInbound();
        }
        int version = version(headerLength);
        if (cause == null && m instanceof io.netty.handler.codec.mqtt.MqttMessage mm && mm.decoderResult().isFailure()) {
            // A CONNECT the decoder refused comes as a plain message carrying the failure.
            cause = mm.decoderResult().cause();
        }
        MqttConnectMessage connect = m instanceof MqttConnectMessage c ? c : null;
        if (connect == null && cause == null) {
            ReferenceCountUtil.release(m);
            refuse(ctx, version == MQTT_5 ? V5_MALFORMED : -1);
            return;
        }
        if (cause == null && connect.decoderResult().isFailure()) {
            cause = connect.decoderResult().cause();
        }
        if (cause != null) {
            while (cause.getCause() != null && cause.getCause() != cause
                    && !(cause instanceof MqttUnacceptableProtocolVersionException)
                    && !(cause instanceof MqttIdentifierRejectedException)) {
                cause = cause.getCause();
            }
            if (cause instanceof MqttUnacceptableProtocolVersionException) {
                refuse(ctx, version == MQTT_5 ? V5_UNSUPPORTED_VERSION : V3_UNACCEPTABLE_VERSION);
            } else if (cause instanceof MqttIdentifierRejectedException) {
                refuse(ctx, version == MQTT_5 ? V5_CLIENT_ID_NOT_VALID : V3_IDENTIFIER_REJECTED);
            } else {
                refuse(ctx, version == MQTT_5 ? V5_MALFORMED : -1);
            }
            return;
        }
        String clientId = connect.payload().clientIdentifier();
        if (connect.variableHeader().version() == 4 && (clientId == null || clientId.isEmpty())
                && !connect.variableHeader().isCleanSession()) {
            // MQTT 3.1.1 section 3.1.3.1: a zero-byte client id needs CleanSession = 1.
            refuse(ctx, V3_IDENTIFIER_REJECTED);
            return;
        }
        if (!limits.isEmpty() && !limits.admit(new ConnectInputs(ctx.channel(), clientId, listenerName),
                System.nanoTime()).granted()) {
            refuse(ctx, version == MQTT_5 ? V5_QUOTA_EXCEEDED : V3_SERVER_UNAVAILABLE);
            return;
        }
        String key = "username".equals(config.affinityKey()) ? connect.payload().userName() : clientId;
        done = true;
        ByteBuf bytes = read;
        read = null;
        ctx.pipeline().remove(this);
        relay.connectPacket(key, bytes);
    }

    /**
     * The protocol level the CONNECT declares, read from the bytes without decoding (so a refusal
     * can answer in the client's version); -1 when not (yet) readable.
     */
    private int version(int headerLength) {
        if (headerLength <= 0) {
            // Where the variable header starts is not known yet: try each remaining-length size.
            for (int h = 2; h <= 5; h++) {
                if ((read.getUnsignedByte(h - 1) & 0x80) == 0) {
                    return version(h);
                }
                if (read.readableBytes() <= h) {
                    return -1;
                }
            }
            return -1;
        }
        if (read.readableBytes() < headerLength + 2) {
            return -1;
        }
        int nameLength = read.getUnsignedShort(headerLength);
        int at = headerLength + 2 + nameLength;
        return nameLength > 6 || read.readableBytes() <= at ? -1 : read.getUnsignedByte(at);
    }

    /** Answers {@code code} in the CONNACK of the declared version (none when {@code code < 0}), then closes. */
    private void refuse(ChannelHandlerContext ctx, int code) {
        if (done) {
            return;
        }
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (code < 0) {
            relay.closeBoth();
            return;
        }
        boolean v5 = code >= 0x80;
        ByteBuf connack = ctx.alloc().buffer(5);
        // Fixed header 0x20; remaining length 2 (3.1.1) or 3 (5.0: one byte for an empty property list).
        connack.writeByte(0x20).writeByte(v5 ? 3 : 2).writeByte(0).writeByte(code);
        if (v5) {
            connack.writeByte(0);
        }
        ctx.writeAndFlush(connack).addListener(ChannelFutureListener.CLOSE);
    }

    /** What a CONNECT knows for a rate-limit key: the client's address, client id, certificate and listener. */
    private record ConnectInputs(byte[] clientAddress, String mqttClientId, String clientCertificate, String listener)
            implements KeyInputs {
        ConnectInputs(io.netty.channel.Channel ch, String clientId, String listener) {
            this(address(ch), clientId, subject(ch), listener);
        }

        private static byte[] address(io.netty.channel.Channel ch) {
            return ProxyProtocolLayer.clientAddress(ch) instanceof InetSocketAddress isa && isa.getAddress() != null
                    ? isa.getAddress().getAddress() : null;
        }

        private static String subject(io.netty.channel.Channel ch) {
            ClientIdentity id = ch.attr(TlsTermination.CLIENT_IDENTITY).get();
            return id == null ? null : id.subject();
        }
    }
}
