package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.http.Http1Encoder;
import io.sluice.proxy.http.RequestDecoder;
import io.sluice.proxy.http2.PrefaceDetector;

/**
 * The {@code http} application protocol, HTTP/1.1: the strict {@link RequestDecoder}, the
 * {@link Http1Encoder} that writes the heads the proxy encodes and frames bodies, then the
 * {@link ClientConnection} that proxies; unless the connection starts with the HTTP/2 preface
 * (h2c with prior knowledge, see {@link PrefaceDetector}), in which case it is {@link Http2Protocol}'s.
 * Admission and connection tracking are the
 * {@link ListenerStack}'s.
 */
final class Http1Protocol implements ApplicationProtocol {
    static final Http1Protocol INSTANCE = new Http1Protocol();

    private Http1Protocol() {
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public SocketKind socket() {
        return SocketKind.STREAM;
    }

    @Override
    public void install(Channel ch, ListenerState listener) {
        // The client's FIN must not cut a response under way: ClientConnection keeps reading while
        // it waits for the backend (see its class comment), so it decides what an end of input means.
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // Installed for "http" listeners only, so the listener's config is the HTTP record.
        ProxyConfig.HttpListener config = (ProxyConfig.HttpListener) listener.config;
        ProxyConfig.Limits limits = config.limits();
        RequestDecoder decoder = new RequestDecoder(limits.maxRequestLine(), limits.maxHeaderBytes(),
                limits.maxHeaders(), limits.maxBodyBytes());
        Http1Encoder encoder = new Http1Encoder();
        ClientConnection proxy = new ClientConnection(listener, decoder, encoder);
        // h2c with prior knowledge shares the HTTP/1.1 port: the first bytes decide (PrefaceDetector).
        ch.pipeline().addLast("h2-preface", new PrefaceDetector(new PrefaceDetector.Choice() {
            @Override
            public void http1(ChannelHandlerContext ctx) {
                ctx.pipeline().addAfter(ctx.name(), "decoder", decoder)
                        .addAfter("decoder", "encoder", encoder)
                        .addAfter("encoder", "proxy", proxy);
            }

            @Override
            public void http2(ChannelHandlerContext ctx) {
                Http2Protocol.INSTANCE.install(ch, listener);
            }
        }, config.timeouts().idleNanos()));
    }
}
