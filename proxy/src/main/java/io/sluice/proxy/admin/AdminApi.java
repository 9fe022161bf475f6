package io.sluice.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.affinity.AffinityTable;
import io.sluice.algorithms.health.BackendHealth;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.health.OutlierDetector;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.Cluster;
import io.sluice.proxy.ClusterHealth;
import io.sluice.proxy.Proxy;
import io.sluice.proxy.ReloadResult;
import io.sluice.proxy.health.ActiveHealthChecker;
import io.sluice.proxy.metrics.ProxyMetrics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin API's routes and answers, apart from the network so they can be read in one place:
 * {@link #handle} takes a method, a decoded path and a body and returns the status, the content
 * type and the bytes. See {@link AdminServer} for the list of endpoints.
 *
 * <p>Called on the admin worker thread only.
 */
final class AdminApi {
    static final String JSON = "application/json; charset=utf-8";

    private final Proxy proxy;
    private final Supplier<ReloadResult> reload;
    private final Supplier<AdminServer.Readiness> readiness;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    AdminApi(Proxy proxy, Supplier<ReloadResult> reload, Supplier<AdminServer.Readiness> readiness) {
        this.proxy = proxy;
        this.reload = reload;
        this.readiness = readiness;
    }

    /**
     * One answer.
     *
     * @param allow the {@code Allow} header of a 405, else null
     */
    record Response(int status, String contentType, byte[] body, String allow) {
        static Response error(int status, String message) {
            String body = "{\n  \"error\" : " + quote(message) + "\n}\n";
            return new Response(status, JSON, body.getBytes(StandardCharsets.UTF_8), null);
        }

        private static String quote(String s) {
            try {
                return new ObjectMapper().writeValueAsString(s);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    Response handle(String method, String path, byte[] body) {
        try {
            return route(method, path, body);
        } catch (RuntimeException e) {
            return Response.error(500, "the admin API failed: " + e);
        }
    }

    private Response route(String method, String path, byte[] body) {
        String[] p = segments(path);
        if (p.length == 1 && p[0].equals("live")) {
            return get(method) ? live() : notAllowed("GET");
        }
        if (p.length == 1 && p[0].equals("ready")) {
            return get(method) ? ready() : notAllowed("GET");
        }
        if (p.length == 1 && p[0].equals("health")) {
            return get(method) ? health() : notAllowed("GET");
        }
        if (p.length == 1 && p[0].equals("metrics")) {
            return get(method) ? metrics() : notAllowed("GET");
        }
        if (p.length == 1 && p[0].equals("reload")) {
            return method.equals("POST") ? reload() : notAllowed("POST");
        }
        if (p.length >= 1 && p[0].equals("clusters")) {
            if (p.length == 1) {
                return get(method) ? clusters() : notAllowed("GET");
            }
            Cluster c = proxy.snapshot().cluster(p[1]);
            if (p.length == 2) {
                if (!get(method)) {
                    return notAllowed("GET");
                }
                return c == null ? noCluster(p[1]) : ok(cluster(c));
            }
            if (p.length == 5 && p[2].equals("backends")
                    && (p[4].equals("weight") || p[4].equals("drain") || p[4].equals("undrain")
                    || p[4].equals("load"))) {
                if (!method.equals("POST")) {
                    return notAllowed("POST");
                }
                if (c == null) {
                    return noCluster(p[1]);
                }
                if (c.entry(p[3]) == null) {
                    return Response.error(404, "cluster '" + c.name() + "' has no backend '" + p[3] + "'; backends: "
                            + String.join(", ", c.config().backends().stream().map(ProxyConfig.BackendEntry::id)
                            .toList()));
                }
                return switch (p[4]) {
                    case "weight" -> weight(c, p[3], body);
                    case "load" -> load(c, p[3], body);
                    case "drain" -> drain(c, p[3], true);
                    default -> drain(c, p[3], false);
                };
            }
        }
        return Response.error(404, "no such admin endpoint: " + path + "; endpoints: GET /live, GET /ready,"
                + " GET /health, GET /metrics,"
                + " GET /clusters, GET /clusters/{cluster}, POST /clusters/{cluster}/backends/{id}/weight,"
                + " POST /clusters/{cluster}/backends/{id}/drain, POST /clusters/{cluster}/backends/{id}/undrain,"
                + " POST /clusters/{cluster}/backends/{id}/load, POST /reload");
    }

    private static String[] segments(String path) {
        String t = path;
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.isEmpty() ? new String[0] : t.split("/", -1);
    }

    private static boolean get(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static Response notAllowed(String allowed) {
        Response e = Response.error(405, "method not allowed here; use " + allowed);
        return new Response(405, e.contentType(), e.body(), allowed);
    }

    private Response noCluster(String name) {
        return Response.error(404, "no cluster named '" + name + "'; clusters: " + String.join(", ",
                proxy.snapshot().clusters().stream().map(Cluster::name).toList()));
    }

    private Response ok(JsonNode node) {
        return status(200, node);
    }

    private Response status(int status, JsonNode node) {
        try {
            return new Response(status, JSON, json.writeValueAsBytes(node), null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- endpoints ----

    /** Liveness: the process answers, so it serves (draining too). */
    private Response live() {
        ObjectNode o = json.createObjectNode();
        o.put("status", "live");
        return ok(o);
    }

    /** Readiness: 200 only when the proxy should get new traffic. */
    private Response ready() {
        AdminServer.Readiness r = readiness.get();
        ObjectNode o = json.createObjectNode();
        o.put("status", r.name().toLowerCase(Locale.ROOT));
        return status(r == AdminServer.Readiness.READY ? 200 : 503, o);
    }

    /** The status page: 200 while it answers, draining included (see {@link AdminServer}, Probes). */
    private Response health() {
        ObjectNode o = json.createObjectNode();
        boolean stopping = proxy.stopping();
        o.put("status", stopping ? "draining" : "serving");
        o.put("ready", readiness.get() == AdminServer.Readiness.READY);
        o.put("uptimeSeconds", Math.round(proxy.uptimeNanos() / 1e7) / 100.0);
        o.put("transport", proxy.transport());
        o.put("connections", proxy.connections());
        ObjectNode ls = o.putObject("listeners");
        for (Map.Entry<String, InetSocketAddress> e : proxy.addresses().entrySet()) {
            ls.put(e.getKey(), hostPort(e.getValue()));
        }
        return ok(o);
    }

    private Response metrics() {
        return new Response(200, ProxyMetrics.CONTENT_TYPE, proxy.metrics().scrape(), null);
    }

    private Response reload() {
        ReloadResult r = reload.get();
        ObjectNode o = json.createObjectNode();
        o.put("result", r.kind().name().toLowerCase(Locale.ROOT));
        if (r.applied()) {
            Proxy.ReloadSummary s = r.summary();
            ObjectNode sum = o.putObject("summary");
            names(sum.putObject("clusters"), "added", s.clustersAdded(), "removed", s.clustersRemoved(), "changed",
                    s.clustersChanged(), "unchanged", s.clustersUnchanged());
            names(sum.putObject("listeners"), "added", s.listenersAdded(), "removed", s.listenersRemoved(),
                    "replaced", s.listenersReplaced(), "unchanged", s.listenersUnchanged());
            sum.put("accessLogReopened", s.accessLogReopened());
            return ok(o);
        }
        ArrayNode errors = o.putArray("errors");
        r.errors().forEach(errors::add);
        o.put("message", r.kind() == ReloadResult.Kind.INVALID
                ? "the config file has errors; the running config is unchanged"
                : "the config cannot be applied without a restart; the running config is unchanged");
        return status(422, o);
    }

    private static void names(ObjectNode o, Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            ArrayNode a = o.putArray((String) pairs[i]);
            for (Object n : (List<?>) pairs[i + 1]) {
                a.add((String) n);
            }
        }
    }

    private Response clusters() {
        ObjectNode o = json.createObjectNode();
        ArrayNode list = o.putArray("clusters");
        for (Cluster c : proxy.snapshot().clusters()) {
            ObjectNode n = list.addObject();
            n.put("name", c.name());
            n.put("strategy", c.policy().strategy().name());
            List<Endpoint> all = c.loadBalancer().endpoints().all();
            n.put("backends", all.size());
            n.put("available", c.loadBalancer().endpoints().available().size());
            n.put("activeRequests", c.activeRequests());
            n.put("healthCheck", c.policy().healthCheck().map(h -> h.type().configName()).orElse("none"));
            n.put("sessionPersistence", c.policy().affinity().mode().configName());
        }
        return ok(o);
    }

    private ObjectNode cluster(Cluster c) {
        ProxyConfig.Cluster cfg = c.config();
        ClusterPolicy policy = c.policy();
        ObjectNode o = json.createObjectNode();
        o.put("name", c.name());
        ObjectNode st = o.putObject("strategy");
        st.put("name", policy.strategy().name());
        st.set("params", json.valueToTree(policy.strategy().params()));
        ArrayNode wrappers = st.putArray("wrappers");
        for (StrategySpec.WrapperSpec w : policy.strategy().wrappers()) {
            wrappers.addObject().put("name", w.name()).set("params", json.valueToTree(w.params()));
        }
        o.put("activeRequests", c.activeRequests());
        o.put("activeRetries", c.activeRetries());
        AffinityPolicy affinity = policy.affinity();
        ObjectNode sp = o.putObject("sessionPersistence");
        sp.put("mode", affinity.mode().configName());
        if (affinity.mode() == AffinityPolicy.Mode.CLIENT_CERT) {
            sp.put("identity", affinity.identity().configName());
        } else if (affinity.mode() != AffinityPolicy.Mode.NONE) {
            sp.put("name", affinity.name());
        }
        AffinityTable.AffinityStats table = c.affinityStats();
        if (table != null) {
            sp.put("ttl", Durations.format(affinity.table().idleTtlNanos()));
            ObjectNode t = sp.putObject("table");
            t.put("entries", table.size());
            t.put("hits", table.hits());
            t.put("misses", table.misses());
            t.put("moves", table.moves());
            t.put("evictions", table.evictions());
            t.put("expirations", table.expirations());
        }
        ObjectNode h = o.putObject("healthCheck");
        HealthCheckPolicy hc = policy.healthCheck().orElse(null);
        h.put("type", hc == null ? "none" : hc.type().configName());
        if (hc != null) {
            if (hc.type() == HealthCheckPolicy.Type.HTTP) {
                h.put("path", hc.path());
                h.put("expectStatus", hc.expectStatusMin() + "-" + hc.expectStatusMax());
            }
            h.put("interval", Durations.format(hc.intervalNanos()));
            h.put("timeout", Durations.format(hc.timeoutNanos()));
            h.put("rise", hc.checks().rise());
            h.put("fall", hc.checks().fall());
            h.put("initialState", hc.checks().initialState().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        ObjectNode out = o.putObject("outlierDetection");
        OutlierConfig od = policy.outlierDetection().orElse(null);
        out.put("enabled", od != null);
        if (od != null) {
            out.put("consecutive5xx", od.consecutive5xx());
            out.put("consecutiveGatewayFailure", od.consecutiveGatewayFailure());
            out.put("interval", Durations.format(od.intervalNanos()));
            out.put("baseEjectionTime", Durations.format(od.baseEjectionNanos()));
            out.put("maxEjectionTime", Durations.format(od.maxEjectionNanos()));
            out.put("maxEjectionPercent", od.maxEjectionPercent());
            out.put("latencyFactor", od.latencyFactor());
        }
        ObjectNode retries = o.putObject("retries");
        retries.put("maxRetries", policy.retries().maxRetries());
        retries.put("budgetPercent", policy.retries().budgetPercent());
        retries.put("minRetryConcurrency", policy.retries().minRetryConcurrency());
        retries.put("idempotentOnly", policy.retries().idempotentOnly());
        ArrayNode backends = o.putArray("backends");
        for (ProxyConfig.BackendEntry b : cfg.backends()) {
            backends.add(backend(c, b));
        }
        return o;
    }

    private ObjectNode backend(Cluster c, ProxyConfig.BackendEntry b) {
        ObjectNode o = json.createObjectNode();
        o.put("id", b.id());
        o.put("address", b.address().toString());
        o.put("zone", b.zone());
        o.put("weight", c.weight(b.id()));
        o.put("configuredWeight", b.weight());
        ClusterHealth health = c.health();
        HealthState state = health.state(b.id());
        Endpoint e = c.loadBalancer().endpoint(b.id());
        o.put("health", lower(state != null ? state : e != null ? e.health() : HealthState.HEALTHY));
        o.put("available", e != null && e.health().available());
        Optional<BackendHealth> opinions = health.opinions(b.id());
        if (opinions.isPresent()) {
            ObjectNode op = o.putObject("opinions");
            op.put("activeUp", opinions.get().activeUp());
            op.put("ejected", opinions.get().ejected());
            op.put("draining", opinions.get().draining());
        }
        HealthCheckPolicy hc = health.checkConfig();
        Optional<ActiveHealthChecker.BackendCheckStatus> check = health.check(b.id());
        if (check.isPresent() && hc != null) {
            ActiveHealthChecker.BackendCheckStatus s = check.get();
            ObjectNode ch = o.putObject("check");
            ch.put("status", s.status().up() ? "UP" : "DOWN");
            ch.put("counter", ClusterHealth.counterText(s.status(), hc.checks().rise(), hc.checks().fall()));
            ch.put("code", ClusterHealth.checkCode(s, hc.type() == HealthCheckPolicy.Type.TCP));
            ch.put("lastResult", s.lastResult());
            ch.put("passed", s.passed());
            ch.put("failed", s.failed());
            ch.put("timedOut", s.timedOut());
            ch.put("transitions", s.status().transitions());
        } else {
            o.putNull("check");
        }
        Optional<OutlierDetector.BackendStatus> outlier = health.outlier(b.id());
        if (outlier.isPresent()) {
            OutlierDetector.BackendStatus s = outlier.get();
            ObjectNode od = o.putObject("outlier");
            od.put("ejected", s.ejected());
            od.put("reason", s.reason() == null ? null : lower(s.reason()));
            od.put("timesEjected", s.timesEjected());
            od.put("consecutiveFailures", s.consecutiveFailures());
        }
        if (e != null) {
            BackendLoad load = e.load();
            o.put("inFlight", load.inFlight());
            o.put("ewmaMs", Math.round(load.latencyNanos(System.nanoTime()) / 1e3) / 1e3);
            o.put("completed", load.completed());
            o.put("failed", load.failed());
        }
        return o;
    }

    /**
     * The one field a POST body may hold, {@code {"name": value}}: the value node, or null after
     * putting a 400 naming the problem and {@code usage} into {@code error[0]}.
     */
    private JsonNode onlyField(byte[] body, String name, String usage, Response[] error) {
        JsonNode n;
        try {
            n = json.readTree(body);
        } catch (java.io.IOException e) {
            error[0] = Response.error(400, "the body is not JSON: " + firstLine(e.getMessage()) + "; send " + usage);
            return null;
        }
        if (n == null || !n.isObject()) {
            error[0] = Response.error(400, "the body must be a JSON object " + usage);
            return null;
        }
        for (java.util.Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals(name)) {
                error[0] = Response.error(400, "unknown field '" + k + "'; send " + usage);
                return null;
            }
        }
        return n.get(name);
    }

    private Response weight(Cluster c, String id, byte[] body) {
        Response[] error = new Response[1];
        JsonNode w = onlyField(body, "weight", "{\"weight\": N} with N in [1, 1000000]", error);
        if (error[0] != null) {
            return error[0];
        }
        if (w == null || !w.isIntegralNumber() || w.longValue() < 1 || w.longValue() > 1_000_000) {
            return Response.error(400, "weight must be an integer in [1, 1000000], got "
                    + (w == null ? "nothing" : w.toString()));
        }
        if (!proxy.setWeight(c.name(), id, w.intValue())) {
            return Response.error(404, "cluster '" + c.name() + "' has no backend '" + id + "' any more");
        }
        Cluster now = proxy.snapshot().cluster(c.name());
        ObjectNode o = json.createObjectNode();
        o.put("cluster", c.name());
        o.put("backend", id);
        o.put("weight", now == null ? w.intValue() : now.weight(id));
        ProxyConfig.BackendEntry entry = now == null ? null : now.entry(id);
        if (entry != null) {
            o.put("configuredWeight", entry.weight());
        }
        return ok(o);
    }

    /** Server-reported utilisation for one backend: {"utilisation": U}, U in [0, 1]. */
    private Response load(Cluster c, String id, byte[] body) {
        Response[] error = new Response[1];
        JsonNode u = onlyField(body, "utilisation", "{\"utilisation\": U} with U a number in [0, 1]", error);
        if (error[0] != null) {
            return error[0];
        }
        if (u == null || !u.isNumber() || !(u.doubleValue() >= 0 && u.doubleValue() <= 1)) {
            return Response.error(400, "utilisation must be a number in [0, 1], got "
                    + (u == null ? "nothing" : u.toString()));
        }
        if (!proxy.loadReports().report(c.name(), id, u.doubleValue())) {
            return Response.error(404, "cluster '" + c.name() + "' has no backend '" + id + "' any more");
        }
        ObjectNode o = json.createObjectNode();
        o.put("cluster", c.name());
        o.put("backend", id);
        o.put("utilisation", u.doubleValue());
        return ok(o);
    }

    private Response drain(Cluster c, String id, boolean drain) {
        HealthState state = drain ? c.health().drain(id) : c.health().undrain(id);
        if (state == null) {
            return Response.error(404, "cluster '" + c.name() + "' has no backend '" + id + "' any more");
        }
        ObjectNode o = json.createObjectNode();
        o.put("cluster", c.name());
        o.put("backend", id);
        o.put("health", lower(state));
        Endpoint e = c.loadBalancer().endpoint(id);
        o.put("inFlight", e == null ? 0 : e.load().inFlight());
        return ok(o);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
