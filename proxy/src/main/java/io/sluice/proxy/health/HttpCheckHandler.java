package io.sluice.proxy.health;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Reports a check connection's HTTP response to its {@link BackendProbe}. One per channel; every
 * message is released by {@link SimpleChannelInboundHandler} after it is read.
 */
final class HttpCheckHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final BackendProbe probe;

    HttpCheckHandler(BackendProbe probe) {
        this.probe = probe;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            probe.onBroken(ctx.channel(), "bad HTTP response: " + BackendProbe.describe(msg.decoderResult().cause()));
            return;
        }
        if (msg instanceof HttpResponse response) {
            probe.onResponseHead(ctx.channel(), response.status().code(), HttpUtil.isKeepAlive(response));
        }
        if (msg instanceof LastHttpContent) {
            probe.onResponseEnd(ctx.channel());
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
