package io.sluice.algorithms.ratelimit;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where a rate-limit key comes from. Every protocol names the same sources, so one limit
 * definition reads the same on an HTTP, MQTT or UDP listener; a protocol that has no such value
 * (a header on MQTT, an MQTT client id on HTTP) answers the empty string for it, so all its clients
 * share that part of the key rather than escaping the limit.
 */
public enum KeySource {
    /** The client's address, IPv4 or IPv6. */
    CLIENT_IP("client-ip"),
    /** The client's address cut to a prefix (a /24 for IPv4, a /64 for IPv6 unless told). */
    CIDR("cidr"),
    /** One request header's value (HTTP, HTTP/2, gRPC metadata). */
    HEADER("header"),
    /** The name of the route the request matched. */
    ROUTE("route"),
    /** The listener's name: one budget for everything that arrives on it. */
    LISTENER("listener"),
    /** An MQTT CONNECT's client identifier. */
    MQTT_CLIENT_ID("mqtt-client-id"),
    /** The verified TLS client certificate's subject (mTLS). */
    CLIENT_CERT("client-cert"),
    /** The subject ({@code sub}) of a verified JWT. */
    JWT_SUBJECT("jwt-subject");

    private final String configName;

    KeySource(String configName) {
        this.configName = configName;
    }

    /** The name a config file writes, e.g. {@code mqtt-client-id}. */
    public String configName() {
        return configName;
    }

    /** The source a config file names, or null. */
    public static KeySource byConfigName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (KeySource s : values()) {
            if (s.configName.equals(n)) {
                return s;
            }
        }
        return null;
    }

    /** Every config name, in declaration order, for error messages. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(KeySource::configName).toList();
    }
}
