package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.sluice.proxy.config.ProxyConfig;
import io.sluice.proxy.http.Http1Encoder;
import io.sluice.proxy.http.RequestDecoder;

/**
 * The {@code http} application protocol, HTTP/1.1: the strict {@link RequestDecoder}, the
 * {@link Http1Encoder} that writes the heads the proxy encodes and frames bodies, then the
 * {@link ClientConnection} that proxies. Admission and connection tracking are the
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
        ProxyConfig.Listener config = listener.config;
        ProxyConfig.Limits limits = config.limits();
        RequestDecoder decoder = new RequestDecoder(limits.maxRequestLine(), limits.maxHeaderBytes(),
                limits.maxHeaders(), limits.maxBodyBytes());
        Http1Encoder encoder = new Http1Encoder();
        ch.pipeline().addLast("decoder", decoder)
                .addLast("encoder", encoder)
                .addLast("proxy", new ClientConnection(listener, decoder, encoder));
    }
}
