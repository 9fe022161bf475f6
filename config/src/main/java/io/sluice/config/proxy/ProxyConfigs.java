package io.sluice.config.proxy;

import io.sluice.algorithms.Range;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.config.ConfigError;
import io.sluice.config.ConfigException;
import io.sluice.config.ConfigReader;
import io.sluice.config.HostPort;
import io.sluice.config.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the proxy's YAML configuration into a {@link ProxyConfig}, checking all of it and reporting
 * every problem at once, each with its line and YAML path ({@link ConfigException}): unknown keys
 * (and old keys, naming the new ones), wrong types, values out of range, duplicate names, routes to
 * clusters that do not exist, and strategies the {@link StrategyRegistry} refuses (its message lists
 * the valid names). The file's shape is {@link ProxyFile}; its JSON Schema is
 * {@code schema/sluice-proxy.schema.json} in this jar.
 */
public final class ProxyConfigs {
    /** {@code workers}: 0 (one per core) to 1024. */
    static final Range WORKERS = Range.wholeNumber(0, 1024);
    /** {@code drain-timeout}: 0 to 24h. */
    static final Range DRAIN_TIMEOUT = Range.duration(0, 86_400_000_000_000L);
    static final HostPort DEFAULT_ADMIN = new HostPort("127.0.0.1", 9901);

    private ProxyConfigs() {
    }

    /**
     * Reads and checks the file at {@code file}, its errors prefixed with the path as given.
     *
     * @throws ConfigException with every problem
     */
    public static ProxyConfig load(Path file) {
        return load(file, StrategyRegistry.standard());
    }

    /** As {@link #load(Path)}, with strategies checked against {@code registry}. */
    public static ProxyConfig load(Path file, StrategyRegistry registry) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(file.toString(), 1, "", "cannot read: "
                    + e.getMessage())));
        }
        return parse(text, file.toString(), registry);
    }

    /** Checks YAML text, named {@code sluice.yaml} in errors, against the standard strategy registry. */
    public static ProxyConfig parse(String yaml) {
        return parse(yaml, "sluice.yaml", StrategyRegistry.standard());
    }

    /**
     * Checks YAML text.
     *
     * @param source what errors call the file
     * @throws ConfigException with every problem
     */
    public static ProxyConfig parse(String yaml, String source, StrategyRegistry registry) {
        ConfigReader.Bound<ProxyFile> bound = ConfigReader.read(yaml, source, ProxyFile.class);
        Problems problems = bound.problems();
        ProxyFile f = bound.value();
        if (f == null) {
            if (!problems.hasErrors()) {
                problems.error("", "the file is empty; at least listeners and clusters are required");
            }
            problems.throwIfAny();
        }
        HostPort admin = f.admin() == null ? DEFAULT_ADMIN
                : problems.value("admin.listen", f.admin().listen(), DEFAULT_ADMIN, HostPort.FORM);
        Integer workers = problems.integer("workers", f.workers(), WORKERS, 0);
        String accessLog = f.accessLog() == null ? "-"
                : problems.text("access-log.path", f.accessLog().path(), "-", "\"-\" (stdout), \"off\" or a file path");
        Long drain = problems.duration("drain-timeout", f.drainTimeout(), DRAIN_TIMEOUT,
                ProxyConfig.DEFAULT_DRAIN_TIMEOUT_NANOS);
        List<ProxyConfig.Cluster> clusters = new ClustersReader(problems, registry).read(f.clusters());
        List<ProxyConfig.Listener> listeners = new ListenersReader(problems).read(f.listeners(),
                ClustersReader.names(f.clusters()));
        ProxyConfig.Kafka kafka = kafka(problems, f.kafka());
        ProxyConfig.Overload overload = OverloadReader.read(problems, f.overload());
        globalLimits(problems, f.listeners(), kafka != null || f.kafka() != null);
        for (int i = 0; i < clusters.size(); i++) {
            if (kafka == null && clusters.get(i).membership() != ProxyConfig.Membership.STATIC) {
                problems.error(Problems.join(Problems.index("clusters", i), "membership"), "'"
                        + clusters.get(i).membership().name().toLowerCase(java.util.Locale.ROOT)
                        + "' needs a kafka: section with bootstrap-servers; allowed without one: static");
            }
        }
        datagramClustersInClear(problems, f.listeners(), clusters);
        problems.throwIfAny();
        return new ProxyConfig(new ProxyConfig.Admin(admin), workers, new ProxyConfig.AccessLog(accessLog), drain,
                listeners, clusters, kafka, overload);
    }

    /** {@code kafka.load-staleness} and {@code membership-staleness}: 0 to 1 h. */
    static final Range STALENESS = Range.duration(0, 3_600_000_000_000L);
    /** {@code kafka.metrics-interval}: 100 ms to 1 h. */
    static final Range METRICS_INTERVAL = Range.duration(100_000_000L, 3_600_000_000_000L);
    /** {@code kafka.load-view.interval}: 0 (off) or 10 ms to 1 min; default 250 ms. */
    static final Range LOAD_VIEW_INTERVAL = Range.duration(0, 60_000_000_000L);
    static final long LOAD_VIEW_INTERVAL_DEFAULT = 250_000_000L;
    /** {@code kafka.load-view.staleness}: 1 ms to 1 h, longer than the interval; default 1 s. */
    static final Range LOAD_VIEW_STALENESS = Range.duration(1_000_000L, 3_600_000_000_000L);
    static final long LOAD_VIEW_STALENESS_DEFAULT = 1_000_000_000L;
    /** {@code kafka.rate-usage.interval}: 10 ms to 1 min; default 250 ms. */
    static final Range RATE_USAGE_INTERVAL = Range.duration(10_000_000L, 60_000_000_000L);
    static final Range FRACTION = Range.number(0, 1);
    static final Range STATUS = Range.wholeNumber(0, 599);
    static final Range BUFFER = Range.wholeNumber(1, 10_000_000);

    /** A udp or coap listener cannot reach a cluster over TLS: the proxy has no DTLS towards backends. */
    private static void datagramClustersInClear(Problems problems, List<ListenerSection> sections,
                                                List<ProxyConfig.Cluster> clusters) {
        if (sections == null) {
            return;
        }
        for (int i = 0; i < sections.size(); i++) {
            if (sections.get(i) instanceof DatagramListenerSection d && d.cluster() != null) {
                for (ProxyConfig.Cluster c : clusters) {
                    if (c.name().equals(d.cluster()) && c.upstreamTls() != null) {
                        String kind = d instanceof DatagramListenerSection.Coap ? "coap" : "udp";
                        problems.error(Problems.join(Problems.index("listeners", i), "cluster"), "cluster '"
                                + c.name() + "' has upstream.tls, but a " + kind + " listener relays datagrams"
                                + " in clear (no DTLS to backends); use a cluster without tls");
                    }
                }
            }
        }
    }

    private static ProxyConfig.Kafka kafka(Problems problems, ProxyFile.KafkaSection k) {
        if (k == null) {
            return null;
        }
        String servers = problems.required("kafka.bootstrap-servers", k.bootstrapServers(),
                "a comma-separated list of host:port, like 127.0.0.1:9092");
        java.util.Map<String, String> props = k.properties() == null ? java.util.Map.of() : k.properties();
        String instance = problems.text("kafka.instance-id", k.instanceId(), defaultInstanceId(),
                "a name for this proxy on the events and metrics topics");
        ProxyConfig.Topics d = ProxyConfig.Topics.DEFAULT;
        ProxyFile.TopicsSection t = k.topics();
        ProxyConfig.Topics topics = t == null ? d : new ProxyConfig.Topics(
                topic(problems, "membership", t.membership(), d.membership()),
                topic(problems, "load", t.load(), d.load()),
                topic(problems, "health", t.health(), d.health()),
                topic(problems, "events", t.events(), d.events()),
                topic(problems, "metrics", t.metrics(), d.metrics()),
                topic(problems, "access-log", t.accessLog(), d.accessLog()),
                topic(problems, "load-view", t.loadView(), d.loadView()),
                topic(problems, "rate-usage", t.rateUsage(), d.rateUsage()));
        Long load = problems.duration("kafka.load-staleness", k.loadStaleness(), STALENESS, 5_000_000_000L);
        Long member = problems.duration("kafka.membership-staleness", k.membershipStaleness(), STALENESS, 0L);
        Long metrics = problems.duration("kafka.metrics-interval", k.metricsInterval(), METRICS_INTERVAL,
                10_000_000_000L);
        Double sample = problems.number("kafka.access-log-sample", k.accessLogSample(), FRACTION, 0.0);
        Integer minStatus = problems.integer("kafka.access-log-min-status", k.accessLogMinStatus(), STATUS, 0);
        Integer buffer = problems.integer("kafka.buffer-size", k.bufferSize(), BUFFER, 10_000);
        ProxyFile.LoadViewSection v = k.loadView();
        Long viewInterval = problems.duration("kafka.load-view.interval", v == null ? null : v.interval(),
                LOAD_VIEW_INTERVAL, LOAD_VIEW_INTERVAL_DEFAULT);
        Long viewStaleness = problems.duration("kafka.load-view.staleness", v == null ? null : v.staleness(),
                LOAD_VIEW_STALENESS, LOAD_VIEW_STALENESS_DEFAULT);
        if (viewInterval != null && viewInterval > 0 && viewInterval < 10_000_000L) {
            problems.error("kafka.load-view.interval", "is " + java.time.Duration.ofNanos(viewInterval).toMillis()
                    + "ms; allowed: 0 (off) or 10ms to 1m");
            viewInterval = null;
        }
        if (viewInterval != null && viewStaleness != null && viewInterval > 0 && viewStaleness <= viewInterval) {
            problems.error("kafka.load-view.staleness", "must be longer than load-view.interval ("
                    + java.time.Duration.ofNanos(viewInterval).toMillis() + "ms), or every report would be"
                    + " stale before the next; a few intervals is usual");
            viewStaleness = null;
        }
        ProxyFile.RateUsageSection u = k.rateUsage();
        Long usageInterval = problems.duration("kafka.rate-usage.interval", u == null ? null : u.interval(),
                RATE_USAGE_INTERVAL, 250_000_000L);
        Long usageStaleness = problems.duration("kafka.rate-usage.staleness", u == null ? null : u.staleness(),
                LOAD_VIEW_STALENESS, 1_000_000_000L);
        if (usageInterval != null && usageStaleness != null && usageStaleness <= usageInterval) {
            problems.error("kafka.rate-usage.staleness", "must be longer than rate-usage.interval ("
                    + java.time.Duration.ofNanos(usageInterval).toMillis() + "ms), or every report would be"
                    + " stale before the next; a few intervals is usual");
            usageStaleness = null;
        }
        if (servers == null || load == null || member == null || metrics == null || sample == null
                || minStatus == null || buffer == null || viewInterval == null || viewStaleness == null
                || usageInterval == null || usageStaleness == null) {
            return null;
        }
        return new ProxyConfig.Kafka(servers, props, instance, topics, load, member, metrics, sample, minStatus,
                buffer, viewInterval, viewStaleness, usageInterval, usageStaleness);
    }

    /**
     * {@code scope: global} needs the {@code kafka:} section (the channel the shares move through),
     * and a global limit is known across the fleet by its name, so two may not share one.
     */
    private static void globalLimits(Problems problems, List<ListenerSection> listeners, boolean kafka) {
        if (listeners == null) {
            return;
        }
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (int i = 0; i < listeners.size(); i++) {
            if (!(listeners.get(i) instanceof HttpListenerSection h)) {
                continue;
            }
            String at = Problems.index("listeners", i);
            globalLimits(problems, Problems.join(at, "rate-limits"), h.rateLimits(), kafka, seen);
            if (h.routes() != null) {
                for (int j = 0; j < h.routes().size(); j++) {
                    HttpListenerSection.RouteSection r = h.routes().get(j);
                    if (r != null) {
                        globalLimits(problems, Problems.join(Problems.index(Problems.join(at, "routes"), j),
                                "rate-limits"), r.rateLimits(), kafka, seen);
                    }
                }
            }
        }
    }

    private static void globalLimits(Problems problems, String path, List<ProtectionSections.RateLimitSection> limits,
                                     boolean kafka, java.util.Map<String, String> seen) {
        if (limits == null) {
            return;
        }
        for (int k = 0; k < limits.size(); k++) {
            ProtectionSections.RateLimitSection s = limits.get(k);
            if (s == null || s.scope() == null || !"global".equalsIgnoreCase(s.scope().trim())) {
                continue;
            }
            String at = Problems.index(path, k);
            if (!kafka) {
                problems.error(Problems.join(at, "scope"), "'global' needs a kafka: section with bootstrap-servers"
                        + " (the instances share the limit through it); allowed without one: local");
            }
            if (s.name() == null) {
                problems.error(Problems.join(at, "scope"), "a global limit needs a name: the instances of the fleet"
                        + " find each other's usage of it by that name");
            } else {
                String before = seen.putIfAbsent(s.name(), at);
                if (before != null) {
                    problems.error(Problems.join(at, "name"), "'" + s.name() + "' is already the name of the global"
                            + " limit at " + before + "; a global limit's name is its identity across the fleet,"
                            + " give each its own");
                }
            }
        }
    }

    private static String topic(Problems problems, String key, String value, String dflt) {
        return problems.text("kafka.topics." + key, value, dflt, "a Kafka topic name");
    }

    private static String defaultInstanceId() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (java.io.IOException e) {
            return "sluice-" + ProcessHandle.current().pid();
        }
    }
}
