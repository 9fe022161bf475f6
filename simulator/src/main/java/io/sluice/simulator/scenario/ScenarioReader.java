package io.sluice.simulator.scenario;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.config.Problems;
import io.sluice.config.policy.PolicyReader;
import io.sluice.config.proxy.ProtectionReader;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.scenario.LoadBalancerSection;
import io.sluice.config.scenario.ScenarioFile;
import io.sluice.config.scenario.SweepSection;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.LoadViewModel;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.workload.WorkloadSpec;
import io.sluice.simulator.workload.Workloads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The validation pass of a scenario: its bound sections ({@link ScenarioFile}) to a {@link Scenario},
 * every problem recorded at its path and line. Each section has its reader: {@link BackendsReader},
 * {@link EventsReader}, {@link StrategiesReader}, the workload's ({@link Workloads#read}), and for
 * the load-balancer tier's policy the config module's {@link PolicyReader}, the one a proxy
 * cluster is read with. Every key is documented in {@code scenarios/scenario-example.yaml}.
 *
 * <p>With a proxy config (the scenario's {@code proxy-config} key, or {@code --proxy-config}), the
 * tier runs that config's cluster: its policy, and its backends matched to the scenario's capacity
 * model ({@link ProxyTier}). The scenario's load-balancer policy keys are then refused, and its
 * {@code strategies} ask "what if this cluster used strategy X, everything else unchanged": each
 * runs beside the config's own, labelled {@value Scenario#CURRENT}.
 */
final class ScenarioReader {
    static final long MAX_DURATION = BackendsReader.MAX_DURATION;
    private static final Range SEED = Range.wholeNumber(Long.MIN_VALUE, Long.MAX_VALUE);
    private static final Range SEEDS = Range.wholeNumber(1, Scenario.MAX_SEEDS);
    private static final Range DURATION = Range.duration(1_000_000L, MAX_DURATION);
    private static final Range ANY_DURATION = Range.duration(0, MAX_DURATION);
    private static final Range INSTANCES = Range.wholeNumber(1, 10_000);
    /** 1 ms to 1 min: the proxy allows 10 ms and up (kafka.load-view.interval); faster channels may be explored here. */
    private static final Range VIEW_INTERVAL = Range.duration(1_000_000L, 60_000_000_000L);
    private static final Range VIEW_STALENESS = Range.duration(1_000_000L, 3_600_000_000_000L);
    private static final Range LOAD = Range.numberAbove(0, 10);
    private static final Range MULTIPLIER = Range.numberAbove(0, 1e6);
    /** A placeholder strategy for the tier's policy; every entry replaces it with its own. */
    private static final StrategySpec PLACEHOLDER = StrategySpec.of("round-robin");

    /**
     * Where the proxy configs a scenario refers to come from.
     *
     * @param reference    resolves the scenario's {@code proxy-config} value to a loader (its file,
     *                     or a resource beside a built-in scenario)
     * @param override     a proxy config given on the command line, or null
     * @param cluster      the cluster to simulate given on the command line, or null
     * @param proposed     a proposed proxy config to compare with, or null
     */
    record ProxySources(Function<String, ProxyConfigSource> reference, ProxyConfigSource override, String cluster,
                        ProxyConfigSource proposed) {
    }

    /** A proxy config to load, and how errors name it. */
    record ProxyConfigSource(String name, java.util.function.Supplier<ProxyConfig> loader) {
    }

    private final Problems problems;
    private final StrategyRegistry registry;
    private final Path baseDir;
    private final boolean skipBadLines;
    private final ProxySources proxies;

    ScenarioReader(Problems problems, StrategyRegistry registry, Path baseDir, boolean skipBadLines,
                   ProxySources proxies) {
        this.problems = problems;
        this.registry = registry;
        this.baseDir = baseDir;
        this.skipBadLines = skipBadLines;
        this.proxies = proxies;
    }

    /** The scenario, or null when it had problems (they are in the problems given). */
    Scenario read(ScenarioFile f, String name, String source, String yaml) {
        String description = problems.text("description", f.description(), "", "one paragraph of text").trim();
        long seed = orZero(problems.wholeNumber("seed", f.seed(), SEED, 1L));
        Integer seedsOrNull = problems.integer("seeds", f.seeds(), SEEDS, Scenario.DEFAULT_SEEDS);
        int seeds = seedsOrNull == null ? Scenario.DEFAULT_SEEDS : seedsOrNull;
        Long durationOrNull = problems.duration("duration", f.duration(), DURATION, null);
        long duration = durationOrNull == null ? 1_000_000_000L : durationOrNull;
        long warmUp = orZero(problems.duration("warm-up", f.warmUp(), ANY_DURATION, 0L));
        long interval = interval(f, duration, warmUp, durationOrNull != null);
        long drain = orZero(problems.duration("drain-limit", f.drainLimit(), ANY_DURATION, 60_000_000_000L));
        String method = requestMethod(f.requestMethod());

        List<BackendsReader.Group> groups = new BackendsReader(problems).read(f.backends());
        List<BackendGroup> backends = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        for (BackendsReader.Group g : groups) {
            backends.addAll(g.parts());
            summary.add(g.summary());
        }
        List<String> ids = new ArrayList<>();
        groups.forEach(g -> ids.addAll(g.ids()));
        List<ScriptedEvent> events = new EventsReader(problems).read(f.events(), ids, idRanges(groups), duration);

        LoadBalancerSection lb = f.loadBalancer();
        LoadBalancerModel model = tier(lb);
        ProxyConfigSource current = proxies.override() != null ? proxies.override()
                : f.proxyConfig() == null ? null : proxies.reference().apply(f.proxyConfig());
        String policySource = null;
        ClusterPolicy policy;
        List<ScenarioStrategy> strategies = new ArrayList<>();
        List<BackendGroup> runBackends = backends;
        if (current == null) {
            if (proxies.proposed() != null) {
                problems.error("", "--compare needs the current proxy config: give --proxy-config, or a scenario"
                        + " with a proxy-config key");
            }
            if (f.proxyCluster() != null) {
                problems.error("proxy-cluster", "names a cluster of a proxy config, and this scenario has no"
                        + " proxy-config");
            }
            policy = lb == null ? ClusterPolicy.of(PLACEHOLDER)
                    : new PolicyReader(problems, registry).policy("load-balancer", PLACEHOLDER, lb.healthCheck(),
                    lb.outlierDetection(), lb.timeouts(), lb.retries(), lb.sessionPersistence(), lb.pickerRefresh(),
                    lb.ewmaDecay(), lb.adaptiveConcurrency());
            if (policy != null) {
                strategies = new StrategiesReader(problems, registry).read(f.strategies(), policy, true, Set.of());
            }
        } else {
            refusePolicyKeys(lb);
            String cluster = proxies.cluster() != null ? proxies.cluster() : f.proxyCluster();
            String refPath = proxies.override() != null ? "" : "proxy-config";
            ProxyConfig.Cluster c = ProxyTier.cluster(problems, refPath, "proxy-cluster", current.loader(), cluster);
            policy = c == null ? null : c.policy();
            List<BackendGroup> matched = c == null ? null : ProxyTier.backends(problems, c, groups, "the proxy config");
            if (c != null) {
                policySource = "proxy config " + current.name() + ", cluster " + c.name();
            }
            if (policy != null && matched != null) {
                runBackends = matched;
                ScenarioStrategy own = new ScenarioStrategy(Scenario.CURRENT, policy, matched);
                if (proxies.proposed() != null) {
                    ProxyConfig.Cluster p = ProxyTier.cluster(problems, "", "proxy-cluster",
                            proxies.proposed().loader(), c.name());
                    List<BackendGroup> proposedBackends = p == null ? null
                            : ProxyTier.backends(problems, p, groups, "the proposed config");
                    if (proposedBackends != null && !sameIds(matched, proposedBackends)) {
                        problems.error("", "the proposed config's cluster '" + c.name() + "' lists other backends"
                                + " than the current one; --compare compares policies over the same backends");
                        proposedBackends = null;
                    }
                    if (p != null && proposedBackends != null) {
                        strategies.add(own);
                        strategies.add(new ScenarioStrategy(Scenario.PROPOSED, p.policy(),
                                inOrderOf(matched, proposedBackends)));
                        policySource += "; compared with " + proxies.proposed().name();
                    }
                } else {
                    strategies.add(own);
                    for (ScenarioStrategy s : new StrategiesReader(problems, registry).read(f.strategies(), policy,
                            false, Set.of(Scenario.CURRENT))) {
                        strategies.add(new ScenarioStrategy(s.label(), s.policy(), matched));
                    }
                }
            }
        }
        WorkloadSpec workload = Workloads.read(problems, "workload", f.workload(), baseDir, skipBadLines);
        Sweep sweep = sweep(f.sweep(), workload);
        ProtectionComparison protection = protectionComparison(f, model, policy);
        if (problems.hasErrors() || policy == null || workload == null) {
            return null;
        }
        return new Scenario(name, description, source, yaml, seed, seeds, duration, warmUp, interval, drain, runBackends,
                summary, model, policy, method, policySource, proxies.proposed() != null, events, workload, strategies,
                sweep, registry, protection);
    }

    /**
     * {@code compare-protection}, checked: it needs something to compare ({@code rate-limits} or
     * {@code adaptive-concurrency}) and is no {@code --compare} of two configs.
     */
    private ProtectionComparison protectionComparison(ScenarioFile f, LoadBalancerModel model, ClusterPolicy policy) {
        if (f.compareProtection() == null && !problems.present("compare-protection")) {
            return null;
        }
        String prefix = f.compareProtection() == null ? null : f.compareProtection().misbehavingDevices();
        if (prefix != null && prefix.isBlank()) {
            problems.error("compare-protection.misbehaving-devices", "empty; a device-id prefix like runaway-");
        }
        if (policy != null && model.rateLimits().isEmpty() && policy.adaptiveConcurrency().isEmpty()
                && !problems.isBad("load-balancer")) {
            problems.error("compare-protection", "there is no protection to compare: give load-balancer.rate-limits"
                    + " or load-balancer.adaptive-concurrency (or the proxy config cluster's adaptive-concurrency)");
        }
        if (proxies.proposed() != null) {
            problems.error("compare-protection", "cannot be combined with --compare; compare one thing at a time");
        }
        return new ProtectionComparison(prefix == null || prefix.isBlank() ? null : prefix);
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    /**
     * The time series' interval. The default is the smaller of 1 s and the duration, cut down to
     * divide the warm-up (warm-up 1500ms: 500ms) so the series starts exactly at the warm-up's end.
     */
    private long interval(ScenarioFile f, long duration, long warmUp, boolean durationKnown) {
        if (!durationKnown) {
            problems.duration("interval", f.interval(), ANY_DURATION, 0L);
            return 1_000_000L;
        }
        if (warmUp >= duration) {
            problems.error("warm-up", "'" + Durations.format(warmUp) + "' is not shorter than the duration "
                    + Durations.format(duration) + "; the warm-up must leave some of the run to measure");
            return 1_000_000L;
        }
        long defaultInterval = gcd(Math.min(1_000_000_000L, duration), warmUp);
        Long interval = problems.duration("interval", f.interval(), Range.duration(1_000_000L, duration),
                defaultInterval);
        if (interval == null) {
            return defaultInterval;
        }
        if (f.interval() == null && (interval < 1_000_000L || duration / interval > 100_000)) {
            problems.error("warm-up", "'" + Durations.format(warmUp) + "' is divided by no interval from 1ms to 1s"
                    + " that keeps the run within 100000 intervals; round the warm-up or set an interval");
            return 1_000_000L;
        }
        if (duration / interval > 100_000) {
            problems.error("interval", "'" + Durations.format(interval) + "' makes more than 100000 intervals in "
                    + Durations.format(duration) + "; use at least " + Durations.format(duration / 100_000));
            return interval;
        }
        if (warmUp % interval != 0) {
            problems.error("warm-up", "'" + Durations.format(warmUp) + "' is not a whole number of intervals ("
                    + Durations.format(interval) + "); the time series starts at the end of the warm-up");
        }
        return interval;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private String requestMethod(String given) {
        String m = problems.text("request-method", given, "POST", "an HTTP method, like GET or POST");
        if (m == null || !AffinityPolicy.isToken(m.trim())) {
            if (m != null) {
                problems.error("request-method", "'" + m + "' is not an HTTP method, like GET or POST");
            }
            return "POST";
        }
        return m.trim().toUpperCase(java.util.Locale.ROOT);
    }

    /** The tier's own model: instances, network delay, utilisation reports. */
    private LoadBalancerModel tier(LoadBalancerSection lb) {
        LoadBalancerModel.Builder b = LoadBalancerModel.builder();
        if (lb == null) {
            problems.value("load-balancer", null, new Object(), "the load-balancer settings");
            return b.build();
        }
        Integer instances = problems.integer("load-balancer.instances", lb.instances(), INSTANCES, 1);
        b.instances(instances == null ? 1 : instances);
        String dp = "load-balancer.network-delay";
        if (lb.networkDelay() != null || problems.isBad(dp)) {
            Distribution d = new BackendsReader(problems).distribution(dp, lb.networkDelay(), true);
            if (d != null) {
                b.networkDelay(d);
            }
        }
        b.utilisationReportIntervalNanos(orZero(problems.duration("load-balancer.utilisation-report-interval",
                lb.utilisationReportInterval(), ANY_DURATION, 0L)));
        b.rateLimits(new ProtectionReader(problems).rateLimits("load-balancer.rate-limits", lb.rateLimits()));
        if (lb.loadView() != null) {
            b.loadView(loadView(lb.loadView()));
        }
        return b.build();
    }

    /** {@code load-balancer.load-view}: interval and staleness in the proxy's ranges (kafka.load-view). */
    private LoadViewModel loadView(LoadBalancerSection.LoadViewSection v) {
        String p = "load-balancer.load-view";
        Long interval = problems.duration(p + ".interval", v.interval(), VIEW_INTERVAL, null);
        Long staleness = problems.duration(p + ".staleness", v.staleness(), VIEW_STALENESS, 1_000_000_000L);
        if (interval != null && staleness != null && staleness <= interval) {
            problems.error(p + ".staleness", "must be longer than load-view.interval ("
                    + io.sluice.algorithms.Durations.format(interval) + "), or every report would be stale before"
                    + " the next; a few intervals is usual");
            staleness = null;
        }
        Distribution delay = Distribution.constant(0);
        if (v.delay() != null || problems.isBad(p + ".delay")) {
            Distribution d = new BackendsReader(problems).distribution(p + ".delay", v.delay(), true);
            if (d != null) {
                delay = d;
            }
        }
        Long lag = problems.duration(p + ".consumer-lag", v.consumerLag(), ANY_DURATION, 0L);
        long outageAt = 0;
        long outage = 0;
        if (v.outage() != null) {
            Long at = problems.duration(p + ".outage.at", v.outage().at(), ANY_DURATION, null);
            Long length = problems.duration(p + ".outage.duration", v.outage().duration(), DURATION, null);
            outageAt = at == null ? 0 : at;
            outage = length == null ? 0 : length;
        }
        if (interval == null || staleness == null || lag == null) {
            return null;
        }
        return new LoadViewModel(interval, staleness, delay, lag, outageAt, outage);
    }

    /** With a proxy config, the policy is the config's: the scenario's own policy keys are errors. */
    private void refusePolicyKeys(LoadBalancerSection lb) {
        if (lb == null) {
            return;
        }
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("timeouts", lb.timeouts());
        keys.put("retries", lb.retries());
        keys.put("health-check", lb.healthCheck());
        keys.put("outlier-detection", lb.outlierDetection());
        keys.put("session-persistence", lb.sessionPersistence());
        keys.put("picker-refresh", lb.pickerRefresh());
        keys.put("ewma-decay", lb.ewmaDecay());
        keys.put("adaptive-concurrency", lb.adaptiveConcurrency());
        keys.forEach((key, value) -> {
            String path = Problems.join("load-balancer", key);
            if (value != null || problems.present(path)) {
                problems.error(path, "comes from the proxy config the tier runs; remove it here (set it in the"
                        + " proxy config's cluster)");
            }
        });
    }

    private static boolean sameIds(List<BackendGroup> a, List<BackendGroup> b) {
        Set<String> x = new LinkedHashSet<>();
        a.forEach(g -> x.add(g.backendId(0)));
        Set<String> y = new LinkedHashSet<>();
        b.forEach(g -> y.add(g.backendId(0)));
        return x.equals(y);
    }

    /** {@code groups} (one backend each) in the order of {@code order}'s ids. */
    private static List<BackendGroup> inOrderOf(List<BackendGroup> order, List<BackendGroup> groups) {
        Map<String, BackendGroup> byId = new LinkedHashMap<>();
        groups.forEach(g -> byId.put(g.backendId(0), g));
        List<BackendGroup> out = new ArrayList<>();
        order.forEach(g -> out.add(byId.get(g.backendId(0))));
        return out;
    }

    /** Backend ids by group, shortened: {@code big-0..big-3, std-0..std-7}. */
    private static String idRanges(List<BackendsReader.Group> groups) {
        List<String> parts = new ArrayList<>();
        for (BackendsReader.Group g : groups) {
            List<String> ids = g.ids();
            if (g.parts().get(0).ids() != null) {
                parts.add(String.join(", ", ids));
            } else {
                parts.add(ids.size() == 1 ? ids.get(0) : ids.get(0) + ".." + ids.get(ids.size() - 1));
            }
        }
        return String.join(", ", parts);
    }

    /** The sweep, or null for none (or after recording its problems); {@code workload} null when it had errors. */
    private Sweep sweep(SweepSection s, WorkloadSpec workload) {
        if (s == null) {
            problems.value("sweep", null, new Object(), "a sweep like {parameter: load, values: [0.5, 0.7, 0.9]}");
            return null;
        }
        String p = problems.choice("sweep.parameter", s.parameter(), List.of("load", "rate-multiplier"), null);
        if (p == null) {
            return null;
        }
        Sweep.Parameter parameter = p.equals("load") ? Sweep.Parameter.LOAD : Sweep.Parameter.RATE_MULTIPLIER;
        if (parameter == Sweep.Parameter.LOAD && workload != null) {
            double rate = workload.meanRatePerSecond();
            if (!(rate > 0) || Double.isInfinite(rate)) {
                problems.error("sweep.parameter", "load needs a workload with a known mean rate, and '"
                        + workload.describe() + "' has none (a trace, a one-off burst or a storm); use"
                        + " rate-multiplier");
                return null;
            }
        }
        String what = "a list of numbers > 0, like [0.5, 0.7, 0.9]";
        List<Double> values = problems.required("sweep.values", s.values(), what);
        if (values == null) {
            return null;
        }
        if (values.isEmpty()) {
            problems.error("sweep.values", "expected a non-empty list, got []; " + what);
            return null;
        }
        List<Double> out = new ArrayList<>();
        Range range = parameter == Sweep.Parameter.LOAD ? LOAD : MULTIPLIER;
        for (int i = 0; i < values.size(); i++) {
            Double v = problems.number(Problems.index("sweep.values", i), values.get(i), range, null);
            if (v != null) {
                out.add(v);
            }
        }
        return out.size() == values.size() ? new Sweep(parameter, out) : null;
    }
}
