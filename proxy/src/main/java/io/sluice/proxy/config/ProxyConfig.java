package io.sluice.proxy.config;

import io.sluice.algorithms.StrategySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole proxy configuration, as parsed and validated by {@link ConfigParser}: immutable value
 * records, every default filled in, every duration in nanoseconds and every size in bytes.
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

    /** A {@code host:port} pair as written in the config; the host is never resolved here. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /** @param listen where the admin API listens; localhost by default */
    public record Admin(HostPort listen) {
    }

    /** @param path {@code "-"} for stdout, {@code "off"}, or a file path */
    public record AccessLog(String path) {
        public boolean off() {
            return "off".equals(path);
        }
    }

    /**
     * One listening socket and the routes of the requests it accepts.
     *
     * @param protocol       only {@code http} for now ({@link ConfigParser#PROTOCOLS})
     * @param maxConnections open client connections at most; a connection over it is accepted and closed at once
     */
    public record Listener(String name, HostPort bind, String protocol, int maxConnections, Limits limits,
                           ListenerTimeouts timeouts, List<Route> routes) {
        public Listener {
            routes = List.copyOf(routes);
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
    }

    /**
     * @param requestHeadersNanos the whole header block must arrive within this after its first byte (else 408)
     * @param idleNanos           a connection with no request under way closes after this
     */
    public record ListenerTimeouts(long requestHeadersNanos, long idleNanos) {
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

    /** A named group of backends behind one routing strategy. */
    public record Cluster(String name, Strategy strategy, List<BackendEntry> backends,
                          SessionPersistence sessionPersistence, HealthCheck healthCheck,
                          OutlierDetection outlierDetection, ClusterTimeouts timeouts, Retries retries) {
        public Cluster {
            backends = List.copyOf(backends);
        }
    }

    /**
     * A routing strategy by name, as {@link io.sluice.algorithms.StrategySpec} takes it, but with
     * value equality so reloads can compare it.
     */
    public record Strategy(String name, Map<String, Object> params, List<Wrapper> wrappers) {
        public Strategy {
            params = Map.copyOf(params);
            wrappers = List.copyOf(wrappers);
        }

        /** The spec {@link io.sluice.algorithms.StrategyRegistry} builds from. */
        public StrategySpec toSpec() {
            List<StrategySpec.WrapperSpec> ws = new ArrayList<>();
            for (Wrapper w : wrappers) {
                ws.add(new StrategySpec.WrapperSpec(w.name(), w.params()));
            }
            return new StrategySpec(name, params, ws);
        }
    }

    /** A strategy wrapper by name with raw parameters. */
    public record Wrapper(String name, Map<String, Object> params) {
        public Wrapper {
            params = Map.copyOf(params);
        }
    }

    /** One backend of a cluster; {@code id} is also what the affinity cookie carries. */
    public record BackendEntry(String id, HostPort address, int weight, String zone) {
    }

    /** How a request is tied to a backend. */
    public enum PersistenceMode {
        /** No affinity: the strategy alone picks. */
        NONE,
        /** HAProxy-style inserted cookie naming the backend id. */
        COOKIE,
        /** The value of a request header becomes the affinity key. */
        HEADER,
        /** The client IP becomes the affinity key. */
        SOURCE
    }

    /**
     * @param name     the cookie name (mode cookie) or header name (mode header)
     * @param ttlNanos idle lifetime of an entry in the affinity table (modes header and source with a
     *                 strategy that does not hash the key)
     */
    public record SessionPersistence(PersistenceMode mode, String name, long ttlNanos) {
    }

    /** Kinds of active health check. */
    public enum HealthCheckType {
        HTTP, TCP, NONE
    }

    /** Active health checks, HAProxy rise/fall; type {@code none} runs none. */
    public record HealthCheck(HealthCheckType type, String path, long intervalNanos, long timeoutNanos, int rise,
                              int fall, int expectStatusMin, int expectStatusMax) {
    }

    /** Envoy-style passive outlier detection. {@code latencyFactor} 0 turns the latency rule off. */
    public record OutlierDetection(int consecutiveFailures, long baseEjectionNanos, long maxEjectionNanos,
                                   int maxEjectedPercent, double latencyFactor) {
    }

    /**
     * @param connectNanos  a connect attempt fails after this (then another backend is tried, finally 503)
     * @param responseNanos the response head must arrive within this after the request was sent (else 504)
     */
    public record ClusterTimeouts(long connectNanos, long responseNanos) {
    }

    /**
     * @param attempts       extra attempts, each on a backend not tried yet for this request
     * @param budgetPercent  retries under way may be at most this percentage of requests under way
     *                       (at least 3 are always allowed), as Envoy's retry budget
     * @param idempotentOnly when true, failures after the request was sent (response timeout) are retried
     *                       only for idempotent methods; connect failures and resets before any response
     *                       byte are retried for every method whose body can still be replayed
     */
    public record Retries(int attempts, int budgetPercent, boolean idempotentOnly) {
    }
}
