package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.affinity.AffinityTable;
import io.sluice.algorithms.concurrency.AdaptiveConcurrencyLimit;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.RetryBudget;
import io.sluice.algorithms.policy.RetryTarget;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.metrics.BackendMetrics;
import io.sluice.proxy.metrics.ClusterMetrics;
import io.sluice.proxy.metrics.ProxyMetrics;
import io.sluice.proxy.tls.UpstreamTlsContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One cluster at run time: its configuration and {@link ClusterPolicy}, the {@link LoadBalancer}
 * that picks among its backends (and keeps their live {@link io.sluice.algorithms.BackendLoad}s),
 * where each backend listens, the {@link RetryBudget}, its {@link ClusterHealth} (active checks,
 * outlier detection, drain), for header or source affinity without a hashing strategy its
 * {@link AffinityTable}, and, for a strategy that changes with time, the timer that rebuilds its
 * picker ({@link io.sluice.algorithms.policy.PickerRefresh}: the rule the simulator follows too).
 *
 * <h2>Reloads</h2>
 * A reload builds a new cluster through {@link #build}, which keeps the old object when the config
 * is unchanged. Otherwise what can be carried over is: the load balancer (so the loads and the
 * picker's state) when the strategy and EWMA decay are unchanged, the {@link ClusterHealth} always
 * (drained backends stay drained, checks keep their counters when their settings are unchanged),
 * the affinity table when its settings are unchanged, the retry budget's counters always, and
 * admin weight overrides of backends whose configured weight did not change, and the adaptive
 * concurrency limit (what it learnt of the latency) when its settings are unchanged.
 *
 * <p>Thread safety: immutable but for the load balancer, the health, the retry budget (all
 * thread-safe) and the weight overrides.
 */
public final class Cluster {
    /**
     * What a cluster's background work runs on: the proxy's event loops and socket types (TCP, UDP) for
     * active checks, outlier sweeps and affinity purges, and the metrics its health transitions go to.
     */
    record Services(EventLoopGroup group, ChannelFactory<? extends Channel> checkChannels,
                    ChannelFactory<? extends Channel> checkDatagrams, ProxyMetrics metrics, Environment env) {
    }

    private final ProxyConfig.Cluster config;
    private final ClusterPolicy policy;
    private final LoadBalancer loadBalancer;
    private final Environment env;
    private final Map<String, InetSocketAddress> addresses;
    private final Map<String, ProxyConfig.BackendEntry> entries;
    private final RetryBudget retryBudget;
    /** Admin weight overrides by backend id; shared by the clusters a reload builds from this one. */
    private final Map<String, Integer> weights;
    private final ClusterHealth health;
    private final SessionAffinity affinity;
    private final boolean hashesKey;
    /** Rebuilds the picker of a strategy that changes with time; null when the policy wants no timer. */
    private final PickerTimer pickerTimer;
    /** Each backend's metrics handle, looked up once per build; empty without metrics. */
    private final Map<String, BackendMetrics> backendMetrics;
    private final ClusterMetrics clusterMetrics;
    /** The adaptive concurrency limit, or null when the policy has none. */
    private final AdaptiveConcurrencyLimit concurrency;
    /** TLS to the backends ({@code upstream.tls}), or null in clear. */
    private final UpstreamTlsContext upstreamTls;
    /** How requests reach the backends: the protocol's connector, over {@link #upstreamTls} when set. */
    private final UpstreamConnector connector;

    private Cluster(ProxyConfig.Cluster config, LoadBalancer loadBalancer, Environment env,
                    Map<String, InetSocketAddress> addresses, Map<String, ProxyConfig.BackendEntry> entries,
                    RetryBudget retryBudget, Map<String, Integer> weights, ClusterHealth health,
                    SessionAffinity affinity, boolean hashesKey, PickerTimer pickerTimer, ProxyMetrics metrics,
                    AdaptiveConcurrencyLimit concurrency, UpstreamTlsContext upstreamTls) {
        this.config = config;
        this.upstreamTls = upstreamTls;
        this.connector = UpstreamConnector.secured(UpstreamConnector.of(config), upstreamTls);
        this.concurrency = concurrency;
        this.policy = config.policy();
        this.loadBalancer = loadBalancer;
        this.env = env;
        this.addresses = addresses;
        this.entries = entries;
        this.retryBudget = retryBudget;
        this.weights = weights;
        this.health = health;
        this.affinity = affinity;
        this.hashesKey = hashesKey;
        this.pickerTimer = pickerTimer;
        this.clusterMetrics = metrics == null ? null : metrics.cluster(config.name());
        Map<String, BackendMetrics> handles = new LinkedHashMap<>();
        if (metrics != null) {
            for (String id : entries.keySet()) {
                handles.put(id, metrics.backend(config.name(), id));
            }
        }
        this.backendMetrics = Map.copyOf(handles);
    }

    /**
     * The cluster for {@code config} with no background work: no active checks, no outlier
     * detection, no affinity purge timer (unit tests).
     *
     * @see #build(ProxyConfig.Cluster, Cluster, StrategyRegistry, Environment, Services)
     */
    public static Cluster build(ProxyConfig.Cluster config, Cluster previous, StrategyRegistry registry,
                                Environment env) {
        return build(config, previous, registry, env, null, loadTls(config, previous, null));
    }

    /**
     * The TLS context of {@code config}'s {@code upstream.tls} (null without one): {@code previous}'s
     * when neither its settings nor its files changed, else loaded from the files. A reload calls it
     * before changing anything, so a bad certificate fails the reload and the old one stays in use.
     *
     * @throws IllegalArgumentException naming the cluster and the file that cannot be used
     */
    static UpstreamTlsContext loadTls(ProxyConfig.Cluster config, Cluster previous, Services services) {
        if (config.upstreamTls() == null) {
            return null;
        }
        ClusterMetrics m = services == null ? null : services.metrics().cluster(config.name());
        return UpstreamTlsContext.load(config.name(), config.upstreamTls(),
                config.upstream() == ProxyConfig.UpstreamProtocol.H2,
                previous == null ? null : previous.upstreamTls,
                m == null ? reason -> { } : m::upstreamTlsHandshakeFailure);
    }

    /**
     * The cluster for {@code config}: {@code previous} itself when its config is equal; otherwise a
     * new cluster carrying over what it can from {@code previous} (see the class comment).
     * Membership changes reach the load balancer, then the health aggregator, the outlier
     * detector and last the checker, in that order (see {@code health/package-info.java}).
     * The policy's settings are in force as soon as this returns; the ones a running piece cannot
     * change in place (strategy, EWMA decay, check or outlier settings, the affinity table's) start
     * a new piece.
     *
     * @param services null for a cluster without background work
     * @throws IllegalArgumentException when the strategy is refused (the config parser checked it already)
     */
    static Cluster build(ProxyConfig.Cluster config, Cluster previous, StrategyRegistry registry, Environment env,
                         Services services, UpstreamTlsContext upstreamTls) {
        Objects.requireNonNull(config, "config");
        if (previous != null && previous.config.equals(config) && previous.upstreamTls == upstreamTls) {
            return previous;
        }
        Map<String, ProxyConfig.BackendEntry> entries = new LinkedHashMap<>();
        for (ProxyConfig.BackendEntry b : config.backends()) {
            entries.put(b.id(), b);
        }
        Map<String, Integer> weights = previous == null ? new ConcurrentHashMap<>() : previous.weights;
        if (previous != null) {
            // An override outlives a reload only while the file still says what it said when it was set.
            weights.keySet().removeIf(id -> {
                ProxyConfig.BackendEntry now = entries.get(id);
                ProxyConfig.BackendEntry before = previous.entries.get(id);
                return now == null || before == null || now.weight() != before.weight();
            });
        }
        List<Backend> backends = new ArrayList<>();
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        for (ProxyConfig.BackendEntry b : config.backends()) {
            backends.add(backend(b, weights.getOrDefault(b.id(), b.weight())));
            // Resolved once here, off the event loops: DNS refresh belongs to service discovery.
            addresses.put(b.id(), new InetSocketAddress(b.address().host(), b.address().port()));
        }
        ClusterPolicy policy = config.policy();
        ClusterPolicy before = previous == null ? null : previous.policy;
        boolean samePicker = before != null && before.strategy().equals(policy.strategy())
                && before.ewmaDecayNanos() == policy.ewmaDecayNanos();
        LoadBalancer lb = samePicker ? previous.loadBalancer
                : LoadBalancer.create(registry.create(policy.strategy(), env), env, policy.ewmaDecayNanos());
        RetryBudget budget = previous == null ? new RetryBudget() : previous.retryBudget;
        lb.setBackends(backends);
        ClusterHealth health = previous == null
                ? ClusterHealth.start(config, backends, lb, services, upstreamTls)
                : previous.health.reconfigure(config, backends, lb, upstreamTls);
        boolean hashes = before != null && before.strategy().equals(policy.strategy())
                ? previous.hashesKey : AffinityPolicy.hashesKey(policy.strategy(), registry);
        SessionAffinity affinity = null;
        if (policy.affinity().usesTable(hashes)) {
            SessionAffinity old = previous == null ? null : previous.affinity;
            affinity = old != null && old.config().equals(policy.affinity().table()) ? old
                    : SessionAffinity.start(policy.affinity().table(), env, services);
        }
        long refresh = policy.pickerRefresh().timerNanos(policy.strategy(), registry);
        PickerTimer timer = previous == null ? null : previous.pickerTimer;
        if (timer != null && (timer.lb != lb || timer.periodNanos != refresh)) {
            timer.stop();
            timer = null;
        }
        if (timer == null && refresh > 0 && services != null) {
            timer = PickerTimer.start(lb, refresh, services);
        }
        // The limit learns the cluster's latency: it carries over while its settings are unchanged.
        AdaptiveConcurrencyLimit concurrency = policy.adaptiveConcurrency().map(
                s -> before != null && previous.concurrency != null && s.equals(before.adaptiveConcurrency().orElse(null))
                        ? previous.concurrency : AdaptiveConcurrencyLimit.gradient(s)).orElse(null);
        return new Cluster(config, lb, env, Map.copyOf(addresses), Map.copyOf(entries), budget, weights, health,
                affinity, hashes, timer, services == null ? null : services.metrics(), concurrency, upstreamTls);
    }

    private static Backend backend(ProxyConfig.BackendEntry b, int weight) {
        return Backend.of(b.id(), b.address().toString(), weight, b.zone(), Map.of());
    }

    /**
     * Rebuilds a load balancer's picker every period, on one of the proxy's event loops, so a wrapper
     * whose output changes with time (slow start) moves; see {@link io.sluice.algorithms.policy.PickerRefresh}.
     */
    private static final class PickerTimer {
        final LoadBalancer lb;
        final long periodNanos;
        private final ScheduledFuture<?> future;

        private PickerTimer(LoadBalancer lb, long periodNanos, ScheduledFuture<?> future) {
            this.lb = lb;
            this.periodNanos = periodNanos;
            this.future = future;
        }

        static PickerTimer start(LoadBalancer lb, long periodNanos, Services services) {
            try {
                return new PickerTimer(lb, periodNanos, services.group().next().scheduleAtFixedRate(lb::refresh,
                        periodNanos, periodNanos, TimeUnit.NANOSECONDS));
            } catch (RejectedExecutionException shuttingDown) {
                return null;
            }
        }

        void stop() {
            future.cancel(false);
        }
    }

    public String name() {
        return config.name();
    }

    public ProxyConfig.Cluster config() {
        return config;
    }

    /** TLS to the backends, or null in clear. */
    UpstreamTlsContext upstreamTls() {
        return upstreamTls;
    }

    /** How requests reach the backends (protocol, and TLS when {@code upstream.tls} is set). */
    UpstreamConnector connector() {
        return connector;
    }

    /** The policy in force: the strategy and every setting around it. */
    public ClusterPolicy policy() {
        return policy;
    }

    /** The picker, the membership and health of the backends, and their live loads. */
    public LoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /** Active checks, outlier detection and drain state of the backends. */
    public ClusterHealth health() {
        return health;
    }

    /** The affinity table's counters, or null when this cluster keeps no table. */
    public AffinityTable.AffinityStats affinityStats() {
        return affinity == null ? null : affinity.table().stats();
    }

    /** The metrics handle of backend {@code id}, or null without metrics or for a non-member. */
    BackendMetrics metrics(String id) {
        return backendMetrics.get(id);
    }

    /** The cluster's metrics handle, or null without metrics. */
    ClusterMetrics clusterMetrics() {
        return clusterMetrics;
    }

    /** Where backend {@code id} listens, or null if it is not a member. */
    public InetSocketAddress address(String id) {
        return addresses.get(id);
    }

    /** The configured entry of backend {@code id}, or null if it is not a member. */
    public ProxyConfig.BackendEntry entry(String id) {
        return entries.get(id);
    }

    /** The weight backend {@code id} has now: an admin override, else the configured one; 0 if not a member. */
    public int weight(String id) {
        ProxyConfig.BackendEntry e = entries.get(id);
        return e == null ? 0 : weights.getOrDefault(id, e.weight());
    }

    /**
     * Changes a backend's weight at run time (admin API). It lasts across reloads while the
     * backend stays and its configured weight is not edited; setting the configured weight
     * again removes the override.
     *
     * @return false when {@code id} is not a member
     * @throws IllegalArgumentException when {@code weight} is outside [1, 1000000], the config's range
     */
    public boolean setWeight(String id, int weight) {
        if (weight < 1 || weight > 1_000_000) {
            throw new IllegalArgumentException("weight must be an integer in [1, 1000000], got " + weight);
        }
        ProxyConfig.BackendEntry e = entries.get(id);
        if (e == null) {
            return false;
        }
        synchronized (weights) {
            if (weight == e.weight()) {
                weights.remove(id);
            } else {
                weights.put(id, weight);
            }
            loadBalancer.putBackend(backend(e, weight));
        }
        return true;
    }

    /** Requests of this cluster under way on this proxy. */
    /**
     * The adaptive concurrency limit ({@code adaptive-concurrency}), or null for none. A request
     * forwarded under it holds a place from {@link AdaptiveConcurrencyLimit#tryAcquire} to its end.
     */
    public AdaptiveConcurrencyLimit concurrencyLimit() {
        return concurrency;
    }

    public int activeRequests() {
        return retryBudget.activeRequests();
    }

    /** Retries of this cluster under way on this proxy that hold a place in the budget. */
    public int activeRetries() {
        return retryBudget.activeRetries();
    }

    /** True when header/source affinity goes through the affinity table rather than the strategy's hash. */
    boolean usesAffinityTable() {
        return affinity != null;
    }

    /**
     * The backend remembered for affinity key {@code key} if it is available, else a newly picked
     * one that is remembered from now on (a move, when the old one is unhealthy, draining or
     * gone); null when nothing is available.
     */
    String affinityBackend(String key) {
        SessionAffinity a = affinity;
        if (a == null) {
            return null;
        }
        return a.table().route(key, env.nanoTime(), id -> available(id) != null, k -> {
            Endpoint e = loadBalancer.pick(RequestContext.NONE);
            return e == null ? null : e.id();
        });
    }

    /**
     * Picks a backend for a request, never one in {@code tried}: first the {@code sticky} backend
     * if it is available, then {@link RetryTarget#choose} on the same snapshot (the rule the
     * simulator uses too: the strategy's own pick among the untried backends).
     *
     * @return null when no available backend is left
     */
    Endpoint choose(RequestContext ctx, String sticky, Set<String> tried) {
        LoadBalancer.Snapshot snapshot = loadBalancer.snapshot();
        if (sticky != null && !tried.contains(sticky)) {
            Endpoint e = snapshot.available(sticky);
            if (e != null) {
                return e;
            }
        }
        return RetryTarget.choose(snapshot, ctx, tried);
    }

    /** The endpoint of {@code id} if it is a member and available for new requests, else null. */
    Endpoint available(String id) {
        return loadBalancer.snapshot().available(id);
    }

    /**
     * Stops the background work of this cluster that {@code next} (its successor after a reload,
     * or null when the cluster was removed) does not carry over.
     */
    void retire(Cluster next) {
        if (next == null || next.health != health) {
            health.stop();
        }
        if (pickerTimer != null && (next == null || next.pickerTimer != pickerTimer)) {
            pickerTimer.stop();
        }
        if (affinity != null && (next == null || next.affinity != affinity)) {
            affinity.stop();
        }
    }

    /** Stops all background work; the future completes when checks and outlier timers are gone. */
    java.util.concurrent.CompletableFuture<Void> stop() {
        if (affinity != null) {
            affinity.stop();
        }
        if (pickerTimer != null) {
            pickerTimer.stop();
        }
        return health.stop();
    }

    void requestStarted() {
        retryBudget.requestStarted();
    }

    void requestEnded() {
        retryBudget.requestEnded();
    }

    /**
     * Takes a place in the retry budget ({@link RetryBudget}, the policy's {@code budget-percent}
     * of requests under way, at least {@code min-retry-concurrency}).
     *
     * @return false when the budget is spent; true means the caller must {@link #retryEnded()} later
     */
    boolean tryStartRetry() {
        return retryBudget.tryStartRetry(policy.retries());
    }

    void retryEnded() {
        retryBudget.retryEnded();
    }

    @Override
    public String toString() {
        return "Cluster{" + name() + ", " + policy.strategy().name() + ", " + addresses.keySet() + "}";
    }
}
