package io.sluice.proxy;

/**
 * The handler of one accepted connection, as the listener sees it: the one thing a graceful stop
 * or a listener removal needs from any application protocol. Each protocol's connection handler
 * implements it ({@link ClientConnection} for HTTP/1.1).
 */
interface ListenerConnection {
    /**
     * Close when the exchange under way (request, MQTT session hand-over, ...) is done, or now if
     * none is; take nothing new. Runs on the connection's event loop.
     */
    void drain();
}
