package io.sluice.proxy.health;

import io.sluice.algorithms.Durations;

import java.util.Objects;

/**
 * What one active health check does on the wire, for every backend of a cluster: an HTTP request
 * whose status must fall in a range, a bare TCP connect, an MQTT CONNECT that must be accepted, or
 * a CoAP ping over UDP that must be answered with a reset, or a gRPC health check
 * ({@code grpc.health.v1.Health/Check} over h2c) that must answer SERVING. How often it runs and how many results
 * move a backend up or down are {@link io.sluice.algorithms.health.HealthCheckConfig}'s business.
 *
 * <p>Immutable; the {@code with*} methods return a copy and reject a bad value with an
 * {@link IllegalArgumentException} naming the setting, the value and the allowed range, so a config
 * parser can pass its messages on. Defaults: timeout 1s, expected status 200-399, a new connection
 * per check ({@code Connection: close}), the backend's address as the {@code Host} header, and a
 * spread of 5% (each interval is stretched or shrunk by up to 5% at random, HAProxy's
 * {@code spread-checks}, so checks of many backends and many proxies drift apart instead of
 * arriving together).
 */
public final class CheckSpec {
    /** How a check talks to the backend. */
    public enum Kind {
        /** {@code GET path}; passes when the response status is in the expected range. */
        HTTP,
        /** Passes when a TCP connection is established; it is closed at once. */
        TCP,
        /**
         * MQTT 3.1.1 {@code CONNECT} (clean session, a client id of its own per backend and proxy);
         * passes on a {@code CONNACK} with return code 0, after which it sends {@code DISCONNECT}.
         */
        MQTT,
        /**
         * CoAP ping (RFC 7252 section 4.3): an empty confirmable message over UDP; passes on a reset
         * carrying the same message id.
         */
        COAP,
        /**
         * The gRPC health checking protocol over HTTP/2 in clear (h2c, prior knowledge): a unary
         * {@code grpc.health.v1.Health/Check} call for {@link #service()}; passes on grpc-status 0
         * with status SERVING (see {@link GrpcCheckHandler}).
         */
        GRPC
    }

    /** Shortest check timeout accepted: 1 ms. */
    public static final long MIN_TIMEOUT_NANOS = 1_000_000L;
    /** Longest check timeout accepted: 1 h. */
    public static final long MAX_TIMEOUT_NANOS = 3_600_000_000_000L;
    /** Largest spread accepted, in percent of the interval. */
    public static final int MAX_SPREAD_PERCENT = 50;

    private final Kind kind;
    private final String path;
    /** The gRPC service a GRPC check asks about ("" for the server); null for the other kinds. */
    private final String service;
    private final String host;
    private final int expectMin;
    private final int expectMax;
    private final long timeoutNanos;
    private final boolean keepAlive;
    private final int spreadPercent;
    /** TLS to the backend (the cluster's {@code upstream.tls}), or null in clear. */
    private final io.sluice.proxy.tls.UpstreamTlsContext tls;

    private CheckSpec(Kind kind, String path, String service, String host, int expectMin, int expectMax,
                      long timeoutNanos, boolean keepAlive, int spreadPercent) {
        this(kind, path, service, host, expectMin, expectMax, timeoutNanos, keepAlive, spreadPercent, null);
    }

    private CheckSpec(Kind kind, String path, String service, String host, int expectMin, int expectMax,
                      long timeoutNanos, boolean keepAlive, int spreadPercent,
                      io.sluice.proxy.tls.UpstreamTlsContext tls) {
        this.tls = tls;
        this.kind = kind;
        this.path = path;
        this.service = service;
        this.host = host;
        this.expectMin = expectMin;
        this.expectMax = expectMax;
        this.timeoutNanos = timeoutNanos;
        this.keepAlive = keepAlive;
        this.spreadPercent = spreadPercent;
    }

    /**
     * An HTTP check of {@code path}.
     *
     * @param path origin-form request target: starts with {@code /}, no spaces or control characters
     */
    public static CheckSpec http(String path) {
        return new CheckSpec(Kind.HTTP, checkPath(path), null, null, 200, 399, 1_000_000_000L, false, 5);
    }

    /** A TCP connect check. */
    public static CheckSpec tcp() {
        return new CheckSpec(Kind.TCP, null, null, null, 200, 399, 1_000_000_000L, false, 5);
    }

    /** An MQTT CONNECT/CONNACK check. */
    public static CheckSpec mqtt() {
        return new CheckSpec(Kind.MQTT, null, null, null, 200, 399, 1_000_000_000L, false, 5);
    }

    /**
     * A gRPC health check of {@code service}.
     *
     * @param service the service name the check asks about; "" asks about the server as a whole
     */
    public static CheckSpec grpc(String service) {
        Objects.requireNonNull(service, "service");
        return new CheckSpec(Kind.GRPC, null, service, null, 200, 399, 1_000_000_000L, false, 5);
    }

    /** A CoAP ping check. */
    public static CheckSpec coap() {
        return new CheckSpec(Kind.COAP, null, null, null, 200, 399, 1_000_000_000L, false, 5);
    }

    /**
     * How the proxy makes the checks of {@code policy}: its type and path, timeout and expected
     * statuses (spread and host at their defaults). The state machine that judges the results is
     * {@code policy.checks()}, the one the simulator runs too.
     */
    public static CheckSpec of(io.sluice.algorithms.policy.HealthCheckPolicy policy) {
        CheckSpec spec = switch (policy.type()) {
            case HTTP -> http(policy.path());
            case TCP -> tcp();
            case MQTT -> mqtt();
            case COAP -> coap();
            case GRPC -> grpc(policy.service());
        };
        return spec.withTimeout(policy.timeoutNanos()).withExpectStatus(policy.expectStatusMin(),
                policy.expectStatusMax());
    }

    /**
     * This spec over TLS with the cluster's {@code upstream.tls} (HTTP, TCP and MQTT checks; a TCP check
     * then passes when the handshake does); call it last, the other {@code with} methods drop it.
     */
    public CheckSpec withTls(io.sluice.proxy.tls.UpstreamTlsContext context) {
        return new CheckSpec(kind, path, service, host, expectMin, expectMax, timeoutNanos, keepAlive, spreadPercent, context);
    }

    /** TLS to the backend, or null in clear. */
    public io.sluice.proxy.tls.UpstreamTlsContext tls() {
        return tls;
    }

    /** @param nanos how long a check may take, connect included, in [1ms, 1h]; past it the check is a TIMEOUT */
    public CheckSpec withTimeout(long nanos) {
        if (nanos < MIN_TIMEOUT_NANOS || nanos > MAX_TIMEOUT_NANOS) {
            throw new IllegalArgumentException("health check timeout must be a duration in [1ms, 1h], got "
                    + (nanos <= 0 ? nanos + "ns" : Durations.format(nanos)));
        }
        return new CheckSpec(kind, path, service, host, expectMin, expectMax, nanos, keepAlive, spreadPercent, tls);
    }

    /**
     * @param min lowest passing status, in [100, 599]
     * @param max highest passing status, in [min, 599]
     */
    public CheckSpec withExpectStatus(int min, int max) {
        if (min < 100 || min > 599 || max < min || max > 599) {
            throw new IllegalArgumentException("health check expect-status must be a range of HTTP statuses within"
                    + " 100-599 with min <= max, got " + min + "-" + max);
        }
        return new CheckSpec(kind, path, service, host, min, max, timeoutNanos, keepAlive, spreadPercent, tls);
    }

    /**
     * Parses the config form: {@code "200-399"} or a single status {@code "200"}.
     *
     * @throws IllegalArgumentException naming the text and the allowed form
     */
    public CheckSpec withExpectStatus(String range) {
        Objects.requireNonNull(range, "expectStatus");
        String t = range.trim();
        int dash = t.indexOf('-');
        try {
            if (dash < 0) {
                int s = Integer.parseInt(t);
                return withExpectStatus(s, s);
            }
            return withExpectStatus(Integer.parseInt(t.substring(0, dash).trim()),
                    Integer.parseInt(t.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("health check expect-status: '" + range
                    + "' is not a status range; write MIN-MAX like 200-399, or one status like 200");
        }
    }

    /** @param hostHeader the {@code Host} header to send; null sends the backend's address */
    public CheckSpec withHost(String hostHeader) {
        if (hostHeader != null && (hostHeader.isBlank() || !printable(hostHeader) || hostHeader.indexOf(' ') >= 0)) {
            throw new IllegalArgumentException("health check host must be a host name without spaces or control"
                    + " characters, got '" + hostHeader + "'");
        }
        return new CheckSpec(kind, path, service, hostHeader, expectMin, expectMax, timeoutNanos, keepAlive, spreadPercent, tls);
    }

    /**
     * @param keep true keeps one connection per backend open between HTTP checks
     *             ({@code Connection: keep-alive}); false opens a new one per check
     *             ({@code Connection: close}). Ignored by the other kinds.
     */
    public CheckSpec withKeepAlive(boolean keep) {
        return new CheckSpec(kind, path, service, host, expectMin, expectMax, timeoutNanos, keep, spreadPercent, tls);
    }

    /** @param percent random stretch of each interval, in [0, 50]: interval x (1 + u percent/100), u uniform in [-1, 1] */
    public CheckSpec withSpreadPercent(int percent) {
        if (percent < 0 || percent > MAX_SPREAD_PERCENT) {
            throw new IllegalArgumentException("health check spread must be a percentage in [0, " + MAX_SPREAD_PERCENT
                    + "], got " + percent);
        }
        return new CheckSpec(kind, path, service, host, expectMin, expectMax, timeoutNanos, keepAlive, percent, tls);
    }

    /** HTTP, TCP, MQTT, CoAP or gRPC. */
    public Kind kind() {
        return kind;
    }

    /** The HTTP path; null for the other kinds. */
    public String path() {
        return path;
    }

    /** The service a GRPC check asks about ("" for the server); null for the other kinds. */
    public String service() {
        return service;
    }

    /** The configured {@code Host} header, or null to send the backend's address. */
    public String host() {
        return host;
    }

    /** Lowest passing HTTP status. */
    public int expectMin() {
        return expectMin;
    }

    /** Highest passing HTTP status. */
    public int expectMax() {
        return expectMax;
    }

    /** How long a check may take, connect included. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** Whether HTTP checks keep one connection per backend open. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Random stretch of each interval, in percent. */
    public int spreadPercent() {
        return spreadPercent;
    }

    /** True when {@code status} passes an HTTP check. */
    public boolean passes(int status) {
        return status >= expectMin && status <= expectMax;
    }

    /** The expected range as the config writes it: {@code 200-399}. */
    public String expectStatus() {
        return expectMin == expectMax ? Integer.toString(expectMin) : expectMin + "-" + expectMax;
    }

    private static String checkPath(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || !printable(path) || path.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("health check path must start with '/' and have no spaces or control"
                    + " characters, got '" + path + "'");
        }
        return path;
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 && c != ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case HTTP -> "http GET " + path + " expect " + expectStatus() + " timeout " + Durations.format(timeoutNanos)
                    + (keepAlive ? " keep-alive" : "") + (host != null ? " host " + host : "");
            case TCP -> "tcp timeout " + Durations.format(timeoutNanos);
            case MQTT -> "mqtt CONNECT expect CONNACK accepted timeout " + Durations.format(timeoutNanos);
            case COAP -> "coap ping expect RST timeout " + Durations.format(timeoutNanos);
            case GRPC -> "grpc Health/Check service '" + service + "' expect SERVING timeout "
                    + Durations.format(timeoutNanos);
        };
    }
}
