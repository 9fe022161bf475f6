package io.sluice.proxy;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.ratelimit.GlobalRateLimiter;
import io.sluice.algorithms.ratelimit.KeyedLimit;
import io.sluice.config.proxy.ProxyConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the data path reads per request, frozen: the configuration, each listener's routes
 * and every cluster. The proxy holds the current snapshot in one atomic reference; a request reads
 * it once when its head arrives and uses that snapshot to its end. A reload builds a new snapshot
 * (clusters whose config did not change are carried over as the same objects) and swaps it in;
 * requests under way finish on the old one.
 */
public final class RoutingSnapshot {
    private final ProxyConfig config;
    private final Map<String, Cluster> clusters;
    private final Map<String, Router> routers;

    private RoutingSnapshot(ProxyConfig config, Map<String, Cluster> clusters, Map<String, Router> routers) {
        this.config = config;
        this.clusters = clusters;
        this.routers = routers;
    }

    /**
     * Builds the snapshot of {@code config}, carrying clusters over from {@code previous} (may be null).
     */
    public static RoutingSnapshot build(ProxyConfig config, RoutingSnapshot previous, StrategyRegistry registry,
                                        Environment env) {
        return build(config, previous, registry, env, null);
    }

    /** As {@link #build(ProxyConfig, RoutingSnapshot, StrategyRegistry, Environment)}, with clusters' background work. */
    static RoutingSnapshot build(ProxyConfig config, RoutingSnapshot previous, StrategyRegistry registry,
                                 Environment env, Cluster.Services services) {
        return build(config, previous, registry, env, services, loadUpstreamTls(config, previous, services));
    }

    /**
     * The clusters' {@code upstream.tls} contexts by cluster name (only clusters that have one), loaded
     * from their files or carried over from {@code previous} when unchanged.
     *
     * @throws IllegalArgumentException naming the cluster and the file when one cannot be used
     */
    static Map<String, io.sluice.proxy.tls.UpstreamTlsContext> loadUpstreamTls(ProxyConfig config,
                                                                               RoutingSnapshot previous,
                                                                               Cluster.Services services) {
        Map<String, io.sluice.proxy.tls.UpstreamTlsContext> out = new java.util.HashMap<>();
        for (ProxyConfig.Cluster c : config.clusters()) {
            Cluster old = previous == null ? null : previous.clusters.get(c.name());
            io.sluice.proxy.tls.UpstreamTlsContext tls = Cluster.loadTls(c, old, services);
            if (tls != null) {
                out.put(c.name(), tls);
            }
        }
        return out;
    }

    /** As {@link #build(ProxyConfig, RoutingSnapshot, StrategyRegistry, Environment)}, with the TLS contexts loaded. */
    static RoutingSnapshot build(ProxyConfig config, RoutingSnapshot previous, StrategyRegistry registry,
                                 Environment env, Cluster.Services services,
                                 Map<String, io.sluice.proxy.tls.UpstreamTlsContext> upstreamTls) {
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        for (ProxyConfig.Cluster c : config.clusters()) {
            Cluster old = previous == null ? null : previous.clusters.get(c.name());
            clusters.put(c.name(), Cluster.build(c, old, registry, env, services, upstreamTls.get(c.name())));
        }
        Map<String, Router> routers = new LinkedHashMap<>();
        for (ProxyConfig.Listener l : config.listeners()) {
            routers.put(l.name(), new Router(l.name(), l.routes(), RateLimits.listenerRules(l), clusters,
                    services == null ? null : services.metrics(), previous == null ? null : previous.routers.get(l.name())));
        }
        // Unmodifiable views of the ordered maps: listings (admin API, metrics) keep the file's order.
        return new RoutingSnapshot(config, Collections.unmodifiableMap(clusters), Map.copyOf(routers));
    }

    public ProxyConfig config() {
        return config;
    }

    /** The cluster named {@code name}, or null. */
    public Cluster cluster(String name) {
        return clusters.get(name);
    }

    /** Every cluster, in file order. */
    public Collection<Cluster> clusters() {
        return clusters.values();
    }

    Router router(String listener) {
        return routers.get(listener);
    }

    /**
     * The {@code scope: global} rate limits of every listener and route, by name (a global limit's
     * name is unique in a config and its identity across the fleet). Computed on each call; the
     * Kafka control plane calls it once per usage interval.
     */
    public Map<String, GlobalRateLimiter> globalLimits() {
        Map<String, GlobalRateLimiter> out = new LinkedHashMap<>();
        for (Router r : routers.values()) {
            r.forEachLimitChain(chain -> {
                for (KeyedLimit l : chain.limits()) {
                    if (l.limiters() instanceof GlobalRateLimiter g) {
                        out.put(l.name(), g);
                    }
                }
            });
        }
        return out;
    }
}
