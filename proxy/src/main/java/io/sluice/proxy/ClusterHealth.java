package io.sluice.proxy;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.HealthCheckConfig;
import io.sluice.algorithms.health.InitialState;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.health.OutlierDetector;
import io.sluice.algorithms.health.OutlierEvent;
import io.sluice.proxy.config.ProxyConfig;
import io.sluice.proxy.config.ProxyConfig.HealthCheckType;
import io.sluice.proxy.health.ActiveHealthChecker;
import io.sluice.proxy.health.BackendHealth;
import io.sluice.proxy.health.CheckSpec;
import io.sluice.proxy.health.HealthAggregator;
import io.sluice.proxy.health.PassiveOutlierMonitor;
import io.sluice.proxy.health.UpstreamFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one cluster's backends: its {@link ActiveHealthChecker} (none for
 * {@code healthCheck.type: none}), its {@link PassiveOutlierMonitor} fed by every upstream attempt,
 * and the {@link HealthAggregator} that combines them with the operator's drain into the one
 * {@link HealthState} the cluster's {@link LoadBalancer} applies, as {@code health/package-info}
 * lays out.
 *
 * <h2>Across reloads</h2>
 * One object lives as long as a cluster of its name does. The aggregator is kept, so a drained
 * backend stays drained and backends that stay keep their opinions. The checker is kept (with its
 * rise/fall counters) while the {@code healthCheck} settings are unchanged and only told the new
 * membership; when they change it is replaced, and every backend's active opinion is reset to up,
 * which is where the new checker starts ({@code init-state fully-up}: {@code fall} failed checks
 * bring it down). The outlier monitor likewise, with ejections lifted. Reports from a replaced checker
 * or monitor that arrive late are ignored.
 *
 * <p>When the cluster's strategy changes, the reload brings a new load balancer, whose backends
 * all start healthy: {@link #reconfigure} points the aggregator's sink at it and replays every
 * state that is not healthy, under the aggregator's lock so no transition slips in between.
 *
 * <p>Thread safety: every public method may be called from any thread.
 */
public final class ClusterHealth {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterHealth.class);

    private final String cluster;
    private final Cluster.Services services;
    private final HealthAggregator aggregator;
    private volatile LoadBalancer lb;
    private volatile Checks checks;
    private volatile Outliers outliers;
    private List<String> ids = List.of();
    private boolean stopped;

    /** One checker and the settings it was made from; {@link #checker} is null for type none. */
    private static final class Checks {
        final ProxyConfig.HealthCheck config;
        ActiveHealthChecker checker;

        Checks(ProxyConfig.HealthCheck config) {
            this.config = config;
        }
    }

    /** One outlier monitor and the settings it was made from. */
    private static final class Outliers {
        final ProxyConfig.OutlierDetection config;
        PassiveOutlierMonitor monitor;

        Outliers(ProxyConfig.OutlierDetection config) {
            this.config = config;
        }
    }

    private ClusterHealth(String cluster, Cluster.Services services, LoadBalancer lb) {
        this.cluster = cluster;
        this.services = services;
        this.lb = lb;
        this.aggregator = new HealthAggregator(this::apply);
    }

    /** Starts checks and outlier detection for a new cluster (none when {@code services} is null). */
    static ClusterHealth start(ProxyConfig.Cluster config, List<Backend> backends, LoadBalancer lb,
                               Cluster.Services services) {
        ClusterHealth h = new ClusterHealth(config.name(), services, lb);
        h.reconfigure(config, backends, lb);
        return h;
    }

    /**
     * Under the aggregator's lock: the load balancer, the metrics and the operator's log hear every
     * change, in order. A backend leaving service (unhealthy, ejected) is a warning.
     */
    private void apply(String backendId, HealthState state) {
        lb.setHealth(backendId, state);
        if (services != null) {
            services.metrics().backend(cluster, backendId).healthTransition(state);
            if (state == HealthState.UNHEALTHY || state == HealthState.EJECTED) {
                LOG.warn("cluster {} backend {} is now {}", cluster, backendId, state.name().toLowerCase(Locale.ROOT));
            } else {
                LOG.info("cluster {} backend {} is now {}", cluster, backendId, state.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    /**
     * Applies a cluster's new settings and membership; {@code lb} already has the new backends.
     *
     * @return this
     */
    synchronized ClusterHealth reconfigure(ProxyConfig.Cluster config, List<Backend> backends, LoadBalancer next) {
        List<String> now = new ArrayList<>();
        for (Backend b : backends) {
            now.add(b.id());
        }
        ids = List.copyOf(now);
        synchronized (aggregator) {
            aggregator.setBackends(ids);
            if (next != lb) {
                lb = next;
                for (String id : ids) {
                    HealthState s = aggregator.state(id);
                    if (s != null && s != HealthState.HEALTHY) {
                        next.setHealth(id, s);
                    }
                }
            }
        }
        if (stopped || services == null) {
            return this;
        }
        Outliers o = outliers;
        if (o != null && o.config.equals(config.outlierDetection())) {
            o.monitor.update(ids);
        } else {
            if (o != null) {
                outliers = null;
                o.monitor.stop();
                for (String id : ids) {
                    aggregator.setEjected(id, false);
                }
            }
            outliers = startOutliers(config.outlierDetection());
        }
        Checks c = checks;
        if (c != null && c.config.equals(config.healthCheck())) {
            if (c.checker != null) {
                c.checker.update(backends);
            }
        } else {
            if (c != null) {
                checks = null;
                if (c.checker != null) {
                    c.checker.stop();
                }
                for (String id : ids) {
                    aggregator.setActive(id, HealthState.HEALTHY);
                }
            }
            Checks fresh = new Checks(config.healthCheck());
            checks = fresh;
            if (config.healthCheck().type() != HealthCheckType.NONE) {
                fresh.checker = startChecker(fresh);
                fresh.checker.update(backends);
            }
        }
        return this;
    }

    private Outliers startOutliers(ProxyConfig.OutlierDetection od) {
        OutlierConfig oc = OutlierConfig.builder()
                .consecutive5xx(od.consecutiveFailures())
                .baseEjectionTime(od.baseEjectionNanos())
                .maxEjectionTime(od.maxEjectionNanos())
                .maxEjectionPercent(od.maxEjectedPercent())
                .latencyFactor(od.latencyFactor())
                .build();
        Outliers o = new Outliers(od);
        o.monitor = PassiveOutlierMonitor.start(oc, ids, services.group().next(), (OutlierEvent event, boolean ejected) -> {
            if (outliers != o) {
                return;
            }
            aggregator.setEjected(event.backendId(), ejected);
            if (event.kind() == OutlierEvent.Kind.EJECTED) {
                services.metrics().backend(cluster, event.backendId()).ejected(event.reason());
            }
        });
        return o;
    }

    private ActiveHealthChecker startChecker(Checks c) {
        ProxyConfig.HealthCheck hc = c.config;
        CheckSpec spec = hc.type() == HealthCheckType.TCP ? CheckSpec.tcp() : CheckSpec.http(hc.path());
        spec = spec.withTimeout(hc.timeoutNanos()).withExpectStatus(hc.expectStatusMin(), hc.expectStatusMax());
        // FULLY_UP rather than HAProxy's default UP: a backend (new, or every backend when the proxy
        // starts) leaves only after `fall` failed checks, like one that has been up for long. With UP a
        // single failed first check removes it, and the first check of a cold JVM can miss a short
        // timeout on class loading alone. A new backend that is really dead still gets no client
        // errors: connect failures are retried on another backend, and outlier detection ejects it.
        HealthCheckConfig rule = HealthCheckConfig.builder().rise(hc.rise()).fall(hc.fall()).inter(hc.intervalNanos())
                .initialState(InitialState.FULLY_UP).build();
        return ActiveHealthChecker.create(spec, rule, services.group(), services.checkChannels(), services.env(),
                (id, state, reason) -> {
                    if (checks == c) {
                        aggregator.setActive(id, state);
                    }
                });
    }

    /** Feeds one upstream attempt to outlier detection; called on the event loop that made it. */
    void onAttempt(String backendId, RequestObserver.Outcome outcome, int status, long latencyNanos) {
        Outliers o = outliers;
        if (o == null) {
            return;
        }
        PassiveOutlierMonitor m = o.monitor;
        switch (outcome) {
            case RESPONSE -> m.onResponse(backendId, status, latencyNanos);
            case CONNECT_FAILURE -> m.onFailure(backendId, UpstreamFailure.CONNECT_FAILURE, latencyNanos);
            case RESET, BAD_RESPONSE -> m.onFailure(backendId, UpstreamFailure.RESET, latencyNanos);
            case TIMEOUT -> m.onFailure(backendId, UpstreamFailure.TIMEOUT, latencyNanos);
            default -> {
                // CANCELLED: the client's doing, not the backend's.
            }
        }
    }

    /** The combined state of a backend, or null if it is not a member. */
    public HealthState state(String backendId) {
        return aggregator.state(backendId);
    }

    /** What active checks, outlier detection and the operator each say about a backend. */
    public Optional<BackendHealth> opinions(String backendId) {
        return aggregator.health(backendId);
    }

    /** The active checks of a backend so far; empty without checks or for an unknown id. */
    public Optional<ActiveHealthChecker.BackendCheckStatus> check(String backendId) {
        Checks c = checks;
        if (c == null || c.checker == null) {
            return Optional.empty();
        }
        for (ActiveHealthChecker.BackendCheckStatus s : c.checker.statuses()) {
            if (s.backendId().equals(backendId)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The check settings in force ({@code type none} when there are no checks). */
    public ProxyConfig.HealthCheck checkConfig() {
        Checks c = checks;
        return c == null ? null : c.config;
    }

    /** What outlier detection knows of a backend; empty for an unknown id or without detection. */
    public Optional<OutlierDetector.BackendStatus> outlier(String backendId) {
        Outliers o = outliers;
        return o == null ? Optional.empty() : o.monitor.detector().status(backendId, System.nanoTime());
    }

    /**
     * Drains a backend: it takes no new request (state {@link HealthState#DRAINING}) and finishes
     * those under way. Lasts across reloads until {@link #undrain}.
     *
     * @return the combined state now, or null if {@code backendId} is not a member
     */
    public HealthState drain(String backendId) {
        return aggregator.setDraining(backendId, true);
    }

    /** Ends a drain; the backend is healthy again unless checks or outlier detection say otherwise. */
    public HealthState undrain(String backendId) {
        return aggregator.setDraining(backendId, false);
    }

    /**
     * HAProxy's check counter text: {@code "3/3 UP"} (passes left of the fall budget) or
     * {@code "1/2 DOWN"} (passes so far towards rise).
     */
    public static String counterText(ActiveHealthCheck.Status s, int rise, int fall) {
        return s.up() ? (s.health() - rise + 1) + "/" + fall + " UP" : s.health() + "/" + rise + " DOWN";
    }

    /**
     * HAProxy's {@code check_status} code for what the last check found: {@code L4OK} (TCP
     * connect), {@code L4CON} (connect failed), {@code L4TOUT}/{@code L7TOUT} (timeout),
     * {@code L7OK} (expected status), {@code L7STS} (other status), {@code L7RSP} (broken
     * response); {@code INI} before the first check.
     */
    public static String checkCode(ActiveHealthChecker.BackendCheckStatus s, boolean tcp) {
        String r = s.lastResult();
        if (r.isEmpty()) {
            return "INI";
        }
        if (r.startsWith("TCP connect ok")) {
            return "L4OK";
        }
        if (r.startsWith("connect failed")) {
            return "L4CON";
        }
        if (r.startsWith("timeout")) {
            return tcp ? "L4TOUT" : "L7TOUT";
        }
        if (r.startsWith("HTTP status")) {
            return r.contains("expected") ? "L7STS" : "L7OK";
        }
        return "L7RSP";
    }

    /** Stops checks and outlier detection; the future completes when their timers and channels are gone. */
    synchronized CompletableFuture<Void> stop() {
        stopped = true;
        List<CompletableFuture<Void>> all = new ArrayList<>();
        Checks c = checks;
        checks = null;
        if (c != null && c.checker != null) {
            all.add(c.checker.stop());
        }
        Outliers o = outliers;
        outliers = null;
        if (o != null) {
            all.add(o.monitor.stop());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }
}
