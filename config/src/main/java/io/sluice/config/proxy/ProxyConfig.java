package io.sluice.config.proxy;

import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.config.HostPort;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole proxy configuration as the proxy runs it (and the simulator reads it): immutable value
 * records, every default filled in, every duration in nanoseconds and every size in bytes, each
 * cluster's policy a {@link ClusterPolicy} from the algorithms module. Read one with
 * {@link ProxyConfigs}.
 *
 * <p>Records compare by value, so a reload can tell which clusters did not change
 * ({@code oldCluster.equals(newCluster)}) and keep their live load signals.
 *
 * @param admin             the admin API listener
 * @param workers           event-loop threads; 0 means one per core
 * @param accessLog         where the access log goes
 * @param drainTimeoutNanos how long a graceful stop (SIGTERM) lets requests under way finish before
 *                          it closes what is left; 30 s by default
 * @param listeners         every listener, in file order
 * @param clusters          every cluster, in file order
 * @param kafka             the Kafka control plane, or null
 * @param overload          the proxy's own overload control, or null for none
 */
public record ProxyConfig(Admin admin, int workers, AccessLog accessLog, long drainTimeoutNanos,
                          List<Listener> listeners, List<Cluster> clusters, Kafka kafka, Overload overload) {
    /** {@code drain-timeout} when the file has none: 30 s, Kubernetes' default termination grace period. */
    public static final long DEFAULT_DRAIN_TIMEOUT_NANOS = 30_000_000_000L;

    public ProxyConfig {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(accessLog, "accessLog");
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
    }

    /** A config without overload control. */
    public ProxyConfig(Admin admin, int workers, AccessLog accessLog, long drainTimeoutNanos,
                       List<Listener> listeners, List<Cluster> clusters, Kafka kafka) {
        this(admin, workers, accessLog, drainTimeoutNanos, listeners, clusters, kafka, null);
    }

    /** A config without the Kafka control plane. */
    public ProxyConfig(Admin admin, int workers, AccessLog accessLog, long drainTimeoutNanos,
                       List<Listener> listeners, List<Cluster> clusters) {
        this(admin, workers, accessLog, drainTimeoutNanos, listeners, clusters, null);
    }

    /** This config with {@code clusters} in place of its own (what a membership update reloads). */
    public ProxyConfig withClusters(List<Cluster> next) {
        return new ProxyConfig(admin, workers, accessLog, drainTimeoutNanos, listeners, next, kafka, overload);
    }

    /**
     * The {@code kafka:} section (docs/kafka.md); absent (null) when the file has none.
     *
     * @param bootstrapServers          host:port list
     * @param properties                passed to every Kafka client as written (SASL, SSL, ...)
     * @param instanceId                this proxy's name on the events and metrics topics
     * @param loadStalenessNanos        a load report older than this is ignored (default 5 s)
     * @param membershipStalenessNanos  a Kafka-fed backend not heard of for this long leaves (0 = never, the
     *                                  default: compacted membership is state, not a heartbeat)
     * @param metricsIntervalNanos      how often a metric snapshot is published (default 10 s)
     * @param accessLogSample           the fraction of requests sent to the access-log topic, 0 to 1 (0 = off)
     * @param accessLogMinStatus        only requests with at least this status are sent (0 = all)
     * @param bufferSize                the bounded outgoing buffer, in messages; past it messages are dropped
     * @param rateUsageIntervalNanos    how often the usage of global rate limits is published and the
     *                                  shares moved (default 250 ms)
     * @param rateUsageStalenessNanos   a peer's usage report counts this long (default 1 s)
     */
    public record Kafka(String bootstrapServers, Map<String, String> properties, String instanceId, Topics topics,
                        long loadStalenessNanos, long membershipStalenessNanos, long metricsIntervalNanos,
                        double accessLogSample, int accessLogMinStatus, int bufferSize,
                        long loadViewIntervalNanos, long loadViewStalenessNanos, long rateUsageIntervalNanos,
                        long rateUsageStalenessNanos) {
        public Kafka {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            properties = Map.copyOf(properties);
            Objects.requireNonNull(topics, "topics");
        }
    }

    /**
     * The {@code overload:} section: the proxy watches its own event loops and heap and, as Envoy's
     * overload manager does, first stops accepting connections, then also answers new requests 503.
     * A level is left once the resource's measure falls below the threshold that raised it by a margin
     * of {@code hysteresis} times its stop-accepting threshold
     * ({@link io.sluice.algorithms.overload.OverloadState}).
     *
     * @param intervalNanos  how often the measures are taken (and each event loop's probe timer fires)
     * @param hysteresis     the margin, as a fraction of each resource's stop-accepting threshold, [0, 0.9]
     * @param eventLoopDelay how late a timer may run, in nanoseconds; null when not watched
     * @param heap           heap in use over the maximum heap, 0 to 1; null when not watched
     */
    public record Overload(long intervalNanos, double hysteresis, OverloadThresholds eventLoopDelay,
                           OverloadThresholds heap) {
    }

    /**
     * @param stopAccepting at this measure new connections are closed at once
     * @param shed          at this measure (at least stopAccepting) new requests are also answered 503
     */
    public record OverloadThresholds(double stopAccepting, double shed) {
    }

    /** Topic names; see docs/kafka.md for their keys and schemas. */
    public record Topics(String membership, String load, String health, String events, String metrics,
                         String accessLog, String loadView, String rateUsage) {
        public static final Topics DEFAULT = new Topics("sluice.membership", "sluice.load", "sluice.health",
                "sluice.events", "sluice.metrics", "sluice.access-log", "sluice.load-view", "sluice.rate-usage");
    }

    /** Where a cluster's backends come from. */
    public enum Membership {
        /** Only the config file. */
        STATIC,
        /** Only the membership topic. */
        KAFKA,
        /** The file's backends plus those the topic adds. */
        BOTH
    }

    /** The cluster named {@code name}, or null. */
    public Cluster cluster(String name) {
        for (Cluster c : clusters) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** @param listen where the admin API listens; 127.0.0.1:9901 by default */
    public record Admin(HostPort listen) {
    }

    /** @param path {@code "-"} for stdout, {@code "off"}, or a file path */
    public record AccessLog(String path) {
        public boolean off() {
            return "off".equals(path);
        }
    }

    /**
     * One listening socket. Which protocol it speaks decides what else it has: one record per
     * protocol ({@link HttpListener}), as the file has one section record per protocol.
     */
    public sealed interface Listener permits HttpListener, StreamListener, DatagramListener {
        String name();

        HostPort bind();

        /** The protocol's config name, {@code http}. */
        String protocol();

        /** Open client connections at most; a connection over it is accepted and closed at once. */
        int maxConnections();

        /** The routes of the requests it accepts, first match wins. */
        List<Route> routes();

        /** TLS termination (the shared {@code tls:} block of stream listeners), or null for plain TCP. */
        default ListenerTls tls() {
            return null;
        }
    }

    /**
     * An HTTP/1.1 listener.
     *
     * @param maxConnections open client connections at most
     * @param tls            TLS termination (HTTPS), or null
     * @param jwt            bearer-token verification, or null
     */
    public record HttpListener(String name, HostPort bind, int maxConnections, Limits limits,
                               ListenerTimeouts timeouts, List<Route> routes, Protection protection,
                               ListenerTls tls, ListenerJwt jwt) implements Listener {
        /** Without JWT verification. */
        public HttpListener(String name, HostPort bind, int maxConnections, Limits limits, ListenerTimeouts timeouts,
                            List<Route> routes, Protection protection, ListenerTls tls) {
            this(name, bind, maxConnections, limits, timeouts, routes, protection, tls, null);
        }

        /** Without rate or accept limits and without TLS. */
        public HttpListener(String name, HostPort bind, int maxConnections, Limits limits, ListenerTimeouts timeouts,
                            List<Route> routes) {
            this(name, bind, maxConnections, limits, timeouts, routes, Protection.NONE, null);
        }

        public HttpListener {
            routes = List.copyOf(routes);
        }

        @Override
        public String protocol() {
            return "http";
        }
    }

    /**
     * A listener that relays a byte stream to one cluster ({@code tcp}, {@code mqtt}); its one route
     * matches everything.
     *
     * @param idleNanos      the relay closes after this long with no byte either way
     * @param proxyProtocol  PROXY protocol acceptance and sending
     * @param rateLimit      new connections per second, {@link ConnectionRateLimit#NONE} for no limit
     * @param mqtt           the MQTT settings, null for {@code tcp}
     * @param tls            TLS termination (MQTT over TLS, port 8883 by convention), or null
     */
    public record StreamListener(String name, HostPort bind, String protocol, int maxConnections, String cluster,
                                 long idleNanos, ProxyProtocol proxyProtocol, ConnectionRateLimit rateLimit,
                                 Mqtt mqtt, ListenerTls tls) implements Listener {
        public StreamListener {
            Objects.requireNonNull(proxyProtocol, "proxyProtocol");
            Objects.requireNonNull(rateLimit, "rateLimit");
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route("0", new Match(null, "/", List.of(), Map.of()), cluster));
        }
    }

    /**
     * A datagram listener, {@code udp} or {@code coap}: one bound UDP socket, a flow per source
     * address, every flow to one cluster (its single route, {@code "0"}, matching everything).
     *
     * @param maxFlows          flows held at most ({@link #maxConnections}); a new one evicts the oldest
     * @param idleNanos         a flow with no datagram either way for this long is forgotten
     * @param exchangeNanos     coap: how long a confirmable message's token and id identify its device
     * @param dtlsCidLength     coap: length of DTLS 1.2 Connection IDs (RFC 9146), 0 for none
     */
    public record DatagramListener(String name, HostPort bind, String protocol, int maxFlows, long idleNanos,
                                   long exchangeNanos, int dtlsCidLength, List<Route> routes) implements Listener {
        public DatagramListener {
            routes = List.copyOf(routes);
        }

        @Override
        public int maxConnections() {
            return maxFlows;
        }

        /** The cluster every flow goes to. */
        public String cluster() {
            return routes.get(0).cluster();
        }
    }

    /**
     * What an {@code mqtt} listener reads before it routes.
     *
     * @param connectTimeoutNanos the CONNECT packet must have arrived within this after the connection opened
     * @param maxConnectBytes     the CONNECT packet's size at most (fixed header included)
     * @param affinityKey         {@code client-id} or {@code username}: what the cluster's strategy hashes
     * @param rateLimits          applied in order to each CONNECT (keys: client-ip, cidr, listener,
     *                            mqtt-client-id, client-cert)
     * @param websocketPath       the path of the WebSocket upgrade clients make (MQTT over WebSocket); null:
     *                            plain MQTT on the socket
     */
    public record Mqtt(long connectTimeoutNanos, int maxConnectBytes, String affinityKey,
                       List<Protection.RateLimitRule> rateLimits, String websocketPath) {
        /** connect-packet 5s, 64KiB, client-id, no rate limits, plain MQTT. */
        public static final Mqtt DEFAULTS = new Mqtt(5_000_000_000L, 64 * 1024, "client-id");

        public Mqtt {
            rateLimits = List.copyOf(rateLimits);
        }

        /** Without rate limits, plain MQTT. */
        public Mqtt(long connectTimeoutNanos, int maxConnectBytes, String affinityKey) {
            this(connectTimeoutNanos, maxConnectBytes, affinityKey, List.of(), null);
        }
    }

    /**
     * PROXY protocol (HAProxy's) on a stream listener.
     *
     * @param accept         read a v1 or v2 header first, from {@code trustedSources} only
     * @param trustedSources CIDR blocks ({@code 10.0.0.0/8}, {@code 127.0.0.1/32}, {@code ::1/128})
     * @param send           {@code none}, {@code v1} or {@code v2}: the header written to each backend connection
     */
    public record ProxyProtocol(boolean accept, List<String> trustedSources, String send) {
        public static final ProxyProtocol NONE = new ProxyProtocol(false, List.of(), "none");

        public ProxyProtocol {
            trustedSources = List.copyOf(trustedSources);
        }
    }

    /**
     * Token buckets on new connections: one for the listener, one per source address; a rate of 0 is no limit.
     */
    public record ConnectionRateLimit(double perSecond, long burst, double perSourcePerSecond, long perSourceBurst) {
        public static final ConnectionRateLimit NONE = new ConnectionRateLimit(0, 0, 0, 0);
    }

    /**
     * What a request may be at most before the proxy refuses it.
     *
     * @param maxRequestLine bytes of the request line (over: 414)
     * @param maxHeaderBytes bytes of the header block after the request line (over: 431)
     * @param maxHeaders     header fields (over: 431)
     * @param maxBodyBytes   body bytes, declared or streamed (over: 413)
     */
    public record Limits(int maxRequestLine, int maxHeaderBytes, int maxHeaders, long maxBodyBytes) {
        /** 8KiB request line, 32KiB of headers, 100 header fields, 10MiB body. */
        public static final Limits DEFAULTS = new Limits(8 * 1024, 32 * 1024, 100, 10L * 1024 * 1024);
    }

    /**
     * @param requestHeadersNanos the whole header block must arrive within this after its first byte (else 408)
     * @param idleNanos           a connection with no request under way closes after this
     * @param stallNanos          an HTTP/2 stream whose response the client takes none of for this long
     *                            (its flow-control window stays closed) is reset, and its backend
     *                            connection closed
     */
    public record ListenerTimeouts(long requestHeadersNanos, long idleNanos, long stallNanos) {
        /** request-headers 10s, idle 60s, stall 5m (Envoy's stream idle timeout). */
        public static final ListenerTimeouts DEFAULTS = new ListenerTimeouts(10_000_000_000L, 60_000_000_000L,
                300_000_000_000L);

        /** With the default stall timeout. */
        public ListenerTimeouts(long requestHeadersNanos, long idleNanos) {
            this(requestHeadersNanos, idleNanos, 300_000_000_000L);
        }
    }

    /**
     * Requests matching {@code match} go to {@code cluster}; the first matching route of a listener wins.
     *
     * @param name the {@code route} label of metrics and the access log: the configured name, or the
     *             route's position in its listener's list ({@code "0"}, {@code "1"}, ...)
     */
    public record Route(String name, Match match, String cluster, List<io.sluice.algorithms.filter.FilterRule> filters,
                        List<Protection.RateLimitRule> rateLimits) {
        public Route {
            filters = List.copyOf(filters);
            rateLimits = List.copyOf(rateLimits);
        }

        /** A route without filters or rate limits. */
        public Route(String name, Match match, String cluster) {
            this(name, match, cluster, List.of(), List.of());
        }
    }

    /**
     * Conditions a request must all meet; an absent condition matches everything.
     *
     * @param host       null, an exact host ({@code api.example.com}) or a wildcard ({@code *.example.com}),
     *                   compared case-insensitively without the port
     * @param pathPrefix the path must start with this; {@code /} by default
     * @param methods    empty for any method
     * @param headers    lower-case header name to exact value
     */
    public record Match(String host, String pathPrefix, List<String> methods, Map<String, String> headers) {
        public Match {
            methods = List.copyOf(methods);
            headers = Map.copyOf(headers);
        }
    }

    /**
     * A named group of backends and the policy that balances them.
     *
     * @param policy the strategy, health checks, outlier detection, timeouts, retries, session
     *               persistence and picker refresh: the very object the simulator runs
     */
    public record Cluster(String name, List<BackendEntry> backends, ClusterPolicy policy, Membership membership,
                          UpstreamProtocol upstream, UpstreamTls upstreamTls) {
        public Cluster {
            backends = List.copyOf(backends);
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(membership, "membership");
            Objects.requireNonNull(upstream, "upstream");
            if (upstream == UpstreamProtocol.H2 && upstreamTls == null) {
                throw new IllegalArgumentException("upstream protocol h2 needs upstream TLS");
            }
        }

        /** A cluster spoken to in clear. */
        public Cluster(String name, List<BackendEntry> backends, ClusterPolicy policy, Membership membership,
                       UpstreamProtocol upstream) {
            this(name, backends, policy, membership, upstream, null);
        }

        /** A cluster spoken to in HTTP/1.1. */
        public Cluster(String name, List<BackendEntry> backends, ClusterPolicy policy, Membership membership) {
            this(name, backends, policy, membership, UpstreamProtocol.HTTP1);
        }

        /** A cluster whose backends are the file's only. */
        public Cluster(String name, List<BackendEntry> backends, ClusterPolicy policy) {
            this(name, backends, policy, Membership.STATIC);
        }

        /** This cluster with {@code next} as its backends. */
        public Cluster withBackends(List<BackendEntry> next) {
            return new Cluster(name, next, policy, membership, upstream, upstreamTls);
        }
    }

    /** How the proxy speaks to a cluster's backends: a cluster's {@code upstream.protocol}. */
    public enum UpstreamProtocol {
        /** HTTP/1.1 in clear, a keep-alive pool per backend. */
        HTTP1,
        /** HTTP/2 in clear with prior knowledge, a few multiplexed connections per backend. */
        H2C,
        /** HTTP/2 over TLS (ALPN h2), a few multiplexed connections per backend; needs {@link UpstreamTls}. */
        H2
    }

    /**
     * TLS to a cluster's backends ({@code upstream.tls}), validated: the files named exist (their
     * contents are checked when the proxy loads them).
     *
     * @param ca          the CAs a backend's certificate must chain to; null for the JDK's default trust store
     * @param serverName  SNI and the name verified; null for each backend's host
     * @param verify      false: any certificate is accepted (written explicitly, logged at start)
     * @param certificate client certificate chain (mTLS), or null
     * @param key         its private key; null exactly when {@code certificate} is
     */
    public record UpstreamTls(java.nio.file.Path ca, String serverName, boolean verify,
                              java.nio.file.Path certificate, java.nio.file.Path key) {
        public UpstreamTls {
            if ((certificate == null) != (key == null)) {
                throw new IllegalArgumentException("a client certificate and its key go together");
            }
        }
    }

    /** One backend of a cluster; {@code id} is also what the affinity cookie carries. */
    public record BackendEntry(String id, HostPort address, int weight, String zone) {
    }
}
