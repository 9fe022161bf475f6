package io.sluice.config.proxy;

import io.sluice.config.ByteSize;
import io.sluice.config.HostPort;
import java.time.Duration;
import java.util.List;

/**
 * The listeners that relay a byte stream to one cluster: {@code protocol: tcp} and
 * {@code protocol: mqtt}. They share every key but the MQTT ones ({@code max-connect-size},
 * {@code affinity-key}, {@code timeouts.connect-packet}), which a tcp listener refuses.
 */
public sealed interface StreamListenerSection extends ListenerSection {
    HostPort bind();

    Long maxConnections();

    String cluster();

    ProxyProtocolSection proxyProtocol();

    RateLimitSection rateLimit();

    /** {@code tls:} the block every stream listener shares; absent: plain TCP. */
    TlsSection tls();

    /** {@code protocol: tcp}: a bidirectional byte relay. */
    record Tcp(String name, HostPort bind, Long maxConnections, String cluster, TcpTimeoutsSection timeouts,
               ProxyProtocolSection proxyProtocol, RateLimitSection rateLimit, TlsSection tls)
            implements StreamListenerSection {
    }

    /**
     * {@code protocol: mqtt}: reads the CONNECT packet, routes on its client id (or user name), then
     * relays; {@code rate-limits} are applied once per CONNECT.
     */
    record Mqtt(String name, HostPort bind, Long maxConnections, String cluster, MqttTimeoutsSection timeouts,
                ByteSize maxConnectSize, String affinityKey, ProxyProtocolSection proxyProtocol,
                RateLimitSection rateLimit, TlsSection tls, List<ProtectionSections.RateLimitSection> rateLimits,
                WebSocketSection websocket)
            implements StreamListenerSection {
    }

    /** {@code websocket:} of an mqtt listener: MQTT over WebSocket (subprotocol {@code mqtt}) on {@code path}. */
    record WebSocketSection(String path) {
    }

    /** {@code timeouts:} of a tcp listener. */
    record TcpTimeoutsSection(Duration idle) {
    }

    /** {@code timeouts:} of an mqtt listener. */
    record MqttTimeoutsSection(Duration idle, Duration connectPacket) {
    }

    /**
     * {@code proxy-protocol:} PROXY protocol (HAProxy) headers: {@code accept} from the
     * {@code trusted-sources} (CIDR blocks; a connection from elsewhere is closed), and {@code send}
     * ({@code none}, {@code v1}, {@code v2}) to the backends.
     */
    record ProxyProtocolSection(Boolean accept, List<String> trustedSources, String send) {
    }

    /** {@code rate-limit:} new connections per second, for the listener and per source address; 0 or absent: none. */
    record RateLimitSection(Double perSecond, Long burst, Double perSourcePerSecond, Long perSourceBurst) {
    }
}
