package io.sluice.proxy;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.proxy.config.ProxyConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One cluster at run time: its configuration, the {@link LoadBalancer} that picks among its
 * backends (and keeps their live {@link io.sluice.algorithms.BackendLoad}s), where each backend
 * listens, and the retry budget.
 *
 * <p>Hooks for what comes later: active health checks and outlier detection mark backends with
 * {@code loadBalancer().setHealth(id, state)}, which rebuilds the picker; they learn of failures
 * through a {@link RequestObserver}. A reload builds a new cluster through
 * {@link #build(ProxyConfig.Cluster, Cluster, StrategyRegistry, Environment)}, which keeps the old
 * object when the config is unchanged and the old load balancer (so the loads) when only the
 * backends changed.
 *
 * <p>Thread safety: immutable but for the load balancer (thread-safe) and two atomic counters.
 */
public final class Cluster {
    /** Retries always allowed at once, whatever the budget percentage (Envoy's min_retry_concurrency). */
    static final int MIN_RETRY_CONCURRENCY = 3;

    private final ProxyConfig.Cluster config;
    private final LoadBalancer loadBalancer;
    private final Map<String, InetSocketAddress> addresses;
    private final AtomicInteger activeRequests;
    private final AtomicInteger activeRetries;

    private Cluster(ProxyConfig.Cluster config, LoadBalancer loadBalancer, Map<String, InetSocketAddress> addresses,
                    AtomicInteger activeRequests, AtomicInteger activeRetries) {
        this.config = config;
        this.loadBalancer = loadBalancer;
        this.addresses = addresses;
        this.activeRequests = activeRequests;
        this.activeRetries = activeRetries;
    }

    /**
     * The cluster for {@code config}: {@code previous} itself when its config is equal; a cluster
     * sharing {@code previous}'s load balancer when only backends changed (ids that stay keep their
     * loads); otherwise a new one.
     *
     * @throws IllegalArgumentException when the strategy is refused (the config parser checked it already)
     */
    public static Cluster build(ProxyConfig.Cluster config, Cluster previous, StrategyRegistry registry,
                                Environment env) {
        Objects.requireNonNull(config, "config");
        if (previous != null && previous.config.equals(config)) {
            return previous;
        }
        List<Backend> backends = new ArrayList<>();
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        for (ProxyConfig.BackendEntry b : config.backends()) {
            backends.add(Backend.of(b.id(), b.address().toString(), b.weight(), b.zone(), Map.of()));
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
            active = new AtomicInteger();
            retries = new AtomicInteger();
        }
        lb.setBackends(backends);
        return new Cluster(config, lb, Map.copyOf(addresses), active, retries);
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

    /** Where backend {@code id} listens, or null if it is not a member. */
    public InetSocketAddress address(String id) {
        return addresses.get(id);
    }

    /** Requests of this cluster under way on this proxy. */
    public int activeRequests() {
        return activeRequests.get();
    }

    /** Retries of this cluster under way on this proxy. */
    public int activeRetries() {
        return activeRetries.get();
    }

    /**
     * Picks a backend for a request, never one in {@code tried}: first the {@code sticky} backend
     * if it is available, then the strategy's pick; a strategy that keeps answering a tried backend
     * (a hash of the same key does) falls back to a random available backend not tried yet.
     *
     * @return null when no available backend is left
     */
    Endpoint choose(RequestContext ctx, String sticky, Set<String> tried, Environment env) {
        if (sticky != null && !tried.contains(sticky)) {
            Endpoint e = available(sticky);
            if (e != null) {
                return e;
            }
        }
        for (int i = 0; i < 3; i++) {
            Endpoint e = loadBalancer.pick(ctx);
            if (e == null && tried.isEmpty()) {
                return null;
            }
            if (e != null && !tried.contains(e.id())) {
                return e;
            }
        }
        List<Endpoint> left = new ArrayList<>();
        for (Endpoint e : loadBalancer.endpoints().available()) {
            if (!tried.contains(e.id())) {
                left.add(e);
            }
        }
        return left.isEmpty() ? null : left.get(env.random().nextInt(left.size()));
    }

    /** The endpoint of {@code id} if it is a member and available for new requests, else null. */
    Endpoint available(String id) {
        for (Endpoint e : loadBalancer.endpoints().available()) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        return null;
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
