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
 */
public record ProxyConfig(Admin admin, int workers, AccessLog accessLog, long drainTimeoutNanos,
                          List<Listener> listeners, List<Cluster> clusters) {
    /** {@code drain-timeout} when the file has none: 30 s, Kubernetes' default termination grace period. */
    public static final long DEFAULT_DRAIN_TIMEOUT_NANOS = 30_000_000_000L;

    public ProxyConfig {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(accessLog, "accessLog");
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
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
    public sealed interface Listener permits HttpListener, DatagramListener {
        String name();

        HostPort bind();

        /** The protocol's config name, {@code http}. */
        String protocol();

        /** Open client connections at most; a connection over it is accepted and closed at once. */
        int maxConnections();

        /** The routes of the requests it accepts, first match wins. */
        List<Route> routes();
    }

    /**
     * An HTTP/1.1 listener.
     *
     * @param maxConnections open client connections at most
     */
    public record HttpListener(String name, HostPort bind, int maxConnections, Limits limits,
                               ListenerTimeouts timeouts, List<Route> routes) implements Listener {
        public HttpListener {
            routes = List.copyOf(routes);
        }

        @Override
        public String protocol() {
            return "http";
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
     */
    public record ListenerTimeouts(long requestHeadersNanos, long idleNanos) {
        /** request-headers 10s, idle 60s. */
        public static final ListenerTimeouts DEFAULTS = new ListenerTimeouts(10_000_000_000L, 60_000_000_000L);
    }

    /**
     * Requests matching {@code match} go to {@code cluster}; the first matching route of a listener wins.
     *
     * @param name the {@code route} label of metrics and the access log: the configured name, or the
     *             route's position in its listener's list ({@code "0"}, {@code "1"}, ...)
     */
    public record Route(String name, Match match, String cluster) {
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
    public record Cluster(String name, List<BackendEntry> backends, ClusterPolicy policy) {
        public Cluster {
            backends = List.copyOf(backends);
            Objects.requireNonNull(policy, "policy");
        }
    }

    /** One backend of a cluster; {@code id} is also what the affinity cookie carries. */
    public record BackendEntry(String id, HostPort address, int weight, String zone) {
    }
}
