package io.sluice.config.proxy;

import io.sluice.algorithms.Range;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.config.ByteSize;
import io.sluice.config.HostPort;
import io.sluice.config.Problems;
import io.sluice.config.proxy.HttpListenerSection.LimitsSection;
import io.sluice.config.proxy.HttpListenerSection.MatchSection;
import io.sluice.config.proxy.HttpListenerSection.RouteSection;
import io.sluice.config.proxy.HttpListenerSection.TimeoutsSection;
import io.sluice.config.proxy.ProxyConfig.Limits;
import io.sluice.config.proxy.ProxyConfig.ListenerTimeouts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The validation pass of the {@code listeners:} section. */
final class ListenersReader {
    static final Range MAX_CONNECTIONS = Range.wholeNumber(1, 10_000_000);
    static final Range MAX_HEADERS = Range.wholeNumber(1, 10_000);
    static final Range CLIENT_TIMEOUT = Range.duration(1_000_000L, 86_400_000_000_000L);

    private final Problems problems;

    ListenersReader(Problems problems) {
        this.problems = problems;
    }

    /**
     * @param clusterNames the names written in the clusters list (even of clusters with errors), so
     *                     a route to a cluster with a bad strategy is not also reported missing; null
     *                     when there is no such list
     */
    List<ProxyConfig.Listener> read(List<ListenerSection> sections, List<String> clusterNames) {
        List<ProxyConfig.Listener> out = new ArrayList<>();
        if (problems.required("listeners", sections, "a list of listeners, each with a name, a bind address"
                + " and routes") == null) {
            return out;
        }
        if (sections.isEmpty()) {
            problems.error("listeners", "at least one listener is required");
        }
        Set<String> names = new HashSet<>();
        Set<String> binds = new HashSet<>();
        for (int i = 0; i < sections.size(); i++) {
            String path = Problems.index("listeners", i);
            ListenerSection s = sections.get(i);
            // One branch per protocol record; an unrecognised protocol was reported while binding.
            ProxyConfig.Listener l = s instanceof HttpListenerSection http ? http(path, http, clusterNames)
                    : s instanceof StreamListenerSection stream
                    ? new StreamListenersReader(problems).read(path, stream, clusterNames)
                    : s instanceof DatagramListenerSection d ? datagram(path, d, clusterNames) : null;
            if (l == null) {
                continue;
            }
            if (!names.add(l.name())) {
                problems.error(Problems.join(path, "name"), "'" + l.name() + "' is already the name of another"
                        + " listener");
            }
            if (l.bind().port() != 0 && !binds.add(l.bind().toString())) {
                problems.error(Problems.join(path, "bind"), l.bind() + " is already bound by another listener");
            }
            out.add(l);
        }
        return out;
    }

    private ProxyConfig.HttpListener http(String path, HttpListenerSection s, List<String> clusters) {
        String name = Names.name(problems, Problems.join(path, "name"), s.name());
        HostPort bind = problems.required(Problems.join(path, "bind"), s.bind(), HostPort.FORM
                + " (port 0: any free port)");
        Integer maxConnections = problems.integer(Problems.join(path, "max-connections"), s.maxConnections(),
                MAX_CONNECTIONS, 10_000);
        Limits limits = limits(Problems.join(path, "limits"), s.limits());
        ListenerTimeouts timeouts = timeouts(Problems.join(path, "timeouts"), s.timeouts());
        List<ProxyConfig.Route> routes = new ArrayList<>();
        String rp = Problems.join(path, "routes");
        if (problems.required(rp, s.routes(), "a list of routes, each naming a cluster") != null) {
            if (s.routes().isEmpty()) {
                problems.error(rp, "at least one route is required");
            }
            Set<String> routeNames = new HashSet<>();
            for (int i = 0; i < s.routes().size(); i++) {
                String at = Problems.index(rp, i);
                ProxyConfig.Route r = route(at, s.routes().get(i), i, clusters);
                if (r != null && !routeNames.add(r.name())) {
                    problems.error(Problems.join(at, "name"), "'" + r.name() + "' is already the name of another"
                            + " route of this listener");
                } else if (r != null) {
                    routes.add(r);
                }
            }
        }
        Protection protection = new ProtectionReader(problems).read(path, s.filters(), s.rateLimits(),
                s.acceptLimits());
        String tp = Problems.join(path, "tls");
        ListenerTls tls = new TlsReader(problems).read(tp, s.tls());
        ListenerJwt jwt = new JwtReader(problems).read(Problems.join(path, "jwt"), s.jwt());
        if (name == null || bind == null || maxConnections == null || (s.tls() != null && tls == null)
                || (s.jwt() != null && jwt == null)) {
            return null;
        }
        return new ProxyConfig.HttpListener(name, bind, maxConnections, limits, timeouts, routes, protection, tls, jwt);
    }

    static final Range MAX_FLOWS = Range.wholeNumber(1, 10_000_000);
    static final Range DTLS_CID_LENGTH = Range.wholeNumber(0, 255);

    private ProxyConfig.DatagramListener datagram(String path, DatagramListenerSection s, List<String> clusters) {
        String name = Names.name(problems, Problems.join(path, "name"), s.name());
        HostPort bind = problems.required(Problems.join(path, "bind"), s.bind(), HostPort.FORM
                + " (port 0: any free port)");
        Integer maxFlows = problems.integer(Problems.join(path, "max-flows"), s.maxFlows(), MAX_FLOWS, 65_536);
        Long idle = problems.duration(Problems.join(path, "idle-timeout"), s.idleTimeout(), CLIENT_TIMEOUT,
                60_000_000_000L);
        Long exchange = 0L;
        int cidLength = 0;
        String protocol = "udp";
        if (s instanceof DatagramListenerSection.Coap c) {
            protocol = "coap";
            // RFC 7252 4.8.2: EXCHANGE_LIFETIME is 247 s; a device's port change is noticed far sooner.
            exchange = problems.duration(Problems.join(path, "exchange-lifetime"), c.exchangeLifetime(),
                    CLIENT_TIMEOUT, 247_000_000_000L);
            Integer cid = problems.integer(Problems.join(path, "dtls-cid-length"), c.dtlsCidLength(),
                    DTLS_CID_LENGTH, 0);
            cidLength = cid == null ? 0 : cid;
        }
        String cp = Problems.join(path, "cluster");
        String cluster = problems.text(cp, s.cluster(), null, "the name of a cluster");
        if (cluster != null && clusters != null && !clusters.contains(cluster)) {
            problems.error(cp, "no cluster is named '" + cluster + "'; clusters: "
                    + (clusters.isEmpty() ? "(none)" : String.join(", ", clusters)));
        }
        if (name == null || bind == null || maxFlows == null || cluster == null || idle == null || exchange == null) {
            return null;
        }
        ProxyConfig.Route all = new ProxyConfig.Route("0", new ProxyConfig.Match(null, "/", List.of(), Map.of()),
                cluster);
        return new ProxyConfig.DatagramListener(name, bind, protocol, maxFlows, idle, exchange, cidLength,
                List.of(all));
    }

    private Limits limits(String path, LimitsSection s) {
        Limits d = Limits.DEFAULTS;
        if (s == null) {
            return d;
        }
        long line = size(Problems.join(path, "max-request-line"), s.maxRequestLine(), d.maxRequestLine(), 64, 1 << 20);
        long header = size(Problems.join(path, "max-header-bytes"), s.maxHeaderBytes(), d.maxHeaderBytes(), 256,
                1 << 24);
        Integer count = problems.integer(Problems.join(path, "max-headers"), s.maxHeaders(), MAX_HEADERS,
                d.maxHeaders());
        long body = size(Problems.join(path, "max-body-bytes"), s.maxBodyBytes(), d.maxBodyBytes(), 0,
                Long.MAX_VALUE / 2);
        return new Limits((int) line, (int) header, count == null ? d.maxHeaders() : count, body);
    }

    private long size(String path, ByteSize v, long dflt, long min, long max) {
        String allowed = "a size from " + min + " to " + max + " bytes: " + ByteSize.FORM;
        ByteSize s = problems.value(path, v, new ByteSize(dflt), allowed);
        if (v != null && (s.bytes() < min || s.bytes() > max)) {
            problems.error(path, problems.written(path) + " is out of range; " + allowed);
            return dflt;
        }
        return s.bytes();
    }

    private ListenerTimeouts timeouts(String path, TimeoutsSection s) {
        ListenerTimeouts d = ListenerTimeouts.DEFAULTS;
        if (s == null) {
            return d;
        }
        return new ListenerTimeouts(
                problems.duration(Problems.join(path, "request-headers"), s.requestHeaders(), CLIENT_TIMEOUT,
                        d.requestHeadersNanos()),
                problems.duration(Problems.join(path, "idle"), s.idle(), CLIENT_TIMEOUT, d.idleNanos()),
                problems.duration(Problems.join(path, "stall"), s.stall(), CLIENT_TIMEOUT, d.stallNanos()));
    }

    private ProxyConfig.Route route(String path, RouteSection s, int index, List<String> clusters) {
        if (s == null) {
            return null;
        }
        String name = s.name() == null && !problems.isBad(Problems.join(path, "name")) ? String.valueOf(index)
                : Names.name(problems, Problems.join(path, "name"), s.name());
        ProxyConfig.Match match = match(Problems.join(path, "match"), s.match());
        String cp = Problems.join(path, "cluster");
        String cluster = problems.text(cp, s.cluster(), null, "the name of a cluster");
        if (cluster != null && clusters != null && !clusters.contains(cluster)) {
            problems.error(cp, "no cluster is named '" + cluster + "'; clusters: "
                    + (clusters.isEmpty() ? "(none)" : String.join(", ", clusters)));
        }
        ProtectionReader pr = new ProtectionReader(problems);
        List<io.sluice.algorithms.filter.FilterRule> filters = pr.filters(Problems.join(path, "filters"), s.filters());
        List<Protection.RateLimitRule> limits = pr.rateLimits(Problems.join(path, "rate-limits"), s.rateLimits());
        return cluster == null || name == null ? null : new ProxyConfig.Route(name, match, cluster, filters, limits);
    }

    private ProxyConfig.Match match(String path, MatchSection s) {
        if (s == null) {
            return new ProxyConfig.Match(null, "/", List.of(), Map.of());
        }
        String host = problems.text(Problems.join(path, "host"), s.host(), "", "a host name");
        if (host != null && !host.isEmpty()) {
            host = host.toLowerCase(Locale.ROOT);
            String bare = host.startsWith("*.") ? host.substring(2) : host;
            if (bare.isEmpty() || !bare.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.')
                    || bare.contains("*")) {
                problems.error(Problems.join(path, "host"), "'" + host + "' is not a host name; write an exact name"
                        + " like api.example.com or a wildcard like *.example.com");
            }
        }
        String pp = Problems.join(path, "path-prefix");
        String prefix = problems.text(pp, s.pathPrefix(), "/", "a path starting with '/'");
        if (prefix != null && !prefix.startsWith("/")) {
            problems.error(pp, "'" + prefix + "' does not start with '/'; a path prefix like /api");
            prefix = "/";
        }
        List<String> methods = new ArrayList<>();
        if (s.methods() != null) {
            for (int i = 0; i < s.methods().size(); i++) {
                String m = s.methods().get(i);
                String mp = Problems.index(Problems.join(path, "methods"), i);
                if (m == null) {
                    continue;
                }
                if (!AffinityPolicy.isToken(m)) {
                    problems.error(mp, "'" + m + "' is not an HTTP method");
                } else {
                    methods.add(m.toUpperCase(Locale.ROOT));
                }
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (s.headers() != null) {
            s.headers().forEach((k, v) -> {
                String hp = Problems.join(Problems.join(path, "headers"), k);
                if (!AffinityPolicy.isToken(k)) {
                    problems.error(hp, "'" + k + "' is not a header name");
                } else if (v != null) {
                    headers.put(k.toLowerCase(Locale.ROOT), v);
                }
            });
        }
        return new ProxyConfig.Match(host == null || host.isEmpty() ? null : host, prefix == null ? "/" : prefix,
                methods, headers);
    }
}
