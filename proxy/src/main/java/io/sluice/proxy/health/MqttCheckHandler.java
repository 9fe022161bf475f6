package io.sluice.proxy.health;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;

/**
 * Reports an MQTT check connection's answer to its {@link BackendProbe}: the CONNACK's return
 * code, or why there is none. One per channel; messages are released by
 * {@link SimpleChannelInboundHandler} (decoded MQTT control packets hold no buffers anyway).
 */
final class MqttCheckHandler extends SimpleChannelInboundHandler<MqttMessage> {
    private final BackendProbe probe;

    MqttCheckHandler(BackendProbe probe) {
        this.probe = probe;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
        if (msg.decoderResult().isFailure()) {
            probe.onBroken(ctx.channel(), "bad MQTT answer: " + BackendProbe.describe(msg.decoderResult().cause()));
        } else if (msg instanceof MqttConnAckMessage ack) {
            probe.onMqttConnack(ctx.channel(), ack.variableHeader().connectReturnCode());
        } else {
            probe.onBroken(ctx.channel(), "MQTT " + msg.fixedHeader().messageType() + " where CONNACK was expected");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        probe.onBroken(ctx.channel(), "connection closed before a response");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        probe.onBroken(ctx.channel(), BackendProbe.describe(cause));
    }
}
