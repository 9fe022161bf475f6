package io.sluice.proxy.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.sluice.algorithms.HealthState;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's Prometheus metrics, on its own {@link PrometheusRegistry} (never the global default,
 * so tests and several proxies in one JVM do not share counters), rendered in the Prometheus text
 * exposition format for an admin {@code /metrics} endpoint.
 *
 * <h2>Metrics</h2>
 * <pre>
 *   sluice_requests_total{listener,route,cluster,backend,code_class}   counter    requests answered, by status class
 *                                                                                  1xx..5xx ("other": no status was sent)
 *   sluice_listener_requests_total{listener,protocol}                 counter    requests answered, by HTTP version: HTTP/1.0,
 *                                                                                  HTTP/1.1, HTTP/2
 *   sluice_grpc_responses_total{listener,route,cluster,grpc_status}   counter    gRPC calls answered, by status code 0..16 (the
 *                                                                                  backend's trailers or the proxy's own answer)
 *   sluice_tls_handshakes_total{listener,version}                     counter*   TLS handshakes completed, by TLS version
 *   sluice_tls_handshake_failures_total{listener}                     counter*   TLS handshakes that failed
 *   sluice_request_duration_seconds{cluster,backend}                  histogram  request start to response end, 1 ms..30 s
 *   sluice_backend_attempts_total{cluster,backend,outcome}            counter    upstream attempts, by how they ended
 *   sluice_backend_requests_in_flight{cluster,backend}                gauge*     attempts sent and not yet ended
 *   sluice_backend_latency_ewma_seconds{cluster,backend}              gauge*     peak-EWMA latency the picker sees
 *   sluice_backend_weight{cluster,backend}                            gauge*     effective weight (admin override included)
 *   sluice_backend_state{cluster,backend,state}                       gauge*     1 for the backend's current health state
 *   sluice_backend_health_transitions_total{cluster,backend,state}    counter    combined health changes, by new state
 *   sluice_backend_ejections_total{cluster,backend,reason}            counter    outlier ejections, by rule
 *   sluice_cluster_retries_total{cluster}                             counter    extra attempts on another backend
 *   sluice_listener_connections{listener}                             gauge      open downstream connections
 *   sluice_websocket_connections{listener}                            gauge      of which upgraded to WebSocket
 *   sluice_udp_flows{listener}, sluice_udp_*_total                     gauge, counters  datagram listeners ({@link DatagramMetrics})
 *   sluice_listener_connections_accepted_total{listener}              counter    downstream connections accepted
 *   sluice_listener_received_bytes_total{listener}                    counter    bytes read from clients
 *   sluice_listener_sent_bytes_total{listener}                        counter    bytes written to clients
 *   sluice_affinity_lookups_total{cluster,result}                     counter*   affinity table lookups: hit, miss, move
 *   sluice_affinity_evictions_total{cluster}                          counter*   live keys evicted to make room
 *   sluice_affinity_expirations_total{cluster}                        counter*   keys dropped after their idle TTL
 *   sluice_affinity_entries{cluster}                                  gauge*     keys held
 *   sluice_access_log_lines_total{result}                             counter*   access log lines written, dropped, failed
 *   sluice_listener_connections_refused_total{listener}               counter    connections closed at once: over maxConnections
 *   sluice_backend_connections_open{cluster,backend}                  gauge*     upstream connections open (in use or pooled)
 *   sluice_backend_connections_idle{cluster,backend}                  gauge*     upstream connections pooled, waiting for a request
 *   sluice_health_checks_total{cluster,backend,result}                counter*   active checks: passed, failed, timeout (counted
 *                                                                                  from when the cluster's checker started)
 *   sluice_config_reloads_total{result}                               counter    reloads: applied, invalid, refused
 *   sluice_build_info{version}                                        gauge      1, labelled with the version the build stamped
 *   jvm_*, process_*                                                  (various)  the JVM and process (Prometheus JVM instrumentation)
 * </pre>
 * Metrics marked * are read at scrape time from the {@link LiveState} given to
 * {@link #bindLiveState}: the in-flight count is the backend's own
 * {@link io.sluice.algorithms.BackendLoad#inFlight()}, not a second count kept by the data path.
 * A request that reached no backend (none available, no route) is counted with
 * {@code backend="none"}.
 *
 * <h2>Recording cost</h2>
 * Label lookups happen once, when the data path asks for a handle ({@link #listener},
 * {@link #cluster}, {@link #backend}, {@link #route}; cached here, so asking again returns the same
 * object). A handle holds the resolved data points, so recording is a few striped-adder updates
 * with no allocation and no lock: safe and cheap from any event loop. Keep handles in the
 * listener, route and cluster objects; look them up again after {@link #removeBackend}.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class ProxyMetrics {
    /** The {@code Content-Type} of {@link #scrape()}'s output. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /**
     * Classic histogram bucket upper bounds in seconds: a 1-2.5-5 progression from 1 ms to 10 s,
     * then 30 s, the longest default response timeout. Fourteen buckets keep each series small
     * while telling a 2 ms backend from a 20 ms one.
     */
    static final double[] LATENCY_BUCKETS_SECONDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    /** The {@code backend} label of requests that reached no backend. */
    public static final String NO_BACKEND = "none";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusRegistry jvm;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.builder()
            .setIncludeCreatedTimestamps(false).build();

    final Counter requests;
    final Counter requestsByProtocol;
    final Counter grpcResponses;
    final Histogram duration;
    final Counter attempts;
    final Counter healthTransitions;
    final Counter ejections;
    final Counter retries;
    final Counter upstreamTlsFailures;
    final Gauge connections;
    final Counter accepted;
    final Counter receivedBytes;
    final Counter sentBytes;
    final Counter refused;
    final Gauge webSockets;
    final Gauge udpFlows;
    final Counter udpFlowsCreated;
    final Counter udpFlowsEnded;
    final Counter udpDatagrams;
    final Counter udpDropped;
    final Counter udpAffinity;
    private final Counter reloads;

    private final Map<String, ListenerMetrics> listeners = new ConcurrentHashMap<>();
    private final Map<String, DatagramMetrics> datagrams = new ConcurrentHashMap<>();
    private final Map<String, ClusterMetrics> clusters = new ConcurrentHashMap<>();
    private final Map<RouteKey, RouteMetrics> routes = new ConcurrentHashMap<>();
    private volatile LiveState live;

    private record RouteKey(String listener, String route, String cluster) {
    }

    /** Metrics with {@code sluice_build_info{version="unknown"}} and no JVM metrics (unit tests). */
    public ProxyMetrics() {
        this("unknown", false);
    }

    /**
     * @param version    the {@code version} label of {@code sluice_build_info}
     * @param jvmMetrics whether {@link #scrape()} appends the JVM's metrics (one set per JVM, shared)
     */
    public ProxyMetrics(String version, boolean jvmMetrics) {
        this.jvm = jvmMetrics ? JvmRegistry.get() : null;
        requests = counter("sluice_requests", "Requests answered, by listener, route, cluster, backend and status class.",
                "listener", "route", "cluster", "backend", "code_class");
        requestsByProtocol = counter("sluice_listener_requests",
                "Requests answered, by listener and HTTP version (HTTP/1.0, HTTP/1.1, HTTP/2).", "listener", "protocol");
        grpcResponses = counter("sluice_grpc_responses",
                "gRPC calls answered, by listener, route, cluster and grpc-status code (the backend's or the proxy's own).",
                "listener", "route", "cluster", "grpc_status");
        Histogram.Builder h = Histogram.builder()
                .name("sluice_request_duration_seconds")
                .unit(Unit.SECONDS)
                .help("Time from a request's start to the end of its response, by cluster and the backend that answered.")
                .labelNames("cluster", "backend")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS_SECONDS)
                .withoutExemplars();
        duration = h.register(registry);
        attempts = counter("sluice_backend_attempts", "Upstream attempts, by how they ended.", "cluster", "backend",
                "outcome");
        registerLiveMetrics();
        registerConnectionAndCheckMetrics();
        healthTransitions = counter("sluice_backend_health_transitions",
                "Changes of a backend's combined health, by the state it entered.", "cluster", "backend", "state");
        ejections = counter("sluice_backend_ejections", "Outlier ejections of a backend, by the rule that fired.",
                "cluster", "backend", "reason");
        retries = counter("sluice_cluster_retries", "Extra attempts sent to another backend after a failure.",
                "cluster");
        upstreamTlsFailures = counter("sluice_upstream_tls_handshake_failures",
                "Failed TLS handshakes with a cluster's backends (upstream.tls), by reason.", "cluster", "reason");
        connections = gauge("sluice_listener_connections", "Open downstream connections.", "listener");
        accepted = counter("sluice_listener_connections_accepted", "Downstream connections accepted.", "listener");
        receivedBytes = counter("sluice_listener_received_bytes", "Bytes read from clients.", "listener");
        sentBytes = counter("sluice_listener_sent_bytes", "Bytes written to clients.", "listener");
        refused = counter("sluice_listener_connections_refused",
                "Connections closed at once because the listener had maxConnections open.", "listener");
        webSockets = gauge("sluice_websocket_connections", "WebSocket connections open (upgraded and relayed).",
                "listener");
        udpFlows = gauge("sluice_udp_flows", "Datagram flows held (udp and coap listeners).", "listener");
        udpFlowsCreated = counter("sluice_udp_flows_created", "Datagram flows made.", "listener");
        udpFlowsEnded = counter("sluice_udp_flows_ended", "Datagram flows dropped, by why: idle, evicted (max-flows) or failed (its backend socket could not be opened).",
                "listener", "reason");
        udpDatagrams = counter("sluice_udp_datagrams", "Datagrams relayed, by direction (in: from clients).",
                "listener", "direction");
        udpDropped = counter("sluice_udp_datagrams_dropped", "Datagrams dropped, by reason (malformed, no_backend).",
                "listener", "reason");
        udpAffinity = counter("sluice_udp_affinity_kept",
                "New flows sent to an earlier flow's backend (DTLS Connection ID, or a CoAP token after a port change).",
                "listener");
        reloads = counter("sluice_config_reloads", "Config reloads, by outcome: applied, invalid (the file has errors),"
                + " refused (valid, but needs a restart).", "result");
        for (String r : RELOAD_RESULTS) {
            reloads.labelValues(r);
        }
        gauge("sluice_build_info", "The build of this proxy: always 1, labelled with its version.", "version")
                .labelValues(Objects.requireNonNull(version, "version")).set(1);
    }

    /** The {@code result} labels of {@code sluice_config_reloads_total}, each exported from the start at 0. */
    static final List<String> RELOAD_RESULTS = List.of("applied", "invalid", "refused");

    /**
     * Counts one reload by its outcome.
     *
     * @param result one of {@link #RELOAD_RESULTS}
     */
    public void reloaded(String result) {
        if (!RELOAD_RESULTS.contains(result)) {
            throw new IllegalArgumentException("reload result must be one of " + RELOAD_RESULTS + ", got " + result);
        }
        reloads.labelValues(result).inc();
    }

    private Counter counter(String name, String help, String... labels) {
        Counter.Builder b = Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars();
        return b.register(registry);
    }

    private Gauge gauge(String name, String help, String... labels) {
        Gauge.Builder b = Gauge.builder().name(name).help(help).labelNames(labels).withoutExemplars();
        return b.register(registry);
    }

    private void registerLiveMetrics() {
        GaugeWithCallback.builder().name("sluice_backend_requests_in_flight")
                .help("Attempts sent to the backend and not yet ended.").labelNames("cluster", "backend")
                .callback(cb -> {
                    for (LiveState.BackendSample b : backendSamples()) {
                        cb.call(b.inFlight(), b.cluster(), b.backend());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("sluice_backend_latency_ewma_seconds").unit(Unit.SECONDS)
                .help("Peak-EWMA latency of the backend as the picker sees it.").labelNames("cluster", "backend")
                .callback(cb -> {
                    for (LiveState.BackendSample b : backendSamples()) {
                        cb.call(b.ewmaSeconds(), b.cluster(), b.backend());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("sluice_backend_weight")
                .help("Effective weight of the backend, an admin override included.").labelNames("cluster", "backend")
                .callback(cb -> {
                    for (LiveState.BackendSample b : backendSamples()) {
                        cb.call(b.weight(), b.cluster(), b.backend());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("sluice_backend_state")
                .help("1 for the backend's current combined health state, 0 for the others.")
                .labelNames("cluster", "backend", "state")
                .callback(cb -> {
                    for (LiveState.BackendSample b : backendSamples()) {
                        for (HealthState s : HealthState.values()) {
                            cb.call(b.health() == s ? 1 : 0, b.cluster(), b.backend(), BackendMetrics.label(s));
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("sluice_affinity_lookups")
                .help("Affinity table lookups: hit (remembered backend), miss (new key), move (backend unavailable).")
                .labelNames("cluster", "result")
                .callback(cb -> {
                    LiveState s = live;
                    if (s != null) {
                        for (LiveState.AffinitySample a : s.affinityTables()) {
                            cb.call(a.stats().hits(), a.cluster(), "hit");
                            cb.call(a.stats().misses(), a.cluster(), "miss");
                            cb.call(a.stats().moves(), a.cluster(), "move");
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("sluice_affinity_evictions")
                .help("Live affinity keys evicted to make room.").labelNames("cluster")
                .callback(cb -> {
                    LiveState s = live;
                    if (s != null) {
                        for (LiveState.AffinitySample a : s.affinityTables()) {
                            cb.call(a.stats().evictions(), a.cluster());
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("sluice_affinity_expirations")
                .help("Affinity keys dropped after their idle TTL.").labelNames("cluster")
                .callback(cb -> {
                    LiveState s = live;
                    if (s != null) {
                        for (LiveState.AffinitySample a : s.affinityTables()) {
                            cb.call(a.stats().expirations(), a.cluster());
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("sluice_affinity_entries")
                .help("Keys held by the affinity table.").labelNames("cluster")
                .callback(cb -> {
                    LiveState s = live;
                    if (s != null) {
                        for (LiveState.AffinitySample a : s.affinityTables()) {
                            cb.call(a.stats().size(), a.cluster());
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("sluice_access_log_lines")
                .help("Access log lines: written, dropped (queue full) or failed (I/O error).").labelNames("result")
                .callback(cb -> {
                    LiveState s = live;
                    LiveState.AccessLogSample a = s == null ? null : s.accessLog();
                    if (a != null) {
                        cb.call(a.written(), "written");
                        cb.call(a.dropped(), "dropped");
                        cb.call(a.failed(), "failed");
                    }
                }).register(registry);
    }

    private void registerConnectionAndCheckMetrics() {
        GaugeWithCallback.builder().name("sluice_backend_connections_open")
                .help("Upstream connections open to the backend: in use or pooled.").labelNames("cluster", "backend")
                .callback(cb -> {
                    for (LiveState.UpstreamSample u : upstreamSamples()) {
                        cb.call(u.open(), u.cluster(), u.backend());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("sluice_backend_connections_idle")
                .help("Upstream connections pooled, waiting for a request.").labelNames("cluster", "backend")
                .callback(cb -> {
                    for (LiveState.UpstreamSample u : upstreamSamples()) {
                        cb.call(u.idle(), u.cluster(), u.backend());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("sluice_health_checks")
                .help("Active health checks of the backend, by result: passed, failed, timeout; counted from when"
                        + " the cluster's checker started (a reload that changes healthCheck starts a new one).")
                .labelNames("cluster", "backend", "result")
                .callback(cb -> {
                    LiveState s = live;
                    if (s != null) {
                        for (LiveState.CheckSample c : s.healthChecks()) {
                            cb.call(c.passed(), c.cluster(), c.backend(), "passed");
                            cb.call(c.failed(), c.cluster(), c.backend(), "failed");
                            cb.call(c.timedOut(), c.cluster(), c.backend(), "timeout");
                        }
                    }
                }).register(registry);
    }

    private List<LiveState.UpstreamSample> upstreamSamples() {
        LiveState s = live;
        return s == null ? List.of() : s.upstreamConnections();
    }

    private List<LiveState.BackendSample> backendSamples() {
        LiveState s = live;
        return s == null ? List.of() : s.backends();
    }

    /**
     * Where the callback metrics (marked * above) read from; until this is called they export
     * nothing. Replaces any earlier state.
     */
    public void bindLiveState(LiveState state) {
        this.live = Objects.requireNonNull(state, "state");
    }

    /** The proxy's own registry, to add more collectors to the same scrape (the JVM's are apart, see {@link #writeTo}). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** The handle of one listener; the same object for the same name. */
    public ListenerMetrics listener(String name) {
        Objects.requireNonNull(name, "listener");
        return listeners.computeIfAbsent(name, n -> new ListenerMetrics(this, n));
    }

    /** The flow and datagram counts of datagram listener {@code name}, made on first use. */
    public DatagramMetrics datagram(String name) {
        Objects.requireNonNull(name, "listener");
        return datagrams.computeIfAbsent(name, n -> new DatagramMetrics(this, n));
    }

    /** The handle of one cluster; the same object for the same name. */
    public ClusterMetrics cluster(String name) {
        Objects.requireNonNull(name, "cluster");
        return clusters.computeIfAbsent(name, n -> new ClusterMetrics(this, n));
    }

    /** The handle of one backend of a cluster; the same object until {@link #removeBackend}. */
    public BackendMetrics backend(String cluster, String backendId) {
        return cluster(cluster).backend(backendId);
    }

    /** The handle of one route; the same object for the same listener, route and cluster. */
    public RouteMetrics route(String listener, String route, String cluster) {
        RouteKey key = new RouteKey(Objects.requireNonNull(listener, "listener"), Objects.requireNonNull(route, "route"),
                Objects.requireNonNull(cluster, "cluster"));
        return routes.computeIfAbsent(key, k -> new RouteMetrics(this, k.listener(), k.route(), cluster(k.cluster())));
    }

    /**
     * Forgets a backend that left its cluster: drops its series from every metric, so a scrape no
     * longer shows it, and its handle. Handles obtained before keep working but are no longer
     * exported.
     */
    public void removeBackend(String cluster, String backendId) {
        ClusterMetrics c = clusters.get(cluster);
        if (c == null) {
            return;
        }
        BackendMetrics gone = c.forget(backendId);
        if (gone == null) {
            return;
        }
        for (RouteMetrics r : routes.values()) {
            r.forget(gone);
        }
        requests.removeIf(l -> l.get(2).equals(cluster) && l.get(3).equals(backendId));
        duration.remove(cluster, backendId);
        attempts.removeIf(l -> l.get(0).equals(cluster) && l.get(1).equals(backendId));
        healthTransitions.removeIf(l -> l.get(0).equals(cluster) && l.get(1).equals(backendId));
        ejections.removeIf(l -> l.get(0).equals(cluster) && l.get(1).equals(backendId));
    }

    /**
     * Forgets a cluster that left the configuration: every backend of it ({@link #removeBackend}),
     * its routes' series and its retry counter.
     */
    public void removeCluster(String cluster) {
        ClusterMetrics c = clusters.get(cluster);
        if (c == null) {
            return;
        }
        for (String id : c.backendIds()) {
            removeBackend(cluster, id);
        }
        routes.keySet().removeIf(k -> k.cluster().equals(cluster));
        requests.removeIf(l -> l.get(2).equals(cluster));
        grpcResponses.removeIf(l -> l.get(2).equals(cluster));
        retries.remove(cluster);
        clusters.remove(cluster);
    }

    /** Writes the current values in the Prometheus text format (version 0.0.4), the JVM's after the proxy's. */
    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
        if (jvm != null) {
            writer.write(out, jvm.scrape());
        }
    }

    /** The current values in the Prometheus text format, UTF-8: the body of {@code GET /metrics}. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
        }
        return out.toByteArray();
    }

    /** {@link #scrape()} as a string. */
    public String scrapeText() {
        return new String(scrape(), StandardCharsets.UTF_8);
    }

    /** Index into {@link #CODE_CLASSES}: {@code 1xx}..{@code 5xx}, or {@code other} outside 100-599. */
    static int codeClassIndex(int status) {
        return status >= 100 && status <= 599 ? status / 100 - 1 : 5;
    }

    static final List<String> CODE_CLASSES = List.of("1xx", "2xx", "3xx", "4xx", "5xx", "other");
}
