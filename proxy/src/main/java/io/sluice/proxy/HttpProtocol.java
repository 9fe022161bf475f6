package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.http.RequestDecoder;

/**
 * The HTTP/1.1 listener pipeline: strict {@link RequestDecoder}, Netty's response encoder, then
 * the {@link ClientConnection} that proxies. A connection over the listener's
 * {@code max-connections} is accepted and closed at once, without a response (cheaper than an
 * answer and it tells the client's balancer to go elsewhere).
 */
final class HttpProtocol extends ChannelInitializer<Channel> {
    private final ListenerState listener;

    HttpProtocol(ListenerState listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!listener.admit()) {
            ch.close();
            return;
        }
        listener.opened(ch);
        // The client's FIN must not cut a response under way: ClientConnection keeps reading while
        // it waits for the backend (see its class comment), so it decides what an end of input means.
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // This initializer is registered for "http" only, so the listener's config is the HTTP record.
        ProxyConfig.HttpListener config = (ProxyConfig.HttpListener) listener.config;
        ProxyConfig.Limits limits = config.limits();
        RequestDecoder decoder = new RequestDecoder(limits.maxRequestLine(), limits.maxHeaderBytes(),
                limits.maxHeaders(), limits.maxBodyBytes(), config.timeouts().requestHeadersNanos(),
                config.timeouts().idleNanos());
        ProxyResponseEncoder encoder = new ProxyResponseEncoder();
        ch.pipeline().addLast("decoder", decoder)
                .addLast("encoder", encoder)
                .addLast("proxy", new ClientConnection(listener, decoder, encoder));
    }
}
