package io.sluice.proxy;

import io.netty.channel.Channel;
import io.sluice.proxy.config.ProxyConfig;
import java.net.InetSocketAddress;

/**
 * How a cluster's connections to its backends are made above the TCP socket: the upstream
 * counterpart of a listener's layers and protocol. {@link UpstreamPool} opens the socket over the
 * process's {@link Transport}; the connector adds what runs on it. One implementation exists
 * today, {@link #HTTP1}: HTTP/1.1 in clear, one request at a time per connection, pooled for
 * keep-alive.
 *
 * <p>Planned (issue 11), chosen per cluster: TLS to the backends (Netty's {@code SslHandler} with
 * SNI and verification against a CA bundle, optionally a client certificate) under either
 * protocol, and HTTP/2 ({@code h2} over TLS, {@code h2c} in clear) with a few multiplexed
 * connections per backend per event loop in place of the keep-alive pool. Issue 12 adds a raw
 * byte connector for TCP and MQTT relays and an optional PROXY protocol header towards backends.
 * Connections made by different connectors are never interchangeable, so once there is more than
 * one, the pool keys idle connections by connector as well as by address.
 */
interface UpstreamConnector {
    /** Plain HTTP/1.1: {@link Http1Encoder}, the strict {@link io.sluice.proxy.http.ResponseDecoder} and an {@link UpstreamConnection}. */
    UpstreamConnector HTTP1 = new UpstreamConnector() {
        @Override
        public void install(Channel ch, UpstreamPool pool, InetSocketAddress address) {
            io.sluice.proxy.http.ResponseDecoder decoder = new io.sluice.proxy.http.ResponseDecoder(
                    UpstreamPool.MAX_STATUS_LINE, UpstreamPool.MAX_RESPONSE_HEADER_BYTES,
                    UpstreamPool.MAX_RESPONSE_HEADERS);
            io.sluice.proxy.http.Http1Encoder encoder = new io.sluice.proxy.http.Http1Encoder();
            ch.pipeline().addLast("encoder", encoder)
                    .addLast("decoder", decoder)
                    .addLast("upstream", new UpstreamConnection(pool, address, decoder, encoder));
        }

        @Override
        public String toString() {
            return "http1";
        }
    };

    /**
     * Adds this connector's handlers to a new connection to {@code address}, made by
     * {@code pool}; once connected, the pipeline holds an {@link UpstreamConnection}.
     */
    void install(Channel ch, UpstreamPool pool, InetSocketAddress address);

    /** The connector a cluster's config asks for: {@link #HTTP1} until clusters can ask for TLS or h2. */
    static UpstreamConnector of(ProxyConfig.Cluster cluster) {
        return HTTP1;
    }
}
