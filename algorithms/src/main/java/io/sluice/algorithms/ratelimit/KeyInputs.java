package io.sluice.algorithms.ratelimit;

/**
 * What a protocol knows about one request or connection, for {@link LimitKey#of}. A protocol
 * implements the methods it can answer; the rest answer null (read as the empty string).
 */
public interface KeyInputs {
    /** The client address's bytes: 4 for IPv4, 16 for IPv6; null when unknown. */
    byte[] clientAddress();

    /** The first value of header {@code name} (case-insensitive), or null. */
    default String header(String name) {
        return null;
    }

    /** The matched route's name, or null. */
    default String route() {
        return null;
    }

    /** The listener's name, or null. */
    default String listener() {
        return null;
    }

    /** The MQTT client identifier, or null. */
    default String mqttClientId() {
        return null;
    }

    /** The verified client certificate's subject, or null. */
    default String clientCertificate() {
        return null;
    }

    /** The verified JWT's subject, or null. */
    default String jwtSubject() {
        return null;
    }
}
