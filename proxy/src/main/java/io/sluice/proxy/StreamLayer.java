package io.sluice.proxy;

import io.netty.channel.Channel;

/**
 * An optional layer between a stream socket and the {@link ApplicationProtocol}: whatever must
 * happen to an accepted connection's bytes before the application protocol sees them. A
 * {@link ListenerStack} applies its layers in order, each calling {@link Next#install} when it has
 * done its part, the last one installing the application protocol.
 *
 * <p>The two layers, in the order they stack:
 * <ol>
 *   <li><b>PROXY protocol acceptance</b> ({@link ProxyProtocolLayer}): reads a v1 or v2 header from a trusted
 *       fronting balancer (the source must be in the listener's trusted list, else the connection
 *       is closed), replaces the connection's client address with the one it carries, removes
 *       itself and calls {@code next} at once.</li>
 *   <li><b>TLS</b> ({@link TlsLayer}): adds Netty's {@code SslHandler} (certificate chosen by SNI, mutual
 *       TLS when configured) and, once the handshake is done, calls {@code next} with the name of the
 *       application protocol ALPN agreed on ({@code h2} for ALPN's {@code h2}, {@code http} for
 *       {@code http/1.1}), or with null when ALPN was not used, so the listener's own protocol
 *       applies. TLS wraps any stream protocol the same way: HTTPS, MQTT
 *       over TLS, TCP over TLS.</li>
 * </ol>
 *
 * <p>Layers are stateless and shared; per-connection state lives in the handlers they add.
 */
interface StreamLayer {
    /**
     * Adds this layer's handlers to {@code ch}'s pipeline and, now or once it has done its part
     * (a TLS handshake), calls {@code next}. Runs on the channel's event loop.
     */
    void install(Channel ch, ListenerState listener, Next next);

    /**
     * Called once the listener's socket {@code server} is bound: a layer with work of its own
     * (TLS polls its certificate files) starts it here and stops it when {@code server} closes.
     */
    default void bound(Channel server, ListenerState listener) {
    }

    /** What comes above a layer: the next layer, or the application protocol. */
    @FunctionalInterface
    interface Next {
        /**
         * @param negotiated the name of the application protocol a layer agreed on with the client
         *                   (by TLS ALPN), or null to keep the listener's
         */
        void install(Channel ch, String negotiated);
    }
}
