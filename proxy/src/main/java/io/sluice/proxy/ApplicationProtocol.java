package io.sluice.proxy;

import io.netty.channel.Channel;
import java.util.Map;

/**
 * The top layer of a listener: what its connections speak once bytes flow, above the socket and
 * any {@link StreamLayer} (PROXY protocol, TLS). One implementation exists today,
 * {@link Http1Protocol} ({@code http}: the HTTP/1.1 proxy). {@link Http2Protocol} ({@code h2})
 * serves HTTP/2 on {@code http} listeners, chosen per connection by TLS ALPN or the h2c preface
 * (it is in {@link #BY_NAME} for ALPN, not a listener {@code protocol} of its own); issue 11 plans
 * {@code grpc}, issue 12 adds
 * {@code tcp} (a byte relay), {@code mqtt} (reads CONNECT, then relays), {@code websocket} (an
 * upgrade on an HTTP listener) and, over datagram sockets, {@code udp} and {@code coap}.
 *
 * <p>A protocol only adds its own handlers to a pipeline that the {@link ListenerStack} has set
 * up: admission against {@code maxConnections}, connection tracking for drains and stops, the
 * stream layers. It never binds a socket and never looks at TLS, so the same {@code http}
 * protocol serves a plain listener and an HTTPS one, and the same {@code mqtt} one MQTT over TCP
 * and over TLS. Its connection handler implements {@link ListenerConnection} so that graceful
 * stops and listener removals reach it.
 *
 * <p>Implementations are stateless and shared by every listener that names them; per-connection
 * state lives in the handlers they add.
 */
interface ApplicationProtocol {
    /** The name a listener's {@code protocol} gives (and ALPN, where it has one). */
    String name();

    /** The kind of socket it runs over. */
    SocketKind socket();

    /**
     * Adds this protocol's handlers at the end of {@code ch}'s pipeline, for a connection accepted
     * on {@code listener} (stream protocols), or for the listener's bound socket itself (datagram
     * protocols, which have no accepted connections). Runs on the channel's event loop.
     */
    void install(Channel ch, ListenerState listener);

    /** Stream or datagram: TCP connections accepted from a server socket, or datagrams on one bound socket. */
    enum SocketKind {
        STREAM, DATAGRAM
    }

    /** Every protocol this build serves, by name (the names {@code io.sluice.config.proxy.ListenerSection.protocols()} allows). */
    Map<String, ApplicationProtocol> BY_NAME = Map.of(Http1Protocol.INSTANCE.name(), Http1Protocol.INSTANCE,
            StreamRelayProtocol.TCP.name(), StreamRelayProtocol.TCP, StreamRelayProtocol.MQTT.name(), StreamRelayProtocol.MQTT,
            DatagramProtocol.UDP.name(), DatagramProtocol.UDP, DatagramProtocol.COAP.name(), DatagramProtocol.COAP,
            Http2Protocol.INSTANCE.name(), Http2Protocol.INSTANCE);
}
