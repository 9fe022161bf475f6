package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.algorithms.ratelimit.KeyedRateLimiter;
import io.sluice.algorithms.ratelimit.LimitChain;
import io.sluice.algorithms.ratelimit.RateLimit;
import io.sluice.algorithms.ratelimit.RateLimiter;
import io.sluice.config.proxy.Protection;
import io.sluice.config.proxy.ProxyConfig;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code tcp} and {@code mqtt} application protocols: a {@link RelayConnection} per accepted
 * connection, after an idle timer and, for {@code mqtt}, the {@link MqttConnectGate} that reads the
 * CONNECT packet and hands its affinity key to the relay (after {@link MqttWebSocketFrames} when the
 * listener takes MQTT over WebSocket). Connections over the listener's
 * {@code rate-limit} (for the listener or for their source address) are closed at once, before a
 * byte is read; an mqtt listener's {@code rate-limits} are applied to each CONNECT by the gate.
 */
final class StreamRelayProtocol implements ApplicationProtocol {
    static final StreamRelayProtocol TCP = new StreamRelayProtocol("tcp");
    static final StreamRelayProtocol MQTT = new StreamRelayProtocol("mqtt");

    /** Most source addresses a per-source limiter remembers (least recently used beyond). */
    private static final int MAX_SOURCES = 100_000;

    /** Each listener's connection gate, made on its first connection and again when its rate limit changes. */
    private static final Map<ListenerState, RateGate> GATES = Collections.synchronizedMap(new WeakHashMap<>());

    /** Each mqtt listener's CONNECT rate limits with the rules they were made from. */
    private static final Map<ListenerState, ConnectLimits> CONNECT_LIMITS = new WeakHashMap<>();

    private final String name;

    private StreamRelayProtocol(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SocketKind socket() {
        return SocketKind.STREAM;
    }

    @Override
    public void install(Channel ch, ListenerState listener) {
        // Installed for tcp and mqtt listeners only, so the config is a stream listener's.
        ProxyConfig.StreamListener config = (ProxyConfig.StreamListener) listener.config;
        if (!gate(listener, config).admit(ProxyProtocolLayer.clientAddress(ch))) {
            ch.close();
            return;
        }
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        RelayConnection relay = new RelayConnection(listener, config);
        if (config.mqtt() != null && config.mqtt().websocketPath() != null) {
            MqttWebSocketFrames.install(ch.pipeline(), config.mqtt());
        }
        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, config.idleNanos(), TimeUnit.NANOSECONDS));
        if (config.mqtt() != null) {
            ch.pipeline().addLast("mqtt-connect", new MqttConnectGate(config.mqtt(), relay,
                    connectLimits(listener, config.mqtt().rateLimits()), listener.name));
        }
        ch.pipeline().addLast("relay", relay);
    }

    /**
     * The listener's CONNECT rate limits, compiled once per config: a reload that changes them keeps
     * the budgets of the limits it left alone, as an HTTP listener's do.
     */
    private static LimitChain connectLimits(ListenerState listener, List<Protection.RateLimitRule> rules) {
        if (rules.isEmpty()) {
            return LimitChain.NONE;
        }
        synchronized (CONNECT_LIMITS) {
            ConnectLimits held = CONNECT_LIMITS.get(listener);
            if (held == null || !held.rules.equals(rules)) {
                held = new ConnectLimits(rules, RateLimits.chain(rules, held == null ? null : held.chain));
                CONNECT_LIMITS.put(listener, held);
            }
            return held.chain;
        }
    }

    private record ConnectLimits(List<Protection.RateLimitRule> rules, LimitChain chain) {
    }

    private static RateGate gate(ListenerState listener, ProxyConfig.StreamListener config) {
        RateGate g = GATES.get(listener);
        if (g == null || !g.limit.equals(config.rateLimit())) {
            g = new RateGate(config.rateLimit());
            GATES.put(listener, g);
        }
        return g;
    }

    /** The token buckets of one listener's rate limit: thread-safe (every event loop admits through it). */
    private static final class RateGate {
        final ProxyConfig.ConnectionRateLimit limit;
        private final RateLimiter all;
        private final KeyedRateLimiter perSource;

        RateGate(ProxyConfig.ConnectionRateLimit limit) {
            this.limit = limit;
            long now = System.nanoTime();
            this.all = limit.perSecond() > 0 ? bucket(limit.perSecond(), limit.burst()).newLimiter(now) : null;
            this.perSource = limit.perSourcePerSecond() > 0
                    ? KeyedRateLimiter.create(bucket(limit.perSourcePerSecond(), limit.perSourceBurst()), MAX_SOURCES)
                    : null;
        }

        /** A token bucket of {@code perSecond} (fractions kept to a thousandth) holding at most {@code burst}. */
        private static RateLimit bucket(double perSecond, long burst) {
            if (perSecond == Math.rint(perSecond)) {
                return RateLimit.tokenBucket((long) perSecond, 1_000_000_000L, burst);
            }
            long permits = Math.max(1, Math.round(perSecond * 1000));
            return RateLimit.tokenBucket(permits, 1_000_000_000_000L, burst);
        }

        boolean admit(java.net.SocketAddress source) {
            long now = System.nanoTime();
            if (perSource != null && source instanceof InetSocketAddress isa
                    && perSource.tryAcquire(isa.getAddress().getHostAddress(), 1, now) != 0) {
                return false;
            }
            return all == null || all.tryAcquire(1, now) == 0;
        }
    }
}
