package io.sluice.proxy;

import io.sluice.algorithms.filter.FilterChain;
import io.sluice.algorithms.ratelimit.LimitChain;
import io.sluice.config.proxy.Protection;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.metrics.ProxyMetrics;
import io.sluice.proxy.metrics.RouteMetrics;
import io.sluice.proxy.http.RequestHead;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The routes of one listener, compiled: the first route whose every condition matches the
 * request names its cluster. Immutable; part of a {@link RoutingSnapshot}.
 */
final class Router {
    /**
     * A compiled route: its conditions, its name (the metrics and access log label), its cluster,
     * and its request counters ({@code metrics}, null without metrics), looked up once here.
     */
    record Route(String name, String exactHost, String hostSuffix, String pathPrefix, List<String> methods,
                 Map<String, String> headers, Cluster cluster, RouteMetrics metrics, LimitChain limits,
                 FilterChain filters) {
    }

    private final List<Route> rules;
    /** The listener's own rate limits, applied to every request before the route's. */
    private final LimitChain listenerLimits;
    /** The listener's own filters, asked before the route's. */
    private final FilterChain listenerFilters;

    /** @param metrics null for no request counters */
    Router(String listener, List<ProxyConfig.Route> routes, Map<String, Cluster> clusters, ProxyMetrics metrics) {
        this(listener, routes, Protection.NONE, clusters, metrics, null);
    }

    /**
     * @param protection     the listener's {@code filters} and {@code rate-limits}
     * @param previous       this listener's router before a reload, or null: limits whose config is
     *                       unchanged keep their budgets
     */
    Router(String listener, List<ProxyConfig.Route> routes, Protection protection,
           Map<String, Cluster> clusters, ProxyMetrics metrics, Router previous) {
        this.listenerLimits = RateLimits.chain(protection.rateLimits(), previous == null ? null : previous.listenerLimits);
        this.listenerFilters = new FilterChain(protection.filters());
        List<Route> out = new ArrayList<>();
        for (ProxyConfig.Route r : routes) {
            ProxyConfig.Match m = r.match();
            String exact = null;
            String suffix = null;
            if (m.host() != null) {
                if (m.host().startsWith("*.")) {
                    suffix = m.host().substring(1);
                } else {
                    exact = m.host();
                }
            }
            Cluster c = clusters.get(r.cluster());
            if (c == null) {
                throw new IllegalArgumentException("route to unknown cluster '" + r.cluster() + "'");
            }
            Route old = previous == null ? null : previous.byName(r.name());
            out.add(new Route(r.name(), exact, suffix, m.pathPrefix(), m.methods(), m.headers(), c,
                    metrics == null ? null : metrics.route(listener, r.name(), c.name()),
                    RateLimits.chain(r.rateLimits(), old == null ? null : old.limits()),
                    new FilterChain(r.filters())));
        }
        this.rules = List.copyOf(out);
    }

    private Route byName(String name) {
        for (Route r : rules) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** The listener's filters. */
    FilterChain listenerFilters() {
        return listenerFilters;
    }

    /** The listener's rate limits. */
    LimitChain listenerLimits() {
        return listenerLimits;
    }

    /** The listener's limit chain, then each route's. */
    void forEachLimitChain(java.util.function.Consumer<LimitChain> action) {
        action.accept(listenerLimits);
        for (Route r : rules) {
            action.accept(r.limits());
        }
    }

    /** The first matching route, or null. */
    Route route(RequestHead head) {
        String host = hostWithoutPort(head.host());
        String path = head.path();
        for (Route r : rules) {
            if (r.exactHost != null && !r.exactHost.equals(host)) {
                continue;
            }
            // "*.example.com" matches "a.example.com" and "a.b.example.com", never "example.com".
            if (r.hostSuffix != null && (host == null || !host.endsWith(r.hostSuffix)
                    || host.length() == r.hostSuffix.length())) {
                continue;
            }
            if (!path.startsWith(r.pathPrefix)) {
                continue;
            }
            if (!r.methods.isEmpty() && !r.methods.contains(head.method().name())) {
                continue;
            }
            if (!headersMatch(r.headers, head)) {
                continue;
            }
            return r;
        }
        return null;
    }

    private static boolean headersMatch(Map<String, String> wanted, RequestHead head) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!head.headers().getAll(e.getKey()).contains(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Lower-case host without port; IPv6 literals keep their brackets. */
    static String hostWithoutPort(String host) {
        if (host == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h : h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}
