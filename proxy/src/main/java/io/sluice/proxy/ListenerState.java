package io.sluice.proxy;

import io.netty.channel.Channel;
import io.sluice.proxy.config.ProxyConfig;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound listener: its current config (new connections take the newest after a reload), its open
 * connection count (for {@code maxConnections}) and the proxy it belongs to.
 */
final class ListenerState {
    final String name;
    final Proxy proxy;
    final AtomicInteger connections = new AtomicInteger();
    volatile ProxyConfig.Listener config;
    volatile Channel serverChannel;

    ListenerState(ProxyConfig.Listener config, Proxy proxy) {
        this.name = config.name();
        this.config = config;
        this.proxy = proxy;
    }

    /**
     * Counts a new connection in; false (and nothing counted) when the listener is full.
     */
    boolean admit() {
        int max = config.maxConnections();
        while (true) {
            int now = connections.get();
            if (now >= max) {
                return false;
            }
            if (connections.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }
}
