package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.util.Map;

/**
 * What a listener speaks: a factory of the per-connection pipeline. The proxy looks a listener's
 * {@code protocol} up in {@link #BY_NAME}; a new protocol (https, h2, websocket, tcp, mqtt) is a
 * new entry here and a name in {@link io.sluice.config.proxy.ListenerSection} (one record per protocol).
 */
@FunctionalInterface
interface ListenerProtocol {
    /** The initializer of every connection accepted on {@code listener}. */
    ChannelInitializer<Channel> initializer(ListenerState listener);

    /** Every protocol this build serves, by config name. */
    Map<String, ListenerProtocol> BY_NAME = Map.of("http", HttpProtocol::new);
}
