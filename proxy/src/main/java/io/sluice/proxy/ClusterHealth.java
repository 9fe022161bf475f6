package io.sluice.proxy;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.BackendHealth;
import io.sluice.algorithms.health.HealthAggregator;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.health.OutlierDetector;
import io.sluice.algorithms.health.OutlierEvent;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.health.ActiveHealthChecker;
import io.sluice.proxy.health.CheckSpec;
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
 * The health of one cluster's backends: its {@link ActiveHealthChecker} (none without a
 * {@code health-check} section), its {@link PassiveOutlierMonitor} fed by every upstream attempt
 * (none without {@code outlier-detection}), and the {@link HealthAggregator} that combines them
 * with the operator's drain into the one {@link HealthState} the cluster's {@link LoadBalancer}
 * applies, by the rule the simulator applies too ({@link BackendHealth}).
 *
 * <h2>Across reloads</h2>
 * One object lives as long as a cluster of its name does. The aggregator is kept, so a drained
 * backend stays drained and backends that stay keep their opinions. The checker is kept (with its
 * rise/fall counters) while the {@code health-check} settings are unchanged and only told the new
 * membership; when they change it is replaced, and every backend's active opinion is reset to up
 * (the new checker reports its own initial state, {@code initial-state}, as its first results come
 * in). The outlier monitor likewise, with ejections lifted. Reports from a replaced checker or
 * monitor that arrive late are ignored.
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

    /** One checker and the settings it was made from; {@link #checker} is null without checks. */
    private static final class Checks {
        final HealthCheckPolicy config;
        /** The cluster's upstream TLS the checks speak, or null; a new one (a reload) restarts the checks. */
        final io.sluice.proxy.tls.UpstreamTlsContext tls;
        ActiveHealthChecker checker;

        Checks(HealthCheckPolicy config, io.sluice.proxy.tls.UpstreamTlsContext tls) {
            this.config = config;
            this.tls = tls;
        }
    }

    /** One outlier monitor and the settings it was made from; {@link #monitor} is null without detection. */
    private static final class Outliers {
        final OutlierConfig config;
        PassiveOutlierMonitor monitor;

        Outliers(OutlierConfig config) {
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
                               Cluster.Services services, io.sluice.proxy.tls.UpstreamTlsContext tls) {
        ClusterHealth h = new ClusterHealth(config.name(), services, lb);
        h.reconfigure(config, backends, lb, tls);
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
    synchronized ClusterHealth reconfigure(ProxyConfig.Cluster config, List<Backend> backends, LoadBalancer next,
                                           io.sluice.proxy.tls.UpstreamTlsContext tls) {
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
        OutlierConfig outlierConfig = config.policy().outlierDetection().orElse(null);
        Outliers o = outliers;
        if (o != null && java.util.Objects.equals(o.config, outlierConfig)) {
            if (o.monitor != null) {
                o.monitor.update(ids);
            }
        } else {
            if (o != null) {
                outliers = null;
                if (o.monitor != null) {
                    o.monitor.stop();
                }
                for (String id : ids) {
                    aggregator.setEjected(id, false);
                }
            }
            Outliers fresh = new Outliers(outlierConfig);
            if (outlierConfig != null) {
                fresh.monitor = startOutliers(fresh);
            }
            outliers = fresh;
        }
        HealthCheckPolicy checkPolicy = config.policy().healthCheck().orElse(null);
        Checks c = checks;
        if (c != null && java.util.Objects.equals(c.config, checkPolicy) && c.tls == tls) {
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
            Checks fresh = new Checks(checkPolicy, tls);
            checks = fresh;
            if (checkPolicy != null) {
                fresh.checker = startChecker(fresh);
                fresh.checker.update(backends);
            }
        }
        return this;
    }

    private PassiveOutlierMonitor startOutliers(Outliers o) {
        return PassiveOutlierMonitor.start(o.config, ids, services.group().next(), (OutlierEvent event, boolean ejected) -> {
            if (outliers != o) {
                return;
            }
            aggregator.setEjected(event.backendId(), ejected);
            if (event.kind() == OutlierEvent.Kind.EJECTED) {
                services.metrics().backend(cluster, event.backendId()).ejected(event.reason());
            }
        });
    }

    private ActiveHealthChecker startChecker(Checks c) {
        HealthCheckPolicy hc = c.config;
        CheckSpec spec = c.tls == null ? CheckSpec.of(hc) : CheckSpec.of(hc).withTls(c.tls);
        // The policy's state machine as it is, initial state included (HAProxy's up by default), as
        // the simulator runs it.
        return ActiveHealthChecker.create(spec, hc.checks(), services.group(), services.checkChannels(),
                services.checkDatagrams(), services.env(),
                (id, state, reason) -> {
                    if (checks == c) {
                        aggregator.setActive(id, state);
                    }
                });
    }

    /** Feeds one upstream attempt to outlier detection; called on the event loop that made it. */
    void onAttempt(String backendId, RequestObserver.Outcome outcome, int status, long latencyNanos) {
        Outliers o = outliers;
        if (o == null || o.monitor == null) {
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

    /** The check settings in force, or null when there are no checks. */
    public HealthCheckPolicy checkConfig() {
        Checks c = checks;
        return c == null ? null : c.config;
    }

    /** What outlier detection knows of a backend; empty for an unknown id or without detection. */
    public Optional<OutlierDetector.BackendStatus> outlier(String backendId) {
        Outliers o = outliers;
        return o == null || o.monitor == null ? Optional.empty()
                : o.monitor.detector().status(backendId, System.nanoTime());
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
     * connect), {@code L4CON} (connect failed; for CoAP, an ICMP port unreachable),
     * {@code L4TOUT}/{@code L7TOUT} (timeout), {@code L7OK} (expected status, MQTT CONNACK
     * accepted, CoAP RST to the ping), {@code L7STS} (other status, MQTT CONNACK refused),
     * {@code L7RSP} (broken or unexpected response); {@code INI} before the first check.
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
        if (r.startsWith("MQTT CONNACK accepted") || r.startsWith("CoAP RST")) {
            return "L7OK";
        }
        if (r.startsWith("MQTT CONNACK refused")) {
            return "L7STS";
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
        if (o != null && o.monitor != null) {
            all.add(o.monitor.stop());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }
}
