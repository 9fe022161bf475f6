package io.sluice.simulator.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Discipline;
import io.sluice.simulator.model.Distribution;
import io.sluice.algorithms.health.HealthCheckConfig;
import io.sluice.simulator.model.HealthCheckModel;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.workload.WorkloadException;
import io.sluice.simulator.workload.WorkloadSpec;
import io.sluice.simulator.workload.Workloads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a scenario's YAML tree into a {@link Scenario}; every key is documented in
 * {@code scenarios/scenario-example.yaml}. Checks run top to bottom and the first bad field
 * stops the parse with its YAML path.
 */
final class ScenarioParser {
    static final List<String> TOP_KEYS = List.of("description", "seed", "seeds", "duration", "warm-up", "interval",
            "drain-limit", "backends", "events", "load-balancer", "strategies", "workload", "sweep");
    private static final List<String> GROUP_KEYS = List.of("name", "count", "servers", "service-time", "speed",
            "discipline", "queue-capacity", "zone", "weight");
    private static final List<String> DISTRIBUTIONS = List.of("exponential", "constant", "lognormal", "pareto",
            "empirical");
    private static final List<String> EVENT_KINDS = List.of("crash", "recover", "slowdown", "stall");
    private static final List<String> LB_KEYS = List.of("instances", "network-delay", "timeout", "connect-timeout",
            "retries", "health-check", "utilisation-report-interval", "ewma-decay", "picker-refresh");

    static final long HOUR = 3_600_000_000_000L;
    /** Longest run accepted: a year of virtual time. */
    static final long MAX_DURATION = 366L * 24 * HOUR;
    private static final int MAX_BACKENDS = 100_000;

    private final StrategyRegistry registry;
    private final Path baseDir;
    private final boolean skipBadLines;

    ScenarioParser(StrategyRegistry registry, Path baseDir, boolean skipBadLines) {
        this.registry = registry;
        this.baseDir = baseDir;
        this.skipBadLines = skipBadLines;
    }

    Scenario parse(JsonNode root, String name, String source, String yaml) {
        ScenarioSection s = ScenarioSection.of(root, "", "a scenario");
        s.allow("a scenario", TOP_KEYS);
        String description = s.text("description", "", "one paragraph of text").trim();
        long seed = s.integer("seed", 1L, Long.MIN_VALUE, Long.MAX_VALUE);
        int seeds = s.integer("seeds", Scenario.DEFAULT_SEEDS, 1, Scenario.MAX_SEEDS);
        long duration = s.duration("duration", null, 1_000_000L, MAX_DURATION);
        long warmUp = s.duration("warm-up", 0L, 0, MAX_DURATION);
        if (warmUp >= duration) {
            throw s.error("warm-up", "'" + Durations.format(warmUp) + "' is not shorter than the duration "
                    + Durations.format(duration) + "; the warm-up must leave some of the run to measure");
        }
        // The default interval is the smaller of 1 s and the duration, cut down to divide the
        // warm-up (warm-up 1500ms: 500ms) so the time series starts exactly at the end of the warm-up.
        long defaultInterval = gcd(Math.min(1_000_000_000L, duration), warmUp);
        long interval = s.duration("interval", defaultInterval, 1_000_000L, duration);
        if (!s.has("interval") && (interval < 1_000_000L || duration / interval > 100_000)) {
            throw s.error("warm-up", "'" + Durations.format(warmUp) + "' is divided by no interval from 1ms to 1s"
                    + " that keeps the run within 100000 intervals; round the warm-up or set an interval");
        }
        if (duration / interval > 100_000) {
            throw s.error("interval", "'" + Durations.format(interval) + "' makes more than 100000 intervals in "
                    + Durations.format(duration) + "; use at least " + Durations.format(duration / 100_000));
        }
        if (warmUp % interval != 0) {
            throw s.error("warm-up", "'" + Durations.format(warmUp) + "' is not a whole number of intervals ("
                    + Durations.format(interval) + "); the time series starts at the end of the warm-up");
        }
        long drain = s.duration("drain-limit", 60_000_000_000L, 0, MAX_DURATION);

        List<BackendGroup> groups = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        backends(s, groups, summary);
        List<ScriptedEvent> events = events(s, groups, duration);
        LoadBalancerModel lb = loadBalancer(s);
        List<ScenarioStrategy> strategies = strategies(s);
        WorkloadSpec workload = workload(s);
        Scenario scenario = new Scenario(name, description, source, yaml, seed, seeds, duration, warmUp, interval,
                drain, groups, summary, lb, events, workload, strategies, null, registry);
        Sweep sweep = sweep(s, scenario);
        return sweep == null ? scenario : new Scenario(name, description, source, yaml, seed, seeds, duration,
                warmUp, interval, drain, groups, summary, lb, events, workload, strategies, sweep, registry);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    // ---- Backends.

    private static void backends(ScenarioSection root, List<BackendGroup> groups, List<String> summary) {
        JsonNode list = root.list("backends", "a list of backend groups, each with at least a name and a"
                + " service-time");
        Set<String> names = new LinkedHashSet<>();
        int total = 0;
        for (int i = 0; i < list.size(); i++) {
            ScenarioSection g = ScenarioSection.of(list.get(i), "backends[" + i + "]", "a backend group");
            g.allow("a backend group", GROUP_KEYS);
            String name = g.text("name", null, "a word of letters, digits, '_' or '.', like api or big");
            if (!name.matches("[A-Za-z0-9_.]+")) {
                throw g.error("name", "'" + name + "' is not allowed; a word of letters, digits, '_' or '.' (backend"
                        + " ids are <name>-0, <name>-1, ...)");
            }
            if (!names.add(name)) {
                throw g.error("name", "'" + name + "' names another group too; give each group its own name");
            }
            int count = g.integer("count", 1, 1, MAX_BACKENDS);
            total += count;
            if (total > MAX_BACKENDS) {
                throw g.error("count", count + " makes more than " + MAX_BACKENDS + " backends in all");
            }
            int servers = g.integer("servers", 1, 1, 1_000_000);
            Distribution service = distribution(g.section("service-time", "a distribution, like"
                    + " {distribution: exponential, mean: 10ms}"), false);
            double[] speeds = speeds(g, count);
            String discipline = g.choice("discipline", "fifo", List.of("fifo", "ps", "processor-sharing"));
            Discipline d = discipline.equals("fifo") ? Discipline.FIFO : Discipline.PROCESSOR_SHARING;
            int queue = queueCapacity(g);
            String zone = g.text("zone", "default", "a zone name, like eu-west-1a").trim();
            if (zone.isEmpty()) {
                throw g.error("zone", "empty; give a zone name, like eu-west-1a, or leave it out (default)");
            }
            int weight = g.integer("weight", 1, 1, 1_000_000);
            // Equal speeds next to each other share one model group; ids continue across them.
            for (int from = 0; from < count; ) {
                int to = from + 1;
                while (to < count && speeds[to] == speeds[from]) {
                    to++;
                }
                groups.add(BackendGroup.builder(name, to - from).firstIndex(from).concurrency(servers)
                        .serviceTime(service).speed(speeds[from]).discipline(d).queueCapacity(queue).zone(zone)
                        .weight(weight).build());
                from = to;
            }
            summary.add(count + " x " + name + " (" + servers + (servers == 1 ? " server, " : " servers, ")
                    + service.describe() + ", speed " + speedText(speeds) + (d == Discipline.FIFO ? "" : ", ps")
                    + (queue == BackendGroup.UNBOUNDED ? "" : ", queue " + queue)
                    + (zone.equals("default") ? "" : ", zone " + zone) + (weight == 1 ? "" : ", weight " + weight)
                    + ")");
        }
    }

    private static double[] speeds(ScenarioSection g, int count) {
        double[] speeds = new double[count];
        JsonNode v = g.get("speed");
        if (v == null) {
            java.util.Arrays.fill(speeds, 1.0);
        } else if (v.isArray()) {
            if (v.size() != count) {
                throw g.error("speed", "a list of " + v.size() + " speeds for " + count + " backends; give one speed"
                        + " for the group or a list of exactly count (" + count + ") speeds");
            }
            for (int i = 0; i < count; i++) {
                speeds[i] = ScenarioSection.number(v.get(i), g.path("speed") + "[" + i + "]", 0, true, 1e6);
            }
        } else {
            java.util.Arrays.fill(speeds, ScenarioSection.number(v, g.path("speed"), 0, true, 1e6));
        }
        return speeds;
    }

    private static String speedText(double[] speeds) {
        boolean same = true;
        for (double s : speeds) {
            same &= s == speeds[0];
        }
        if (same) {
            return ScenarioSection.plain(speeds[0]);
        }
        List<String> parts = new ArrayList<>();
        for (double s : speeds) {
            parts.add(ScenarioSection.plain(s));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private static int queueCapacity(ScenarioSection g) {
        JsonNode v = g.get("queue-capacity");
        if (v == null || (v.isTextual() && v.asText().trim().equalsIgnoreCase("unbounded"))) {
            return BackendGroup.UNBOUNDED;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw g.error("queue-capacity", ScenarioSection.show(v) + " is not allowed; unbounded, or a whole"
                    + " number from 0 to " + Integer.MAX_VALUE + " (requests held beyond the servers)");
        }
        return v.intValue();
    }

    /**
     * A distribution mapping: {@code distribution} and its parameters. With {@code zeroAllowed}
     * (network delays) a constant may be 0.
     */
    static Distribution distribution(ScenarioSection d, boolean zeroAllowed) {
        String kind = d.choice("distribution", null, DISTRIBUTIONS);
        List<String> keys = switch (kind) {
            case "exponential", "constant" -> List.of("distribution", "mean");
            case "lognormal" -> List.of("distribution", "mean", "sigma");
            case "pareto" -> List.of("distribution", "mean", "shape");
            default -> List.of("distribution", "samples");
        };
        d.allow("distribution " + kind, keys);
        if (kind.equals("empirical")) {
            JsonNode samples = d.list("samples", "a list of durations, like [2ms, 3ms, 15ms]");
            double[] nanos = new double[samples.size()];
            for (int i = 0; i < nanos.length; i++) {
                nanos[i] = ScenarioSection.duration(samples.get(i), d.path("samples") + "[" + i + "]", 0,
                        MAX_DURATION);
            }
            try {
                return Distribution.empirical(nanos);
            } catch (IllegalArgumentException e) {
                throw d.error("samples", e.getMessage());
            }
        }
        long mean = d.duration("mean", null, kind.equals("constant") && zeroAllowed ? 0 : 1, MAX_DURATION);
        return switch (kind) {
            case "exponential" -> Distribution.exponential(mean);
            case "constant" -> Distribution.constant(mean);
            case "lognormal" -> Distribution.lognormal(mean, d.number("sigma", 1.0, 0, true, 10));
            default -> Distribution.pareto(mean, d.number("shape", 2.5, 1, true, 1000));
        };
    }

    // ---- Scripted events.

    private static List<ScriptedEvent> events(ScenarioSection root, List<BackendGroup> groups, long duration) {
        List<ScriptedEvent> out = new ArrayList<>();
        if (!root.has("events")) {
            return out;
        }
        JsonNode list = root.list("events", "a list of scripted events, like {kind: crash, backend: api-3, at: 30s}");
        Set<String> ids = new LinkedHashSet<>();
        for (BackendGroup g : groups) {
            for (int i = 0; i < g.count(); i++) {
                ids.add(g.backendId(i));
            }
        }
        for (int i = 0; i < list.size(); i++) {
            ScenarioSection e = ScenarioSection.of(list.get(i), "events[" + i + "]", "a scripted event");
            String kind = e.choice("kind", null, EVENT_KINDS);
            e.allow("event kind " + kind, switch (kind) {
                case "crash", "recover" -> List.of("kind", "backend", "at");
                case "slowdown" -> List.of("kind", "backend", "at", "duration", "factor");
                default -> List.of("kind", "backend", "at", "duration");
            });
            String backend = e.text("backend", null, "a backend id, like " + ids.iterator().next()).trim();
            if (!ids.contains(backend)) {
                throw e.error("backend", "'" + backend + "' is not a backend of this scenario; backends: "
                        + idRanges(groups));
            }
            long at = e.duration("at", null, 0, MAX_DURATION);
            if (at >= duration) {
                throw e.error("at", "'" + Durations.format(at) + "' is not before the end of the run ("
                        + Durations.format(duration) + "); an event must happen during the run");
            }
            out.add(switch (kind) {
                case "crash" -> ScriptedEvent.crash(backend, at);
                case "recover" -> ScriptedEvent.recover(backend, at);
                case "slowdown" -> ScriptedEvent.slowdown(backend, e.number("factor", Double.NaN, 1, false, 1e6), at,
                        at + e.duration("duration", null, 1, MAX_DURATION));
                default -> ScriptedEvent.stall(backend, at, e.duration("duration", null, 1, MAX_DURATION));
            });
        }
        return out;
    }

    /** Backend ids by group, shortened: {@code big-0..big-3, std-0..std-7}. */
    private static String idRanges(List<BackendGroup> groups) {
        Map<String, int[]> ranges = new LinkedHashMap<>();
        for (BackendGroup g : groups) {
            int[] r = ranges.computeIfAbsent(g.name(), k -> new int[] {g.firstIndex(), g.firstIndex()});
            r[1] = g.firstIndex() + g.count() - 1;
        }
        List<String> parts = new ArrayList<>();
        ranges.forEach((n, r) -> parts.add(r[0] == r[1] ? n + "-" + r[0] : n + "-" + r[0] + ".." + n + "-" + r[1]));
        return String.join(", ", parts);
    }

    /** One event for people: {@code std-3 slows x10 at 20s for 10s}. */
    static String describe(ScriptedEvent e) {
        return switch (e.kind()) {
            case CRASH -> e.backendId() + " crashes at " + Durations.format(e.atNanos());
            case RECOVER -> e.backendId() + " recovers at " + Durations.format(e.atNanos());
            case SLOWDOWN -> e.backendId() + " slows x" + ScenarioSection.plain(e.factor()) + " at "
                    + Durations.format(e.atNanos()) + " for " + Durations.format(e.untilNanos() - e.atNanos());
            case STALL -> e.backendId() + " stalls at " + Durations.format(e.atNanos()) + " for "
                    + Durations.format(e.untilNanos() - e.atNanos());
        };
    }

    // ---- Load balancer.

    private static LoadBalancerModel loadBalancer(ScenarioSection root) {
        LoadBalancerModel.Builder b = LoadBalancerModel.builder();
        if (!root.has("load-balancer")) {
            return b.build();
        }
        ScenarioSection lb = root.section("load-balancer", "the load-balancer settings");
        lb.allow("load-balancer", LB_KEYS);
        b.instances(lb.integer("instances", 1, 1, 10_000));
        JsonNode delay = lb.get("network-delay");
        if (delay != null) {
            b.networkDelay(delay.isObject()
                    ? distribution(ScenarioSection.of(delay, lb.path("network-delay"), "a distribution"), true)
                    : Distribution.constant(ScenarioSection.duration(delay, lb.path("network-delay"), 0,
                    MAX_DURATION)));
        }
        b.requestTimeoutNanos(lb.duration("timeout", 0L, 0, MAX_DURATION));
        b.connectTimeoutNanos(lb.duration("connect-timeout", 1_000_000_000L, 1, MAX_DURATION));
        if (lb.has("retries")) {
            ScenarioSection r = lb.section("retries", "the retry settings");
            r.allow("retries", List.of("max-attempts", "budget", "on-timeout"));
            int attempts = r.integer("max-attempts", 2, 1, 10);
            double budget = r.number("budget", 0.1, 0, false, 1);
            b.retries(budget, attempts).retryOnTimeout(r.bool("on-timeout", false));
        }
        if (lb.has("health-check")) {
            b.healthCheck(healthCheck(lb.section("health-check", "the health check settings")));
        }
        b.utilisationReportIntervalNanos(lb.duration("utilisation-report-interval", 0L, 0, MAX_DURATION));
        if (lb.has("ewma-decay")) {
            b.ewmaDecayNanos(lb.duration("ewma-decay", null, 1, MAX_DURATION));
        }
        b.pickerRefreshIntervalNanos(lb.duration("picker-refresh", 1_000_000_000L, 0, MAX_DURATION));
        return b.build();
    }

    private static HealthCheckModel healthCheck(ScenarioSection h) {
        h.allow("health-check", List.of("interval", "timeout", "rise", "fall", "work"));
        long interval = h.duration("interval", 2_000_000_000L, 1_000_000L, 24 * HOUR);
        long timeout = h.duration("timeout", 1_000_000_000L, 1, 24 * HOUR);
        int rise = h.integer("rise", 2, 1, 1000);
        int fall = h.integer("fall", 3, 1, 1000);
        long work = h.duration("work", 0L, 0, 24 * HOUR);
        HealthCheckConfig checks = HealthCheckConfig.builder().rise(rise).fall(fall).inter(interval).build();
        return new HealthCheckModel(checks, timeout, work);
    }

    // ---- Strategies.

    private List<ScenarioStrategy> strategies(ScenarioSection root) {
        JsonNode v = root.get("strategies");
        List<ScenarioStrategy> out = new ArrayList<>();
        if (v == null || (v.isTextual() && v.asText().trim().equalsIgnoreCase("all"))) {
            for (String n : registry.strategyNames()) {
                out.add(new ScenarioStrategy(n, StrategySpec.of(n)));
            }
            if (out.isEmpty()) {
                throw root.error("strategies", "no strategy is registered");
            }
            return out;
        }
        String allowed = "'all', or a list of strategy names or {name, label, params, wrappers} mappings";
        if (!v.isArray() || v.isEmpty()) {
            throw root.error("strategies", ScenarioSection.show(v) + " is not allowed; " + allowed);
        }
        Set<String> labels = new LinkedHashSet<>();
        for (int i = 0; i < v.size(); i++) {
            String path = "strategies[" + i + "]";
            JsonNode e = v.get(i);
            ScenarioStrategy s;
            if (e.isTextual()) {
                s = new ScenarioStrategy(e.asText().trim(), StrategySpec.of(e.asText().trim()));
            } else if (e.isObject()) {
                ScenarioSection m = ScenarioSection.of(e, path, "a strategy");
                m.allow("a strategy", List.of("name", "label", "params", "wrappers"));
                String name = m.text("name", null, "a strategy name; valid strategies: "
                        + String.join(", ", registry.strategyNames())).trim();
                String label = m.text("label", name, "a label for tables and reports").trim();
                if (label.isEmpty()) {
                    throw m.error("label", "empty; give a label or leave it out (the strategy name)");
                }
                List<StrategySpec.WrapperSpec> wrappers = new ArrayList<>();
                if (m.has("wrappers")) {
                    JsonNode ws = m.list("wrappers", "a list of wrapper names or {name, params} mappings; valid"
                            + " wrappers: " + String.join(", ", registry.wrapperNames()));
                    for (int w = 0; w < ws.size(); w++) {
                        wrappers.add(wrapper(ws.get(w), m.path("wrappers") + "[" + w + "]"));
                    }
                }
                s = new ScenarioStrategy(label, new StrategySpec(name, params(m, "params"), wrappers));
            } else {
                throw new ScenarioException(path + ": " + ScenarioSection.show(e) + " is not allowed; a strategy name"
                        + " or a {name, label, params, wrappers} mapping");
            }
            try {
                registry.create(s.spec(), Environment.virtual(() -> 0L, 0L));
            } catch (IllegalArgumentException ex) {
                throw new ScenarioException(path + ": " + ex.getMessage(), ex);
            }
            if (!labels.add(s.label())) {
                throw new ScenarioException(path + ": the label '" + s.label() + "' is used twice; give each entry"
                        + " its own label");
            }
            out.add(s);
        }
        return out;
    }

    private StrategySpec.WrapperSpec wrapper(JsonNode w, String path) {
        if (w.isTextual()) {
            return new StrategySpec.WrapperSpec(w.asText().trim(), Map.of());
        }
        ScenarioSection m = ScenarioSection.of(w, path, "a wrapper name or a {name, params} mapping");
        m.allow("a wrapper", List.of("name", "params"));
        String name = m.text("name", null, "a wrapper name; valid wrappers: "
                + String.join(", ", registry.wrapperNames())).trim();
        return new StrategySpec.WrapperSpec(name, params(m, "params"));
    }

    /** Parameter values as the registry takes them: numbers, booleans and text, in the order written. */
    private static Map<String, Object> params(ScenarioSection m, String key) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!m.has(key)) {
            return out;
        }
        ScenarioSection p = ScenarioSection.of(m.get(key), m.path(key), "parameters as name: value");
        Iterator<Map.Entry<String, JsonNode>> fields = p.raw().fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode v = f.getValue();
            Object value;
            if (v.isNumber()) {
                value = v.numberValue();
            } else if (v.isBoolean()) {
                value = v.booleanValue();
            } else if (v.isTextual()) {
                value = v.asText();
            } else {
                throw p.error(f.getKey(), ScenarioSection.show(v) + " is not allowed; a single value (number, true"
                        + "/false, text or a duration like 10s)");
            }
            out.put(f.getKey(), value);
        }
        return out;
    }

    // ---- Workload and sweep.

    private WorkloadSpec workload(ScenarioSection root) {
        JsonNode node = root.get("workload");
        if (node == null) {
            throw root.error("workload", "required; a workload with a kind, one of "
                    + String.join(", ", Workloads.kinds()) + " (see scenarios/workloads-example.yaml)");
        }
        if (skipBadLines) {
            node = node.deepCopy();
            skipBadLinesOfTraces(node);
        }
        try {
            return Workloads.parse(node, "workload", baseDir);
        } catch (WorkloadException e) {
            throw new ScenarioException(e.getMessage(), e);
        }
    }

    /** Sets {@code skip-bad-lines: true} on every trace source, however deeply nested in mixtures. */
    static void skipBadLinesOfTraces(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode kind = o.get("kind");
            if (kind != null && kind.isTextual() && kind.asText().trim().equalsIgnoreCase("trace")) {
                o.put("skip-bad-lines", true);
            }
        }
        for (JsonNode child : node) {
            skipBadLinesOfTraces(child);
        }
    }

    private static Sweep sweep(ScenarioSection root, Scenario scenario) {
        if (!root.has("sweep")) {
            return null;
        }
        ScenarioSection s = root.section("sweep", "a sweep like {parameter: load, values: [0.5, 0.7, 0.9]}");
        s.allow("sweep", List.of("parameter", "values"));
        String p = s.choice("parameter", null, List.of("load", "rate-multiplier"));
        Sweep.Parameter parameter = p.equals("load") ? Sweep.Parameter.LOAD : Sweep.Parameter.RATE_MULTIPLIER;
        if (parameter == Sweep.Parameter.LOAD) {
            double rate = scenario.offeredRatePerSecond();
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw s.error("parameter", "load needs a workload with a known mean rate, and '"
                        + scenario.workload().describe() + "' has none (a trace, a one-off burst or a storm); use"
                        + " rate-multiplier");
            }
        }
        JsonNode values = s.list("values", "a list of numbers > 0, like [0.5, 0.7, 0.9]");
        List<Double> out = new ArrayList<>();
        double max = parameter == Sweep.Parameter.LOAD ? 10 : 1e6;
        for (int i = 0; i < values.size(); i++) {
            out.add(ScenarioSection.number(values.get(i), s.path("values") + "[" + i + "]", 0, true, max));
        }
        return new Sweep(parameter, out);
    }
}
