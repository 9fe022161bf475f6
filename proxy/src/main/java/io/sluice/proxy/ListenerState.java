package io.sluice.proxy;

import io.netty.channel.Channel;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.metrics.ListenerMetrics;
import io.sluice.proxy.metrics.ProxyMetrics;
import io.sluice.proxy.metrics.RouteMetrics;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound listener: its current config (new connections take the newest after a reload), its open
 * connections (counted for {@code max-connections}, kept to drain them), its metrics and the proxy
 * it belongs to.
 *
 * <p>Draining (a graceful stop, or a reload that removed the listener): the server socket is
 * closed, so nothing new is accepted; connections finish the exchange under way and close,
 * idle ones close at once. A removed listener's connections keep routing with its last routes,
 * {@link #finalRouter}.
 */
final class ListenerState {
    final String name;
    final Proxy proxy;
    final ListenerMetrics metrics;
    final AtomicInteger connections = new AtomicInteger();
    final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    volatile ProxyConfig.Listener config;
    volatile Channel serverChannel;
    volatile boolean draining;
    volatile Router finalRouter;
    /** The listener's TLS termination, or null for plain TCP. */
    volatile io.sluice.proxy.tls.TlsTermination tls;
    /** The listener's bearer-token verifier ({@code jwt:}), or null for none. */
    volatile JwtVerifier jwt;

    private final ProxyMetrics allMetrics;
    /** The accept limits of the current config; rebuilt when a reload changes them. */
    private volatile AcceptGate acceptGate = AcceptGate.NONE;
    private volatile RouteMetrics noRoute;

    ListenerState(ProxyConfig.Listener config, Proxy proxy, ProxyMetrics metrics) {
        this.name = config.name();
        this.config = config;
        this.proxy = proxy;
        this.allMetrics = metrics;
        this.metrics = metrics.listener(name);
    }

    /** The counters of requests that matched no route; made on first use, so unused they export nothing. */
    RouteMetrics noRouteMetrics() {
        RouteMetrics r = noRoute;
        if (r == null) {
            r = allMetrics.route(name, Telemetry.NONE, Telemetry.NONE);
            noRoute = r;
        }
        return r;
    }

    /**
     * Counts a new connection in; false (and nothing counted) when the listener is full (counted in
     * {@code sluice_listener_connections_refused_total}) or draining.
     */
    boolean admit() {
        return admit(null);
    }

    /**
     * As {@link #admit()}, also refusing a connection over the listener's accept rate or its
     * source's (counted in {@code sluice_listener_connections_refused_total} too), and every
     * connection while the proxy is overloaded ({@code sluice_overload_connections_refused_total}).
     *
     * @param remote the client's address, null when unknown
     */
    boolean admit(java.net.SocketAddress remote) {
        if (!draining && proxy.overloadLevel() != io.sluice.algorithms.overload.OverloadState.Level.NORMAL) {
            // overload: stop accepting (and shedding): closed at once, counted apart from the listener's refusals
            proxy.overloadMetrics().connectionRefused(name);
            return false;
        }
        if (!draining && !acceptGate().admit(remote, System.nanoTime())) {
            metrics.connectionRefused();
            return false;
        }
        int max = config.maxConnections();
        while (true) {
            if (draining) {
                return false;
            }
            int now = connections.get();
            if (now >= max) {
                metrics.connectionRefused();
                return false;
            }
            if (connections.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private AcceptGate acceptGate() {
        io.sluice.config.proxy.Protection.AcceptLimits wanted = config instanceof ProxyConfig.HttpListener h
                ? h.protection().acceptLimits() : io.sluice.config.proxy.Protection.AcceptLimits.NONE;
        AcceptGate g = acceptGate;
        if (g.limits().equals(wanted)) {
            return g;
        }
        // Two loops accepting at once must not each make a gate (each with a full budget).
        synchronized (this) {
            g = acceptGate;
            if (!g.limits().equals(wanted)) {
                g = AcceptGate.of(wanted, System.nanoTime());
                acceptGate = g;
            }
            return g;
        }
    }

    /** Tracks an admitted connection until it closes. */
    void opened(Channel ch) {
        channels.add(ch);
        metrics.connectionOpened();
        ch.closeFuture().addListener(f -> {
            channels.remove(ch);
            connections.decrementAndGet();
            metrics.connectionClosed();
        });
    }

    /** The protocol's connection handler in {@code ch}'s pipeline, or null before it is installed. */
    private static ListenerConnection connection(Channel ch) {
        for (java.util.Map.Entry<String, io.netty.channel.ChannelHandler> e : ch.pipeline()) {
            if (e.getValue() instanceof ListenerConnection c) {
                return c;
            }
        }
        return null;
    }

    /**
     * Stops accepting and asks every connection to close after its exchange under way. Returns at
     * once; {@link #connections} falls to zero as they close.
     */
    void drain() {
        draining = true;
        Channel server = serverChannel;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        for (Channel ch : channels) {
            ch.eventLoop().execute(() -> {
                ListenerConnection c = connection(ch);
                if (c != null) {
                    c.drain();
                } else {
                    ch.close();
                }
            });
        }
    }
}
