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
 * <p>TLS to the backends ({@code upstream.tls}) wraps any of them ({@link #secured}): the pool puts
 * the cluster's {@link io.sluice.proxy.tls.UpstreamTlsContext} handler and an {@link UpstreamTlsGate}
 * under the connector's handlers, and the connection counts as made once the handshake is done.
 * {@link #H2} is HTTP/2 over TLS (ALPN h2), multiplexed as {@link #H2C}. The raw byte connector of
 * the TCP and MQTT relays is {@link RelayConnection#RAW}. Connections made by different connectors
 * are never interchangeable, so the pool keys idle connections by connector as well as by address.
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
    UpstreamConnector H2C = new Http2Streams("http", "h2c");

    /** HTTP/2 over TLS, per stream: as {@link #H2C} with {@code :scheme https}; see {@link #secured}. */
    UpstreamConnector H2 = new Http2Streams("https", "h2");

    /** The per-stream connectors of HTTP/2 upstreams. */
    final class Http2Streams implements UpstreamConnector {
        private final String scheme;
        private final String name;

        private Http2Streams(String scheme, String name) {
            this.scheme = scheme;
            this.name = name;
        }

        @Override
        public void install(Channel ch, UpstreamPool pool, InetSocketAddress address) {
            io.sluice.proxy.http.ResponseDecoder decoder = new io.sluice.proxy.http.ResponseDecoder(
                    UpstreamPool.MAX_STATUS_LINE, UpstreamPool.MAX_RESPONSE_HEADER_BYTES,
                    UpstreamPool.MAX_RESPONSE_HEADERS);
            ch.pipeline().addLast("bridge", new io.sluice.proxy.http2.UpstreamStreamBridge(scheme))
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
            return name;
        }
    }

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

    /**
     * The TLS layer under this connector's connections, or null in clear. For a {@link #multiplexed()}
     * connector it is the shared connection's; the streams' pipelines are {@link #install}'s.
     */
    default io.sluice.proxy.tls.UpstreamTlsContext tls() {
        return null;
    }

    /** The connector a cluster's {@code upstream.protocol} asks for, in clear. */
    static UpstreamConnector of(ProxyConfig.Cluster cluster) {
        return switch (cluster.upstream()) {
            case H2C -> H2C;
            case H2 -> H2;
            case HTTP1 -> HTTP1;
        };
    }

    /**
     * {@code base} over TLS with {@code tls} (which made it connector-specific: the pool never mixes
     * its connections with another's), or {@code base} itself when {@code tls} is null.
     */
    static UpstreamConnector secured(UpstreamConnector base, io.sluice.proxy.tls.UpstreamTlsContext tls) {
        return tls == null ? base : new Secured(base, tls);
    }

    /**
     * A connector over TLS. Equal when made of the same connector and the same context, so a cluster
     * rebuilt by a reload that kept its TLS context ({@link io.sluice.proxy.tls.UpstreamTlsContext#load})
     * keeps reusing its pooled connections.
     */
    record Secured(UpstreamConnector base, io.sluice.proxy.tls.UpstreamTlsContext tls) implements UpstreamConnector {
        @Override
        public void install(Channel ch, UpstreamPool pool, InetSocketAddress address) {
            base.install(ch, pool, address);
        }

        @Override
        public boolean multiplexed() {
            return base.multiplexed();
        }

        @Override
        public String toString() {
            return base == H2 ? "h2" : base + "+tls";
        }
    }
}
