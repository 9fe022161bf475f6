package io.sluice.proxy.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.proxy.config.ProxyConfig.AccessLog;
import io.sluice.proxy.config.ProxyConfig.Admin;
import io.sluice.proxy.config.ProxyConfig.BackendEntry;
import io.sluice.proxy.config.ProxyConfig.Cluster;
import io.sluice.proxy.config.ProxyConfig.ClusterTimeouts;
import io.sluice.proxy.config.ProxyConfig.HealthCheck;
import io.sluice.proxy.config.ProxyConfig.HealthCheckType;
import io.sluice.proxy.config.ProxyConfig.HostPort;
import io.sluice.proxy.config.ProxyConfig.Limits;
import io.sluice.proxy.config.ProxyConfig.Listener;
import io.sluice.proxy.config.ProxyConfig.ListenerTimeouts;
import io.sluice.proxy.config.ProxyConfig.Match;
import io.sluice.proxy.config.ProxyConfig.OutlierDetection;
import io.sluice.proxy.config.ProxyConfig.PersistenceMode;
import io.sluice.proxy.config.ProxyConfig.Retries;
import io.sluice.proxy.config.ProxyConfig.Route;
import io.sluice.proxy.config.ProxyConfig.SessionPersistence;
import io.sluice.proxy.config.ProxyConfig.Strategy;
import io.sluice.proxy.config.ProxyConfig.Wrapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the proxy's YAML configuration into a {@link ProxyConfig}, checking all of it and
 * reporting every problem at once, each with its YAML path: unknown keys, wrong types, values out
 * of range, duplicate names, routes to clusters that do not exist, and strategies the
 * {@link StrategyRegistry} refuses (its message lists the valid names).
 *
 * <p>Sizes are a whole number of bytes or a number with B, KB, KiB, MB, MiB, GB or GiB; durations
 * a number with ns, us, ms, s, m or h ({@link Durations}).
 */
public final class ConfigParser {
    /** Listener protocols this build serves. Later: https, h2, grpc, websocket, tcp, udp, mqtt. */
    public static final List<String> PROTOCOLS = List.of("http");
    /** {@code drainTimeout} when the file has none: 30 s, Kubernetes' default termination grace period. */
    public static final long DEFAULT_DRAIN_TIMEOUT_NANOS = 30_000_000_000L;
    /** Bounds of {@code sessionPersistence.ttl}, the affinity table's idle lifetime: 1 ms to 7 days (168 h). */
    private static final long MS = 1_000_000L;
    private static final long HOUR = 3_600_000_000_000L;
    private static final long MIN_TTL_NANOS = MS;
    private static final long MAX_TTL_NANOS = 7 * 86_400_000_000_000L;

    private final StrategyRegistry registry;
    private final List<String> errors = new ArrayList<>();

    private ConfigParser(StrategyRegistry registry) {
        this.registry = registry;
    }

    /** Parses and validates the YAML file at {@code file} against the standard strategy registry. */
    public static ProxyConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        return parse(text);
    }

    /** Parses and validates YAML text against the standard strategy registry. */
    public static ProxyConfig parse(String yaml) throws ConfigException {
        return parse(yaml, StrategyRegistry.standard());
    }

    /** Parses and validates YAML text; strategies are checked against {@code registry}. */
    public static ProxyConfig parse(String yaml, StrategyRegistry registry) throws ConfigException {
        JsonNode root;
        try {
            YAMLMapper mapper = new YAMLMapper(new YAMLFactory());
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")")));
        }
        ConfigParser p = new ConfigParser(registry);
        ProxyConfig config = p.root(root);
        if (!p.errors.isEmpty()) {
            throw new ConfigException(p.errors);
        }
        return config;
    }

    private ProxyConfig root(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            errors.add("(root): the file is empty; at least `listeners` and `clusters` are required");
            return null;
        }
        ObjectNode o = object(root, "(root)");
        if (o == null) {
            return null;
        }
        keys(o, "", "admin", "workers", "accessLog", "drainTimeout", "listeners", "clusters");
        List<String> clusterNames = clusterNames(o.get("clusters"));
        Admin admin = new Admin(new HostPort("127.0.0.1", 9901));
        int workers = 0;
        AccessLog accessLog = new AccessLog("-");
        long drainTimeout = DEFAULT_DRAIN_TIMEOUT_NANOS;
        List<Cluster> clusters = new ArrayList<>();
        List<Listener> listeners = new ArrayList<>();
        // Sections in document order, so errors come out in file order.
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            switch (it.next()) {
                case "admin" -> admin = admin(o.get("admin"), "admin");
                case "workers" -> workers = integer(o.get("workers"), "workers", 0, 0, 1024);
                case "accessLog" -> accessLog = accessLog(o.get("accessLog"), "accessLog");
                case "drainTimeout" -> drainTimeout = duration(o.get("drainTimeout"), "drainTimeout",
                        DEFAULT_DRAIN_TIMEOUT_NANOS);
                case "clusters" -> clusters = clusters(o.get("clusters"));
                case "listeners" -> listeners = listeners(o.get("listeners"), clusterNames);
                default -> {
                    // reported by keys()
                }
            }
        }
        required(o.get("listeners"), "listeners");
        required(o.get("clusters"), "clusters");
        return new ProxyConfig(admin, workers, accessLog, drainTimeout, listeners, clusters);
    }

    private List<Cluster> clusters(JsonNode cs) {
        List<Cluster> clusters = new ArrayList<>();
        if (cs == null || cs.isNull() || !array(cs, "clusters")) {
            return clusters;
        }
        if (cs.isEmpty()) {
            errors.add("clusters: at least one cluster is required");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < cs.size(); i++) {
            Cluster c = cluster(cs.get(i), "clusters[" + i + "]");
            if (c != null && !names.add(c.name())) {
                errors.add("clusters[" + i + "].name: '" + c.name() + "' is already the name of another cluster");
            } else if (c != null) {
                clusters.add(c);
            }
        }
        return clusters;
    }

    private List<Listener> listeners(JsonNode ls, List<String> clusterNames) {
        List<Listener> listeners = new ArrayList<>();
        if (ls == null || ls.isNull() || !array(ls, "listeners")) {
            return listeners;
        }
        if (ls.isEmpty()) {
            errors.add("listeners: at least one listener is required");
        }
        Set<String> names = new HashSet<>();
        Set<String> binds = new HashSet<>();
        for (int i = 0; i < ls.size(); i++) {
            String path = "listeners[" + i + "]";
            Listener l = listener(ls.get(i), path, clusterNames);
            if (l == null) {
                continue;
            }
            if (!names.add(l.name())) {
                errors.add(path + ".name: '" + l.name() + "' is already the name of another listener");
            }
            if (l.bind().port() != 0 && !binds.add(l.bind().toString())) {
                errors.add(path + ".bind: " + l.bind() + " is already bound by another listener");
            }
            listeners.add(l);
        }
        return listeners;
    }

    /**
     * The names written in the clusters list, even of clusters with other errors, so that a route to a
     * cluster with a bad strategy does not also report the cluster as missing. Null when there is no list.
     */
    private static List<String> clusterNames(JsonNode clusters) {
        if (clusters == null || !clusters.isArray()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode c : clusters) {
            JsonNode name = c.get("name");
            if (name != null && name.isTextual()) {
                names.add(name.textValue());
            }
        }
        return names;
    }

    private Admin admin(JsonNode n, String path) {
        HostPort def = new HostPort("127.0.0.1", 9901);
        if (n == null || n.isNull()) {
            return new Admin(def);
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return new Admin(def);
        }
        keys(o, path + ".", "listen");
        HostPort listen = o.has("listen") ? hostPort(o.get("listen"), path + ".listen", 0) : def;
        return new Admin(listen == null ? def : listen);
    }

    private AccessLog accessLog(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            return new AccessLog("-");
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return new AccessLog("-");
        }
        keys(o, path + ".", "path");
        String p = string(o.get("path"), path + ".path", "-");
        return new AccessLog(p == null ? "-" : p);
    }

    private Listener listener(JsonNode n, String path, List<String> clusters) {
        ObjectNode o = object(n, path);
        if (o == null) {
            return null;
        }
        keys(o, path + ".", "name", "bind", "protocol", "maxConnections", "limits", "timeouts", "routes");
        String name = name(o.get("name"), path + ".name");
        HostPort bind = required(o.get("bind"), path + ".bind") ? hostPort(o.get("bind"), path + ".bind", 0) : null;
        String protocol = string(o.get("protocol"), path + ".protocol", "http");
        if (protocol != null && !PROTOCOLS.contains(protocol)) {
            errors.add(path + ".protocol: '" + protocol + "' is not supported; allowed: " + String.join(", ", PROTOCOLS));
        }
        int maxConnections = integer(o.get("maxConnections"), path + ".maxConnections", 10_000, 1, 10_000_000);
        Limits limits = limits(o.get("limits"), path + ".limits");
        ListenerTimeouts timeouts = listenerTimeouts(o.get("timeouts"), path + ".timeouts");
        List<Route> routes = new ArrayList<>();
        JsonNode rs = o.get("routes");
        if (required(rs, path + ".routes") && array(rs, path + ".routes")) {
            if (rs.isEmpty()) {
                errors.add(path + ".routes: at least one route is required");
            }
            Set<String> routeNames = new HashSet<>();
            for (int i = 0; i < rs.size(); i++) {
                String rp = path + ".routes[" + i + "]";
                Route r = route(rs.get(i), rp, i, clusters);
                if (r != null && !routeNames.add(r.name())) {
                    errors.add(rp + ".name: '" + r.name() + "' is already the name of another route of this listener");
                } else if (r != null) {
                    routes.add(r);
                }
            }
        }
        if (name == null || bind == null) {
            return null;
        }
        return new Listener(name, bind, protocol, maxConnections, limits, timeouts, routes);
    }

    private Limits limits(JsonNode n, String path) {
        Limits def = new Limits(8 * 1024, 32 * 1024, 100, 10L * 1024 * 1024);
        if (n == null || n.isNull()) {
            return def;
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return def;
        }
        keys(o, path + ".", "maxRequestLine", "maxHeaderBytes", "maxHeaders", "maxBodyBytes");
        long line = size(o.get("maxRequestLine"), path + ".maxRequestLine", def.maxRequestLine(), 64, 1 << 20);
        long header = size(o.get("maxHeaderBytes"), path + ".maxHeaderBytes", def.maxHeaderBytes(), 256, 1 << 24);
        int count = integer(o.get("maxHeaders"), path + ".maxHeaders", def.maxHeaders(), 1, 10_000);
        long body = size(o.get("maxBodyBytes"), path + ".maxBodyBytes", def.maxBodyBytes(), 0, Long.MAX_VALUE / 2);
        return new Limits((int) line, (int) header, count, body);
    }

    private ListenerTimeouts listenerTimeouts(JsonNode n, String path) {
        long sec = 1_000_000_000L;
        ListenerTimeouts def = new ListenerTimeouts(10 * sec, 60 * sec);
        if (n == null || n.isNull()) {
            return def;
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return def;
        }
        keys(o, path + ".", "requestHeaders", "idle");
        return new ListenerTimeouts(
                duration(o.get("requestHeaders"), path + ".requestHeaders", def.requestHeadersNanos()),
                duration(o.get("idle"), path + ".idle", def.idleNanos()));
    }

    private Route route(JsonNode n, String path, int index, List<String> clusters) {
        ObjectNode o = object(n, path);
        if (o == null) {
            return null;
        }
        keys(o, path + ".", "name", "match", "cluster");
        String name = o.has("name") ? name(o.get("name"), path + ".name") : String.valueOf(index);
        Match match = match(o.get("match"), path + ".match");
        String cluster = required(o.get("cluster"), path + ".cluster") ? string(o.get("cluster"), path + ".cluster",
                null) : null;
        if (cluster != null && clusters != null && !clusters.contains(cluster)) {
            errors.add(path + ".cluster: no cluster is named '" + cluster + "'; clusters: "
                    + (clusters.isEmpty() ? "(none)" : String.join(", ", clusters)));
        }
        return cluster == null || name == null ? null : new Route(name, match, cluster);
    }

    private Match match(JsonNode n, String path) {
        Match def = new Match(null, "/", List.of(), Map.of());
        if (n == null || n.isNull()) {
            return def;
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return def;
        }
        keys(o, path + ".", "host", "pathPrefix", "methods", "headers");
        String host = string(o.get("host"), path + ".host", null);
        if (host != null) {
            host = host.toLowerCase(Locale.ROOT);
            String bare = host.startsWith("*.") ? host.substring(2) : host;
            if (bare.isEmpty() || !bare.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.')
                    || bare.contains("*")) {
                errors.add(path + ".host: '" + host + "' is not a host name; write an exact name like"
                        + " api.example.com or a wildcard like *.example.com");
            }
        }
        String prefix = string(o.get("pathPrefix"), path + ".pathPrefix", "/");
        if (prefix != null && !prefix.startsWith("/")) {
            errors.add(path + ".pathPrefix: must start with '/', got '" + prefix + "'");
        }
        List<String> methods = new ArrayList<>();
        JsonNode ms = o.get("methods");
        if (ms != null && !ms.isNull() && array(ms, path + ".methods")) {
            for (int i = 0; i < ms.size(); i++) {
                String m = string(ms.get(i), path + ".methods[" + i + "]", null);
                if (m != null && !isToken(m)) {
                    errors.add(path + ".methods[" + i + "]: '" + m + "' is not an HTTP method");
                } else if (m != null) {
                    methods.add(m.toUpperCase(Locale.ROOT));
                }
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode hs = o.get("headers");
        if (hs != null && !hs.isNull()) {
            ObjectNode ho = object(hs, path + ".headers");
            if (ho != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = ho.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String hp = path + ".headers." + e.getKey();
                    if (!isToken(e.getKey())) {
                        errors.add(hp + ": '" + e.getKey() + "' is not a header name");
                        continue;
                    }
                    String v = scalarText(e.getValue(), hp);
                    if (v != null) {
                        headers.put(e.getKey().toLowerCase(Locale.ROOT), v);
                    }
                }
            }
        }
        return new Match(host, prefix == null ? "/" : prefix, methods, headers);
    }

    private Cluster cluster(JsonNode n, String path) {
        ObjectNode o = object(n, path);
        if (o == null) {
            return null;
        }
        keys(o, path + ".", "name", "strategy", "backends", "sessionPersistence", "healthCheck", "outlierDetection",
                "timeouts", "retries");
        String name = name(o.get("name"), path + ".name");
        Strategy strategy = required(o.get("strategy"), path + ".strategy") ? strategy(o.get("strategy"),
                path + ".strategy") : null;
        List<BackendEntry> backends = new ArrayList<>();
        JsonNode bs = o.get("backends");
        if (required(bs, path + ".backends") && array(bs, path + ".backends")) {
            if (bs.isEmpty()) {
                errors.add(path + ".backends: at least one backend is required");
            }
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < bs.size(); i++) {
                BackendEntry b = backend(bs.get(i), path + ".backends[" + i + "]");
                JsonNode id = bs.get(i).get("id");
                if (id != null && id.isTextual() && !ids.add(id.textValue())) {
                    errors.add(path + ".backends[" + i + "].id: '" + id.textValue() + "' is already the id of another"
                            + " backend of this cluster");
                } else if (b != null) {
                    backends.add(b);
                }
            }
        }
        SessionPersistence persistence = persistence(o.get("sessionPersistence"), path + ".sessionPersistence");
        HealthCheck health = healthCheck(o.get("healthCheck"), path + ".healthCheck");
        OutlierDetection outlier = outlier(o.get("outlierDetection"), path + ".outlierDetection");
        ClusterTimeouts timeouts = clusterTimeouts(o.get("timeouts"), path + ".timeouts");
        Retries retries = retries(o.get("retries"), path + ".retries");
        if (name == null || strategy == null) {
            return null;
        }
        return new Cluster(name, strategy, backends, persistence, health, outlier, timeouts, retries);
    }

    private Strategy strategy(JsonNode n, String path) {
        if (n.isTextual()) {
            return validated(new Strategy(n.asText(), Map.of(), List.of()), path);
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return null;
        }
        keys(o, path + ".", "name", "params", "wrappers");
        String name = required(o.get("name"), path + ".name") ? string(o.get("name"), path + ".name", null) : null;
        Map<String, Object> params = rawParams(o.get("params"), path + ".params");
        List<Wrapper> wrappers = new ArrayList<>();
        JsonNode ws = o.get("wrappers");
        if (ws != null && !ws.isNull() && array(ws, path + ".wrappers")) {
            for (int i = 0; i < ws.size(); i++) {
                String wp = path + ".wrappers[" + i + "]";
                ObjectNode w = object(ws.get(i), wp);
                if (w == null) {
                    continue;
                }
                keys(w, wp + ".", "name", "params");
                String wn = required(w.get("name"), wp + ".name") ? string(w.get("name"), wp + ".name", null) : null;
                Map<String, Object> wparams = rawParams(w.get("params"), wp + ".params");
                if (wn != null && wparams != null) {
                    wrappers.add(new Wrapper(wn, wparams));
                }
            }
        }
        if (name == null || params == null) {
            return null;
        }
        return validated(new Strategy(name, params, wrappers), path);
    }

    /** Strategies the simulator runs but the proxy cannot, each with why and what to choose instead. */
    static final Map<String, String> SIMULATOR_ONLY = Map.of("prequal", "prequal is simulator-only: it balances"
            + " on probes of each backend's requests in flight and latency, and the proxy has no network prober"
            + " to send them (it would silently fall back to its own counts); choose p2c-least-request or"
            + " p2c-peak-ewma, which use the same signals as the proxy sees them");

    /** Asks the registry to build the strategy, so every name and parameter is checked as the proxy will use it. */
    private Strategy validated(Strategy s, String path) {
        String refused = SIMULATOR_ONLY.get(s.name());
        if (refused != null) {
            errors.add(path + ": " + refused);
            return null;
        }
        try {
            registry.create(s.toSpec(), Environment.system());
            return s;
        } catch (RuntimeException e) {
            errors.add(path + ": " + e.getMessage());
            return null;
        }
    }

    private Map<String, Object> rawParams(JsonNode n, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isIntegralNumber()) {
                out.put(e.getKey(), v.longValue());
            } else if (v.isNumber()) {
                out.put(e.getKey(), v.doubleValue());
            } else if (v.isBoolean()) {
                out.put(e.getKey(), v.booleanValue());
            } else if (v.isTextual()) {
                out.put(e.getKey(), v.textValue());
            } else {
                errors.add(path + "." + e.getKey() + ": must be a number, a boolean or text, got " + kind(v));
            }
        }
        return out;
    }

    private BackendEntry backend(JsonNode n, String path) {
        ObjectNode o = object(n, path);
        if (o == null) {
            return null;
        }
        keys(o, path + ".", "id", "address", "weight", "zone");
        String id = name(o.get("id"), path + ".id");
        HostPort address = required(o.get("address"), path + ".address")
                ? hostPort(o.get("address"), path + ".address", 1) : null;
        int weight = integer(o.get("weight"), path + ".weight", 1, 1, 1_000_000);
        String zone = string(o.get("zone"), path + ".zone", "default");
        if (zone != null && zone.isBlank()) {
            errors.add(path + ".zone: must not be empty");
        }
        if (id == null || address == null || zone == null || zone.isBlank()) {
            return null;
        }
        return new BackendEntry(id, address, weight, zone);
    }

    private SessionPersistence persistence(JsonNode n, String path) {
        long sec = 1_000_000_000L;
        SessionPersistence def = new SessionPersistence(PersistenceMode.NONE, "SLUICE_BACKEND", 30 * 60 * sec);
        if (n == null || n.isNull()) {
            return def;
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return def;
        }
        keys(o, path + ".", "mode", "name", "ttl");
        PersistenceMode mode = choice(o.get("mode"), path + ".mode", PersistenceMode.class, PersistenceMode.NONE);
        String name = string(o.get("name"), path + ".name", def.name());
        if (name != null && !isToken(name)) {
            errors.add(path + ".name: '" + name + "' is not a valid cookie or header name (letters, digits and"
                    + " !#$%&'*+-.^_`|~)");
        }
        long ttl = duration(o.get("ttl"), path + ".ttl", def.ttlNanos());
        if (ttl < MIN_TTL_NANOS || ttl > MAX_TTL_NANOS) {
            errors.add(path + ".ttl: must be a duration in [1ms, 168h], got " + Durations.format(ttl));
            ttl = def.ttlNanos();
        }
        return new SessionPersistence(mode == null ? PersistenceMode.NONE : mode, name == null ? def.name() : name,
                ttl);
    }

    private HealthCheck healthCheck(JsonNode n, String path) {
        long ms = 1_000_000L;
        HealthCheck def = new HealthCheck(HealthCheckType.NONE, "/health", 2000 * ms, 1000 * ms, 2, 3, 200, 399);
        if (n == null || n.isNull()) {
            return def;
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return def;
        }
        keys(o, path + ".", "type", "path", "interval", "timeout", "rise", "fall", "expectStatus");
        HealthCheckType type = choice(o.get("type"), path + ".type", HealthCheckType.class, HealthCheckType.HTTP);
        String p = string(o.get("path"), path + ".path", def.path());
        if (p != null && !p.startsWith("/")) {
            errors.add(path + ".path: must start with '/', got '" + p + "'");
        }
        long interval = bounded(duration(o.get("interval"), path + ".interval", def.intervalNanos()),
                path + ".interval", MS, 24 * HOUR, def.intervalNanos());
        long timeout = bounded(duration(o.get("timeout"), path + ".timeout", def.timeoutNanos()),
                path + ".timeout", MS, HOUR, def.timeoutNanos());
        if (interval > 0 && timeout > interval) {
            errors.add(path + ".timeout: must not be longer than the interval (" + Durations.format(interval) + ")");
        }
        int rise = integer(o.get("rise"), path + ".rise", def.rise(), 1, 1000);
        int fall = integer(o.get("fall"), path + ".fall", def.fall(), 1, 1000);
        int lo = def.expectStatusMin();
        int hi = def.expectStatusMax();
        JsonNode es = o.get("expectStatus");
        if (es != null && !es.isNull()) {
            String text = es.asText().trim();
            String[] parts = text.split("-", -1);
            try {
                lo = Integer.parseInt(parts[0].trim());
                hi = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : lo;
                if (parts.length > 2 || lo < 100 || hi > 599 || lo > hi) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                errors.add(path + ".expectStatus: must be a status like 200 or a range like 200-399 within"
                        + " 100-599, got '" + text + "'");
            }
        }
        return new HealthCheck(type == null ? HealthCheckType.HTTP : type, p == null ? def.path() : p, interval,
                timeout, rise, fall, lo, hi);
    }

    private OutlierDetection outlier(JsonNode n, String path) {
        long sec = 1_000_000_000L;
        OutlierDetection def = new OutlierDetection(5, 30 * sec, 300 * sec, 10, 0);
        if (n == null || n.isNull()) {
            return def;
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return def;
        }
        keys(o, path + ".", "consecutiveFailures", "baseEjectionTime", "maxEjectionTime", "maxEjectedPercent",
                "latencyFactor");
        int failures = integer(o.get("consecutiveFailures"), path + ".consecutiveFailures", 5, 1, 10_000);
        long base = bounded(duration(o.get("baseEjectionTime"), path + ".baseEjectionTime", def.baseEjectionNanos()),
                path + ".baseEjectionTime", MS, 24 * HOUR, def.baseEjectionNanos());
        long max = bounded(duration(o.get("maxEjectionTime"), path + ".maxEjectionTime", def.maxEjectionNanos()),
                path + ".maxEjectionTime", MS, 24 * HOUR, def.maxEjectionNanos());
        if (max < base) {
            errors.add(path + ".maxEjectionTime: must not be shorter than baseEjectionTime (" + Durations.format(base)
                    + ")");
        }
        int percent = integer(o.get("maxEjectedPercent"), path + ".maxEjectedPercent", 10, 0, 100);
        double factor = number(o.get("latencyFactor"), path + ".latencyFactor", 0, 0, 1000);
        if (factor > 0 && factor <= 1) {
            errors.add(path + ".latencyFactor: must be 0 (off) or a factor > 1, got " + factor);
        }
        return new OutlierDetection(failures, base, max, percent, factor);
    }

    private ClusterTimeouts clusterTimeouts(JsonNode n, String path) {
        long sec = 1_000_000_000L;
        ClusterTimeouts def = new ClusterTimeouts(sec, 30 * sec);
        if (n == null || n.isNull()) {
            return def;
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return def;
        }
        keys(o, path + ".", "connect", "response");
        return new ClusterTimeouts(duration(o.get("connect"), path + ".connect", def.connectNanos()),
                duration(o.get("response"), path + ".response", def.responseNanos()));
    }

    private Retries retries(JsonNode n, String path) {
        Retries def = new Retries(2, 20, true);
        if (n == null || n.isNull()) {
            return def;
        }
        ObjectNode o = object(n, path);
        if (o == null) {
            return def;
        }
        keys(o, path + ".", "attempts", "budgetPercent", "idempotentOnly");
        return new Retries(integer(o.get("attempts"), path + ".attempts", 2, 0, 10),
                integer(o.get("budgetPercent"), path + ".budgetPercent", 20, 0, 100),
                bool(o.get("idempotentOnly"), path + ".idempotentOnly", true));
    }

    // ---- scalar readers: each records an error naming the path and returns a default or null ----

    private ObjectNode object(JsonNode n, String path) {
        if (n instanceof ObjectNode o) {
            return o;
        }
        errors.add(path + ": must be a mapping (key: value), got " + kind(n));
        return null;
    }

    private boolean array(JsonNode n, String path) {
        if (n.isArray()) {
            return true;
        }
        errors.add(path + ": must be a list, got " + kind(n));
        return false;
    }

    private boolean required(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            errors.add(path + ": is required");
            return false;
        }
        return true;
    }

    private void keys(ObjectNode o, String prefix, String... allowed) {
        List<String> ok = List.of(allowed);
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ok.contains(k)) {
                errors.add(prefix + k + ": unknown key; allowed here: " + String.join(", ", ok));
            }
        }
    }

    private String scalarText(JsonNode n, String path) {
        if (n.isTextual() || n.isNumber() || n.isBoolean()) {
            return n.asText();
        }
        errors.add(path + ": must be text, got " + kind(n));
        return null;
    }

    private String string(JsonNode n, String path, String def) {
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isTextual()) {
            errors.add(path + ": must be text, got " + kind(n));
            return null;
        }
        return n.textValue();
    }

    /** Names and ids: they appear in cookies, headers and metric labels, so they are kept to a safe alphabet. */
    private String name(JsonNode n, String path) {
        if (!required(n, path)) {
            return null;
        }
        String s = string(n, path, null);
        if (s == null) {
            return null;
        }
        if (s.isEmpty() || s.length() > 128 || !s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
                || c == '-' || c == '_' || c == '.' || c == '~'))) {
            errors.add(path + ": must be 1 to 128 letters, digits, '-', '_', '.' or '~', got '" + s + "'");
            return null;
        }
        return s;
    }

    private int integer(JsonNode n, String path, int def, int min, int max) {
        if (n == null || n.isNull()) {
            return def;
        }
        String range = max == Integer.MAX_VALUE || max >= 1_000_000 ? ">= " + min : "in " + min + ".." + max;
        if (!n.isIntegralNumber() || n.longValue() < min || n.longValue() > max) {
            errors.add(path + ": must be an integer " + range + ", got " + shown(n));
            return def;
        }
        return n.intValue();
    }

    private double number(JsonNode n, String path, double def, double min, double max) {
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isNumber() || n.doubleValue() < min || n.doubleValue() > max || Double.isNaN(n.doubleValue())) {
            errors.add(path + ": must be a number in " + min + ".." + max + ", got " + shown(n));
            return def;
        }
        return n.doubleValue();
    }

    private boolean bool(JsonNode n, String path, boolean def) {
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isBoolean()) {
            errors.add(path + ": must be true or false, got " + shown(n));
            return def;
        }
        return n.booleanValue();
    }

    private long duration(JsonNode n, String path, long def) {
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isTextual()) {
            errors.add(path + ": must be a duration with a unit like 250ms or 10s, got " + shown(n));
            return def;
        }
        try {
            long v = Durations.parseNanos(n.textValue(), path);
            if (v <= 0) {
                errors.add(path + ": must be longer than 0, got '" + n.textValue() + "'");
                return def;
            }
            return v;
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
            return def;
        }
    }

    /** {@code v} when it is in [min, max]; otherwise records an error naming the range and returns {@code def}. */
    private long bounded(long v, String path, long min, long max, long def) {
        if (v < min || v > max) {
            errors.add(path + ": must be a duration in [" + Durations.format(min) + ", " + Durations.format(max)
                    + "], got " + Durations.format(v));
            return def;
        }
        return v;
    }

    private long size(JsonNode n, String path, long def, long min, long max) {
        if (n == null || n.isNull()) {
            return def;
        }
        long v;
        if (n.isIntegralNumber()) {
            v = n.longValue();
        } else if (n.isTextual()) {
            v = parseSize(n.textValue());
            if (v < 0) {
                errors.add(path + ": '" + n.textValue() + "' is not a size; write bytes or a number with B, KB, KiB,"
                        + " MB, MiB, GB or GiB, like 8KiB");
                return def;
            }
        } else {
            errors.add(path + ": must be a size like 8KiB, got " + shown(n));
            return def;
        }
        if (v < min || v > max) {
            errors.add(path + ": must be a size in " + min + ".." + max + " bytes, got " + shown(n));
            return def;
        }
        return v;
    }

    /** Bytes, or -1 when {@code text} is not a size. */
    static long parseSize(String text) {
        String t = text.trim();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 15) {
            return -1;
        }
        long number = Long.parseLong(t.substring(0, i));
        long scale = switch (t.substring(i).trim()) {
            case "", "B" -> 1L;
            case "KB" -> 1000L;
            case "KiB" -> 1L << 10;
            case "MB" -> 1000_000L;
            case "MiB" -> 1L << 20;
            case "GB" -> 1000_000_000L;
            case "GiB" -> 1L << 30;
            default -> -1L;
        };
        return scale < 0 ? -1 : number * scale;
    }

    private <E extends Enum<E>> E choice(JsonNode n, String path, Class<E> type, E def) {
        if (n == null || n.isNull()) {
            return def;
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        if (n.isTextual() && names.contains(n.textValue())) {
            return Enum.valueOf(type, n.textValue().toUpperCase(Locale.ROOT));
        }
        errors.add(path + ": must be one of " + String.join(", ", names) + ", got " + shown(n));
        return null;
    }

    private HostPort hostPort(JsonNode n, String path, int minPort) {
        if (!n.isTextual()) {
            errors.add(path + ": must be host:port text, got " + shown(n));
            return null;
        }
        HostPort hp = parseHostPort(n.textValue(), minPort);
        if (hp == null) {
            errors.add(path + ": '" + n.textValue() + "' is not host:port (like 127.0.0.1:8080 or [::1]:8080) with a"
                    + " port in " + minPort + "..65535");
        }
        return hp;
    }

    /** Parses {@code host:port} or {@code [v6]:port}; null when malformed or the port is out of range. */
    static HostPort parseHostPort(String text, int minPort) {
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                return null;
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || t.indexOf(':') != colon) {
                return null;
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        if (host.isEmpty() || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                || !host.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-'
                || c == ':' || c == '_'))) {
            return null;
        }
        int p = Integer.parseInt(port);
        return p < minPort || p > 65535 ? null : new HostPort(host, p);
    }

    /** RFC 9110 token: the alphabet of methods, header names and cookie names. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || !(Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static String kind(JsonNode n) {
        if (n == null) {
            return "nothing";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        return shown(n);
    }

    private static String shown(JsonNode n) {
        if (n.isTextual()) {
            return "'" + n.textValue() + "'";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        return n.asText();
    }
}
