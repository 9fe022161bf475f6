package io.sluice.proxy.metrics;

import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.affinity.AffinityTable;
import io.sluice.algorithms.health.EjectionReason;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class ProxyMetricsTest {
    private static final long MS = 1_000_000L;

    private final ProxyMetrics metrics = new ProxyMetrics();

    /** Every sample line of the exposition, keyed by {@code name{labels}} exactly as printed. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    /** {@code name{k="v",...}} with labels sorted by name, as the client prints them; pairs are "k=v". */
    private static String series(String name, String... pairs) {
        String[] sorted = pairs.clone();
        Arrays.sort(sorted);
        StringBuilder b = new StringBuilder(name).append('{');
        for (int i = 0; i < sorted.length; i++) {
            int eq = sorted[i].indexOf('=');
            b.append(i == 0 ? "" : ",").append(sorted[i], 0, eq).append("=\"").append(sorted[i].substring(eq + 1))
                    .append('"');
        }
        return b.append('}').toString();
    }

    private Map<String, Double> scrape() {
        return samples(metrics.scrapeText());
    }

    @Test
    void requestsAreCountedByListenerRouteClusterBackendAndStatusClass() {
        RouteMetrics route = metrics.route("web", "telemetry", "tel");
        BackendMetrics t1 = metrics.backend("tel", "t1");
        for (int status : new int[]{200, 204, 299, 301, 404, 503, 500, 101}) {
            route.requestCompleted(t1, status, MS);
        }
        for (int status : new int[]{0, 99, 600}) {
            route.requestCompleted(t1, status, MS);
        }
        route.requestCompleted(null, 503, MS);
        Map<String, Double> s = scrape();
        String[] base = {"listener=web", "route=telemetry", "cluster=tel", "backend=t1"};
        assertThat(s.get(series("sluice_requests_total", with(base, "code_class=2xx")))).isEqualTo(3.0);
        assertThat(s.get(series("sluice_requests_total", with(base, "code_class=1xx")))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_requests_total", with(base, "code_class=3xx")))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_requests_total", with(base, "code_class=4xx")))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_requests_total", with(base, "code_class=5xx")))).isEqualTo(2.0);
        assertThat(s.get(series("sluice_requests_total", with(base, "code_class=other")))).isEqualTo(3.0);
        assertThat(s.get(series("sluice_requests_total", "listener=web", "route=telemetry", "cluster=tel",
                "backend=none", "code_class=5xx"))).isEqualTo(1.0);
    }

    private static String[] with(String[] base, String extra) {
        String[] out = Arrays.copyOf(base, base.length + 1);
        out[base.length] = extra;
        return out;
    }

    @Test
    void latencyHistogramBucketsAreCumulativeFrom1msTo30s() {
        RouteMetrics route = metrics.route("web", "r", "c");
        BackendMetrics b = metrics.backend("c", "b");
        route.requestCompleted(b, 200, MS / 2);
        route.requestCompleted(b, 200, 3 * MS);
        route.requestCompleted(b, 200, 20 * MS);
        route.requestCompleted(b, 200, 45_000 * MS);
        route.requestCompleted(b, 200, -5);
        Map<String, Double> s = scrape();
        String h = "sluice_request_duration_seconds_bucket";
        assertThat(s.get(series(h, "cluster=c", "backend=b", "le=0.001"))).as("0.5 ms and the clamped -5 ns")
                .isEqualTo(2.0);
        assertThat(s.get(series(h, "cluster=c", "backend=b", "le=0.0025"))).isEqualTo(2.0);
        assertThat(s.get(series(h, "cluster=c", "backend=b", "le=0.005"))).isEqualTo(3.0);
        assertThat(s.get(series(h, "cluster=c", "backend=b", "le=0.025"))).isEqualTo(4.0);
        assertThat(s.get(series(h, "cluster=c", "backend=b", "le=30.0"))).isEqualTo(4.0);
        assertThat(s.get(series(h, "cluster=c", "backend=b", "le=+Inf"))).isEqualTo(5.0);
        assertThat(s.get(series("sluice_request_duration_seconds_count", "cluster=c", "backend=b"))).isEqualTo(5.0);
        assertThat(s.get(series("sluice_request_duration_seconds_sum", "cluster=c", "backend=b")))
                .isCloseTo(45.0235, org.assertj.core.data.Offset.offset(1e-9));
        long buckets = s.keySet().stream().filter(k -> k.startsWith(h + "{")).count();
        assertThat(buckets).isEqualTo(ProxyMetrics.LATENCY_BUCKETS_SECONDS.length + 1);
    }

    @Test
    void gaugesAndCountersOfListenersClustersAndBackends() {
        ListenerMetrics web = metrics.listener("web");
        web.connectionOpened();
        web.connectionOpened();
        web.connectionClosed();
        web.bytesReceived(100);
        web.bytesReceived(0);
        web.bytesReceived(-7);
        web.bytesSent(2_500);
        BackendMetrics b = metrics.backend("c", "b");
        b.attemptEnded("response");
        b.attemptEnded("response");
        b.attemptEnded("connect_failure");
        b.attemptEnded("something_new");
        b.healthTransition(HealthState.UNHEALTHY);
        b.healthTransition(HealthState.HEALTHY);
        b.healthTransition(HealthState.UNHEALTHY);
        b.ejected(EjectionReason.LATENCY);
        metrics.cluster("c").retry();
        Map<String, Double> s = scrape();
        assertThat(s.get(series("sluice_listener_connections", "listener=web"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_listener_connections_accepted_total", "listener=web"))).isEqualTo(2.0);
        assertThat(s.get(series("sluice_listener_received_bytes_total", "listener=web"))).isEqualTo(100.0);
        assertThat(s.get(series("sluice_listener_sent_bytes_total", "listener=web"))).isEqualTo(2_500.0);
        assertThat(s.get(series("sluice_backend_attempts_total", "cluster=c", "backend=b", "outcome=response")))
                .isEqualTo(2.0);
        assertThat(s.get(series("sluice_backend_attempts_total", "cluster=c", "backend=b",
                "outcome=connect_failure"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_backend_attempts_total", "cluster=c", "backend=b", "outcome=timeout")))
                .isEqualTo(0.0);
        assertThat(s.get(series("sluice_backend_attempts_total", "cluster=c", "backend=b",
                "outcome=something_new"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_backend_health_transitions_total", "cluster=c", "backend=b",
                "state=unhealthy"))).isEqualTo(2.0);
        assertThat(s.get(series("sluice_backend_health_transitions_total", "cluster=c", "backend=b",
                "state=healthy"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_backend_ejections_total", "cluster=c", "backend=b", "reason=latency")))
                .isEqualTo(1.0);
        assertThat(s.get(series("sluice_backend_ejections_total", "cluster=c", "backend=b",
                "reason=consecutive_5xx"))).isEqualTo(0.0);
        assertThat(s.get(series("sluice_cluster_retries_total", "cluster=c"))).isEqualTo(1.0);
    }

    @Test
    void handlesAreCachedAndRegistriesAreNotShared() {
        assertThat(metrics.listener("web")).isSameAs(metrics.listener("web"));
        assertThat(metrics.backend("c", "b")).isSameAs(metrics.cluster("c").backend("b"));
        assertThat(metrics.route("web", "r", "c")).isSameAs(metrics.route("web", "r", "c"));
        assertThat(metrics.route("web", "r", "c")).isNotSameAs(metrics.route("web", "r", "d"));
        metrics.listener("web").connectionOpened();
        ProxyMetrics other = new ProxyMetrics();
        assertThat(samples(other.scrapeText())).doesNotContainKey(series("sluice_listener_connections", "listener=web"));
    }

    @Test
    void anUnusedRegistryHasOnlyTheBuildAndTheReloadCounters() {
        String text = new ProxyMetrics().scrapeText();
        assertThat(samples(text)).containsOnly(Map.entry("sluice_build_info{version=\"unknown\"}", 1.0),
                Map.entry("sluice_config_reloads_total{result=\"applied\"}", 0.0),
                Map.entry("sluice_config_reloads_total{result=\"invalid\"}", 0.0),
                Map.entry("sluice_config_reloads_total{result=\"refused\"}", 0.0));
        assertThat(text).doesNotContain("jvm_");
    }

    @Test
    void buildInfoReloadsAndRefusalsAndTheJvmAppended() {
        ProxyMetrics m = new ProxyMetrics("1.2.3", true);
        m.reloaded("applied");
        m.reloaded("applied");
        m.reloaded("refused");
        assertThatThrownBy(() -> m.reloaded("maybe")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reload result must be one of [applied, invalid, refused], got maybe");
        m.listener("web").connectionRefused();
        String text = m.scrapeText();
        Map<String, Double> s = samples(text);
        assertThat(s.get(series("sluice_build_info", "version=1.2.3"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_config_reloads_total", "result=applied"))).isEqualTo(2.0);
        assertThat(s.get(series("sluice_config_reloads_total", "result=invalid"))).isEqualTo(0.0);
        assertThat(s.get(series("sluice_config_reloads_total", "result=refused"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_listener_connections_refused_total", "listener=web"))).isEqualTo(1.0);
        assertThat(text.indexOf("# TYPE jvm_")).as("the JVM's metrics follow the proxy's")
                .isGreaterThan(text.indexOf("sluice_build_info"));
        assertThat(s).containsKey("process_cpu_seconds_total");
    }

    @Test
    void removingABackendDropsItsSeriesAndANewHandleStartsAtZero() {
        RouteMetrics route = metrics.route("web", "r", "c");
        BackendMetrics gone = metrics.backend("c", "gone");
        BackendMetrics stays = metrics.backend("c", "stays");
        route.requestCompleted(gone, 200, MS);
        route.requestCompleted(stays, 200, MS);
        gone.attemptEnded("reset");
        gone.ejected(EjectionReason.CONSECUTIVE_5XX);
        metrics.removeBackend("c", "gone");
        metrics.removeBackend("c", "never-there");
        metrics.removeBackend("no-such-cluster", "gone");
        String text = metrics.scrapeText();
        assertThat(text).doesNotContain("backend=\"gone\"");
        assertThat(text).contains("backend=\"stays\"");

        BackendMetrics again = metrics.backend("c", "gone");
        assertThat(again).isNotSameAs(gone);
        route.requestCompleted(again, 500, MS);
        Map<String, Double> s = scrape();
        assertThat(s.get(series("sluice_requests_total", "listener=web", "route=r", "cluster=c", "backend=gone",
                "code_class=2xx"))).isEqualTo(0.0);
        assertThat(s.get(series("sluice_requests_total", "listener=web", "route=r", "cluster=c", "backend=gone",
                "code_class=5xx"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_backend_attempts_total", "cluster=c", "backend=gone", "outcome=reset")))
                .isEqualTo(0.0);
    }

    @Test
    void concurrentRecordingLosesNothing() throws Exception {
        RouteMetrics route = metrics.route("web", "r", "c");
        List<BackendMetrics> backends = List.of(metrics.backend("c", "a"), metrics.backend("c", "b"));
        ListenerMetrics web = metrics.listener("web");
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        BackendMetrics b = backends.get(i & 1);
                        web.connectionOpened();
                        route.requestCompleted(b, 200 + (i % 2) * 300, MS);
                        b.attemptEnded("response");
                        web.bytesReceived(10);
                        web.connectionClosed();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Double> s = scrape();
        // Even i go to a with 200, odd i to b with 500: half of all requests each.
        double half = threads * perThread / 2.0;
        assertThat(s.get(series("sluice_requests_total", "listener=web", "route=r", "cluster=c", "backend=a",
                "code_class=2xx"))).isEqualTo(half);
        assertThat(s.get(series("sluice_requests_total", "listener=web", "route=r", "cluster=c", "backend=b",
                "code_class=5xx"))).isEqualTo(half);
        assertThat(s.get(series("sluice_request_duration_seconds_count", "cluster=c", "backend=a"))).isEqualTo(half);
        assertThat(s.get(series("sluice_backend_attempts_total", "cluster=c", "backend=a", "outcome=response")))
                .isEqualTo(half);
        assertThat(s.get(series("sluice_listener_connections", "listener=web"))).isEqualTo(0.0);
        assertThat(s.get(series("sluice_listener_connections_accepted_total", "listener=web")))
                .isEqualTo((double) threads * perThread);
        assertThat(s.get(series("sluice_listener_received_bytes_total", "listener=web")))
                .isEqualTo(10.0 * threads * perThread);
    }

    /** A fixed live state: two backends of cluster c, one affinity table, an access log. */
    private static LiveState fixedLiveState() {
        return new LiveState() {
            @Override
            public List<BackendSample> backends() {
                return List.of(new BackendSample("c", "b1", 3, 0.012, HealthState.HEALTHY, 2),
                        new BackendSample("c", "b2", 0, 0, HealthState.DRAINING, 1));
            }

            @Override
            public List<AffinitySample> affinityTables() {
                return List.of(new AffinitySample("c", new AffinityTable.AffinityStats(10, 4, 2, 1, 3, 5)));
            }

            @Override
            public AccessLogSample accessLog() {
                return new AccessLogSample(7, 1, 0);
            }

            @Override
            public List<UpstreamSample> upstreamConnections() {
                return List.of(new UpstreamSample("c", "b1", 5, 2), new UpstreamSample("c", "b2", 0, 0));
            }

            @Override
            public List<CheckSample> healthChecks() {
                return List.of(new CheckSample("c", "b1", 40, 2, 1));
            }
        };
    }

    @Test
    void callbackMetricsReadTheLiveStateAtScrapeTime() {
        assertThat(scrape()).doesNotContainKey(series("sluice_backend_requests_in_flight", "cluster=c", "backend=b1"));
        metrics.bindLiveState(fixedLiveState());
        Map<String, Double> s = scrape();
        assertThat(s.get(series("sluice_backend_requests_in_flight", "cluster=c", "backend=b1"))).isEqualTo(3.0);
        assertThat(s.get(series("sluice_backend_requests_in_flight", "cluster=c", "backend=b2"))).isEqualTo(0.0);
        assertThat(s.get(series("sluice_backend_latency_ewma_seconds", "cluster=c", "backend=b1"))).isEqualTo(0.012);
        assertThat(s.get(series("sluice_backend_weight", "cluster=c", "backend=b1"))).isEqualTo(2.0);
        assertThat(s.get(series("sluice_backend_state", "cluster=c", "backend=b2", "state=draining"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_backend_state", "cluster=c", "backend=b2", "state=healthy"))).isEqualTo(0.0);
        assertThat(s.get(series("sluice_affinity_lookups_total", "cluster=c", "result=hit"))).isEqualTo(10.0);
        assertThat(s.get(series("sluice_affinity_lookups_total", "cluster=c", "result=miss"))).isEqualTo(4.0);
        assertThat(s.get(series("sluice_affinity_lookups_total", "cluster=c", "result=move"))).isEqualTo(2.0);
        assertThat(s.get(series("sluice_affinity_evictions_total", "cluster=c"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_affinity_expirations_total", "cluster=c"))).isEqualTo(3.0);
        assertThat(s.get(series("sluice_affinity_entries", "cluster=c"))).isEqualTo(5.0);
        assertThat(s.get(series("sluice_access_log_lines_total", "result=written"))).isEqualTo(7.0);
        assertThat(s.get(series("sluice_access_log_lines_total", "result=dropped"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_backend_connections_open", "cluster=c", "backend=b1"))).isEqualTo(5.0);
        assertThat(s.get(series("sluice_backend_connections_idle", "cluster=c", "backend=b1"))).isEqualTo(2.0);
        assertThat(s.get(series("sluice_backend_connections_open", "cluster=c", "backend=b2"))).isEqualTo(0.0);
        assertThat(s.get(series("sluice_health_checks_total", "cluster=c", "backend=b1", "result=passed"))).isEqualTo(40.0);
        assertThat(s.get(series("sluice_health_checks_total", "cluster=c", "backend=b1", "result=failed"))).isEqualTo(2.0);
        assertThat(s.get(series("sluice_health_checks_total", "cluster=c", "backend=b1", "result=timeout"))).isEqualTo(1.0);
    }

    @Test
    void requestsAreCountedByProtocolAndGrpcAnswersByStatus() {
        metrics.listener("web").requestServed("HTTP/1.1");
        metrics.listener("web").requestServed("HTTP/2");
        metrics.listener("web").requestServed("HTTP/2");
        metrics.listener("web").requestServed("SPDY/3");
        RouteMetrics route = metrics.route("web", "r", "c");
        route.grpcAnswered(-1);
        route.grpcAnswered(0);
        route.grpcAnswered(14);
        route.grpcAnswered(14);
        route.grpcAnswered(99);
        Map<String, Double> s = scrape();
        assertThat(s.get(series("sluice_listener_requests_total", "listener=web", "protocol=HTTP/1.0"))).isEqualTo(0.0);
        assertThat(s.get(series("sluice_listener_requests_total", "listener=web", "protocol=HTTP/1.1"))).isEqualTo(1.0);
        assertThat(s.get(series("sluice_listener_requests_total", "listener=web", "protocol=HTTP/2"))).isEqualTo(2.0);
        assertThat(s.keySet()).noneMatch(k -> k.contains("SPDY"));
        String grpc = "sluice_grpc_responses_total";
        assertThat(s.get(series(grpc, "listener=web", "route=r", "cluster=c", "grpc_status=0"))).isEqualTo(1.0);
        assertThat(s.get(series(grpc, "listener=web", "route=r", "cluster=c", "grpc_status=14"))).isEqualTo(2.0);
        // Past 16 is no code gRPC defines: a client reads it as UNKNOWN (2).
        assertThat(s.get(series(grpc, "listener=web", "route=r", "cluster=c", "grpc_status=2"))).isEqualTo(1.0);
        assertThat(s.keySet().stream().filter(k -> k.startsWith(grpc + "{"))).hasSize(3);
    }

    @Test
    void removingAClusterDropsEveryOneOfItsSeries() {
        metrics.route("web", "r", "gone").requestCompleted(metrics.backend("gone", "b"), 200, MS);
        metrics.route("web", "r", "stays").requestCompleted(metrics.backend("stays", "b"), 200, MS);
        metrics.cluster("gone").retry();
        metrics.route("web", "r", "gone").grpcAnswered(14);
        metrics.removeCluster("gone");
        metrics.removeCluster("never-there");
        String text = metrics.scrapeText();
        assertThat(text).doesNotContain("cluster=\"gone\"");
        assertThat(text).contains("cluster=\"stays\"");
        metrics.route("web", "r", "gone").requestCompleted(metrics.backend("gone", "b"), 500, MS);
        Map<String, Double> s = scrape();
        assertThat(s.get(series("sluice_requests_total", "listener=web", "route=r", "cluster=gone", "backend=b",
                "code_class=2xx"))).as("a new handle starts at zero").isEqualTo(0.0);
        assertThat(s.get(series("sluice_requests_total", "listener=web", "route=r", "cluster=gone", "backend=b",
                "code_class=5xx"))).isEqualTo(1.0);
    }

    @Test
    void theExpositionPassesPromtoolCheckMetrics() throws Exception {
        File promtool = findOnPath("promtool");
        assumeThat(promtool).as("promtool is not installed (Debian package 'prometheus'); skipping the exposition lint")
                .isNotNull();
        // Every metric family: the proxy's, and the JVM's appended after them.
        ProxyMetrics metrics = new ProxyMetrics("0.1.0", true);
        RouteMetrics route = metrics.route("web", "r", "c");
        route.requestCompleted(metrics.backend("c", "b1"), 200, 3 * MS);
        route.requestCompleted(null, 503, MS);
        metrics.listener("web").connectionOpened();
        metrics.listener("web").bytesSent(10);
        metrics.backend("c", "b1").healthTransition(HealthState.EJECTED);
        metrics.backend("c", "b1").ejected(EjectionReason.CONSECUTIVE_5XX);
        metrics.cluster("c").retry();
        metrics.backend("c", "b1").attemptEnded("response");
        metrics.bindLiveState(fixedLiveState());

        metrics.listener("web").connectionRefused();
        metrics.listener("web").requestServed("HTTP/2");
        route.grpcAnswered(5);
        route.grpcAnswered(99);
        metrics.reloaded("invalid");
        Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(metrics.scrape());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool's findings").isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    private static File findOnPath(String name) throws IOException {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.isFile() && f.canExecute()) {
                return f;
            }
        }
        return null;
    }
}
