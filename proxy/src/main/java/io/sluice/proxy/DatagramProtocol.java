package io.sluice.proxy;

import io.netty.channel.Channel;
import io.sluice.config.proxy.ProxyConfig;

/**
 * The datagram application protocols: {@code udp}, a datagram proxy with a flow table, and
 * {@code coap}, the same with {@link CoapInspector} reading each datagram first. Both run on the
 * listener's one bound datagram socket ({@link ListenerStack} binds it) as a {@link DatagramProxy}.
 */
final class DatagramProtocol implements ApplicationProtocol {
    static final DatagramProtocol UDP = new DatagramProtocol("udp");
    static final DatagramProtocol COAP = new DatagramProtocol("coap");

    private final String name;

    private DatagramProtocol(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SocketKind socket() {
        return SocketKind.DATAGRAM;
    }

    @Override
    public void install(Channel ch, ListenerState listener) {
        // Installed for "udp" and "coap" listeners only, so the listener's config is the datagram record.
        ProxyConfig.DatagramListener config = (ProxyConfig.DatagramListener) listener.config;
        CoapInspector coap = this == COAP ? new CoapInspector(config.dtlsCidLength()) : null;
        ch.pipeline().addLast("datagram", new DatagramProxy(listener, coap));
    }
}
