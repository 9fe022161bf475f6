package io.sluice.proxy;

import io.netty.channel.Channel;
import io.sluice.config.proxy.ProxyConfig;
import java.net.InetSocketAddress;

/**
 * How a cluster's connections to its backends are made above the TCP socket: the upstream
 * counterpart of a listener's layers and protocol. {@link UpstreamPool} opens the socket over the
 * process's {@link Transport}; the connector adds what runs on it. One implementation exists
 * today, {@link #HTTP1}: HTTP/1.1 in clear, one request at a time per connection, pooled for
 * keep-alive.
 *
 * <p>{@link #H2C} ({@code upstream.protocol: h2c}) is HTTP/2 in clear: the pool's connections to
 * an address are a few multiplexed ones ({@link Http2Upstreams}) and each request opens a stream,
 * which this connector equips as a one-request HTTP/1.1 connection (see
 * {@link io.sluice.proxy.http2.UpstreamStreamBridge}); it is {@link #multiplexed()}, so
 * {@link ClientConnection} asks the pool for a stream rather than an idle connection.
 *
 * <p>Planned (issue 11): TLS to the backends (Netty's {@code SslHandler} with SNI and
 * verification against a CA bundle, optionally a client certificate) under either protocol, and
 * {@code h2} over TLS with ALPN. Issue 12 adds a raw
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
     * HTTP/2 in clear, per stream: the pipeline of one stream to {@code address} opened by
     * {@link Http2Upstreams}: the bridge, the strict response decoder and an {@link UpstreamConnection}
     * whose encoder is not in the pipeline (the bridge frames the body).
     */
    UpstreamConnector H2C = new UpstreamConnector() {
        @Override
        public void install(Channel ch, UpstreamPool pool, InetSocketAddress address) {
            io.sluice.proxy.http.ResponseDecoder decoder = new io.sluice.proxy.http.ResponseDecoder(
                    UpstreamPool.MAX_STATUS_LINE, UpstreamPool.MAX_RESPONSE_HEADER_BYTES,
                    UpstreamPool.MAX_RESPONSE_HEADERS);
            ch.pipeline().addLast("bridge", new io.sluice.proxy.http2.UpstreamStreamBridge("http"))
                    .addLast("decoder", decoder)
                    .addLast("upstream", new UpstreamConnection(pool, address, decoder,
                            new io.sluice.proxy.http.Http1Encoder()));
        }

        @Override
        public boolean multiplexed() {
            return true;
        }

        @Override
        public String toString() {
            return "h2c";
        }
    };

    /**
     * Adds this connector's handlers to a new connection to {@code address}, made by
     * {@code pool}; once connected, the pipeline holds an {@link UpstreamConnection}.
     */
    void install(Channel ch, UpstreamPool pool, InetSocketAddress address);

    /**
     * Whether requests go out as streams of shared connections ({@link UpstreamPool#http2()}) rather
     * than over idle pooled connections, one at a time.
     */
    default boolean multiplexed() {
        return false;
    }

    /** The connector a cluster's {@code upstream.protocol} asks for. */
    static UpstreamConnector of(ProxyConfig.Cluster cluster) {
        return cluster.upstream() == ProxyConfig.UpstreamProtocol.H2C ? H2C : HTTP1;
    }
}
