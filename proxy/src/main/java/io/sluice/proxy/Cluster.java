package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.affinity.AffinityTable;
import io.sluice.proxy.config.ProxyConfig;
import io.sluice.proxy.config.ProxyConfig.PersistenceMode;
import io.sluice.proxy.metrics.BackendMetrics;
import io.sluice.proxy.metrics.ClusterMetrics;
import io.sluice.proxy.metrics.ProxyMetrics;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One cluster at run time: its configuration, the {@link LoadBalancer} that picks among its
 * backends (and keeps their live {@link io.sluice.algorithms.BackendLoad}s), where each backend
 * listens, the retry budget, its {@link ClusterHealth} (active checks, outlier detection, drain)
 * and, for header or source affinity without a hashing strategy, its {@link AffinityTable}.
 *
 * <h2>Reloads</h2>
 * A reload builds a new cluster through {@link #build}, which keeps the old object when the config
 * is unchanged. Otherwise what can be carried over is: the load balancer (so the loads and the
 * picker's state) when the strategy is unchanged, the {@link ClusterHealth} always (drained
 * backends stay drained, checks keep their counters when their settings are unchanged), the
 * affinity table when the mode and TTL are unchanged, and admin weight overrides of backends
 * whose configured weight did not change.
 *
 * <p>Thread safety: immutable but for the load balancer, the health (both thread-safe), the
 * weight overrides and two atomic counters.
 */
public final class Cluster {
    /** Retries always allowed at once, whatever the budget percentage (Envoy's min_retry_concurrency). */
    static final int MIN_RETRY_CONCURRENCY = 3;

    /**
     * What a cluster's background work runs on: the proxy's event loops and socket type for active
     * checks, outlier sweeps and affinity purges, and the metrics its health transitions go to.
     */
    record Services(EventLoopGroup group, ChannelFactory<? extends Channel> checkChannels, ProxyMetrics metrics,
                    Environment env) {
    }

    private final ProxyConfig.Cluster config;
    private final LoadBalancer loadBalancer;
    private final Environment env;
    private final Map<String, InetSocketAddress> addresses;
    private final Map<String, ProxyConfig.BackendEntry> entries;
    private final AtomicInteger activeRequests;
    private final AtomicInteger activeRetries;
    /** Admin weight overrides by backend id; shared by the clusters a reload builds from this one. */
    private final Map<String, Integer> weights;
    private final ClusterHealth health;
    private final SessionAffinity affinity;
    private final boolean hashesKey;
    /** Each backend's metrics handle, looked up once per build; empty without metrics. */
    private final Map<String, BackendMetrics> backendMetrics;
    private final ClusterMetrics clusterMetrics;

    private Cluster(ProxyConfig.Cluster config, LoadBalancer loadBalancer, Environment env,
                    Map<String, InetSocketAddress> addresses, Map<String, ProxyConfig.BackendEntry> entries,
                    AtomicInteger activeRequests, AtomicInteger activeRetries, Map<String, Integer> weights,
                    ClusterHealth health, SessionAffinity affinity, boolean hashesKey, ProxyMetrics metrics) {
        this.config = config;
        this.loadBalancer = loadBalancer;
        this.env = env;
        this.addresses = addresses;
        this.entries = entries;
        this.activeRequests = activeRequests;
        this.activeRetries = activeRetries;
        this.weights = weights;
        this.health = health;
        this.affinity = affinity;
        this.hashesKey = hashesKey;
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
        return build(config, previous, registry, env, null);
    }

    /**
     * The cluster for {@code config}: {@code previous} itself when its config is equal; otherwise a
     * new cluster carrying over what it can from {@code previous} (see the class comment).
     * Membership changes reach the load balancer, then the health aggregator, the outlier
     * detector and last the checker, in that order (see {@code health/package-info.java}).
     *
     * @param services null for a cluster without background work
     * @throws IllegalArgumentException when the strategy is refused (the config parser checked it already)
     */
    static Cluster build(ProxyConfig.Cluster config, Cluster previous, StrategyRegistry registry, Environment env,
                         Services services) {
        Objects.requireNonNull(config, "config");
        if (previous != null && previous.config.equals(config)) {
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
        LoadBalancer lb;
        AtomicInteger active;
        AtomicInteger retries;
        if (previous != null && previous.config.strategy().equals(config.strategy())) {
            lb = previous.loadBalancer;
            active = previous.activeRequests;
            retries = previous.activeRetries;
        } else {
            lb = LoadBalancer.create(registry.create(config.strategy().toSpec(), env), env);
            active = previous == null ? new AtomicInteger() : previous.activeRequests;
            retries = previous == null ? new AtomicInteger() : previous.activeRetries;
        }
        lb.setBackends(backends);
        ClusterHealth health = previous == null
                ? ClusterHealth.start(config, backends, lb, services)
                : previous.health.reconfigure(config, backends, lb);
        boolean hashes = previous != null && previous.config.strategy().equals(config.strategy())
                ? previous.hashesKey : hashesKey(config.strategy(), registry);
        SessionAffinity affinity = null;
        if (usesTable(config.sessionPersistence().mode(), hashes)) {
            long ttl = config.sessionPersistence().ttlNanos();
            SessionAffinity old = previous == null ? null : previous.affinity;
            affinity = old != null && old.ttlNanos() == ttl ? old : SessionAffinity.start(ttl, env, services);
        }
        return new Cluster(config, lb, env, Map.copyOf(addresses), Map.copyOf(entries), active, retries, weights,
                health, affinity, hashes, services == null ? null : services.metrics());
    }

    private static Backend backend(ProxyConfig.BackendEntry b, int weight) {
        return Backend.of(b.id(), b.address().toString(), weight, b.zone(), Map.of());
    }

    /**
     * Whether the strategy places a request by its affinity key, as the consistent hashes do: then
     * header or source affinity needs no table (the hash is the memory); any other strategy gets
     * one. The strategy is asked by its behaviour, so a custom hashing strategy counts too: a
     * picker over {@value #PROBE_BACKENDS} made-up backends, in a virtual environment of its own,
     * is asked for {@value #PROBE_KEYS} keys twice each. A hash answers every key the same both
     * times and spreads the keys over at least two backends; round robin and random strategies
     * answer a key differently the second time, and a strategy blind to the key (least
     * connections over idle backends) gives every key the same backend.
     */
    static boolean hashesKey(ProxyConfig.Strategy strategy, StrategyRegistry registry) {
        Environment probe = Environment.virtual(() -> 0L, 1L);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < PROBE_BACKENDS; i++) {
            endpoints.add(Endpoint.healthy(Backend.of("probe-" + i, "127.0.0.1:" + (i + 1)), probe));
        }
        io.sluice.algorithms.Picker picker;
        try {
            picker = registry.create(strategy.toSpec(), probe).newPicker(io.sluice.algorithms.EndpointSet.of(endpoints));
        } catch (RuntimeException refused) {
            return false;
        }
        Set<String> used = new java.util.HashSet<>();
        for (int k = 0; k < PROBE_KEYS; k++) {
            RequestContext ctx = RequestContext.ofKey("probe-key-" + k);
            Endpoint first = picker.pick(ctx);
            Endpoint second = picker.pick(ctx);
            if (first == null || second == null || !first.id().equals(second.id())) {
                return false;
            }
            used.add(first.id());
        }
        return used.size() > 1;
    }

    private static final int PROBE_BACKENDS = 8;
    private static final int PROBE_KEYS = 16;

    private static boolean usesTable(PersistenceMode mode, boolean hashesKey) {
        return (mode == PersistenceMode.HEADER || mode == PersistenceMode.SOURCE) && !hashesKey;
    }

    public String name() {
        return config.name();
    }

    public ProxyConfig.Cluster config() {
        return config;
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
    public int activeRequests() {
        return activeRequests.get();
    }

    /** Retries of this cluster under way on this proxy. */
    public int activeRetries() {
        return activeRetries.get();
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
     * if it is available, then the strategy's pick among the untried backends
     * ({@link LoadBalancer.Snapshot#pick(RequestContext, Tried)}: power-of-choices draws among
     * them, a hash walks on to the key's next backend, join-idle-queue and Prequal spend nothing on
     * tried backends). Every decision reads one snapshot, so the sticky check and the pick see the
     * same endpoints.
     *
     * @param random unused: the snapshot's own fallback draws from the cluster's environment
     * @return null when no available backend is left
     */
    Endpoint choose(RequestContext ctx, String sticky, Set<String> tried, Environment random) {
        LoadBalancer.Snapshot snapshot = loadBalancer.snapshot();
        if (sticky != null && !tried.contains(sticky)) {
            Endpoint e = snapshot.available(sticky);
            if (e != null) {
                return e;
            }
        }
        if (tried.isEmpty()) {
            return snapshot.pick(ctx);
        }
        Tried excluded = Tried.NONE;
        for (String id : tried) {
            Endpoint e = snapshot.endpoint(id);
            if (e != null) {
                excluded = excluded.with(e);
            }
        }
        return snapshot.pick(ctx, excluded);
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
        if (affinity != null && (next == null || next.affinity != affinity)) {
            affinity.stop();
        }
    }

    /** Stops all background work; the future completes when checks and outlier timers are gone. */
    java.util.concurrent.CompletableFuture<Void> stop() {
        if (affinity != null) {
            affinity.stop();
        }
        return health.stop();
    }

    void requestStarted() {
        activeRequests.incrementAndGet();
    }

    void requestEnded() {
        activeRequests.decrementAndGet();
    }

    /**
     * Takes a place in the retry budget, Envoy-style: retries under way may be at most
     * {@code budgetPercent}% of requests under way, but {@link #MIN_RETRY_CONCURRENCY} are always
     * allowed so a quiet cluster can still retry. Example: 40 requests under way at 20% allow
     * max(3, 40 * 20 / 100) = 8 concurrent retries.
     *
     * @return false when the budget is spent; true means the caller must {@link #retryEnded()} later
     */
    boolean tryStartRetry() {
        int allowed = Math.max(MIN_RETRY_CONCURRENCY,
                (int) ((long) activeRequests.get() * config.retries().budgetPercent() / 100));
        while (true) {
            int now = activeRetries.get();
            if (now >= allowed) {
                return false;
            }
            if (activeRetries.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void retryEnded() {
        activeRetries.decrementAndGet();
    }

    @Override
    public String toString() {
        return "Cluster{" + name() + ", " + config.strategy().name() + ", " + addresses.keySet() + "}";
    }
}
