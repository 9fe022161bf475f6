package io.sluice.cli.validate;

import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.emulator.Emulator;
import io.sluice.simulator.engine.RandomStreams;
import io.sluice.simulator.engine.Simulation;
import io.sluice.simulator.engine.SimulationConfig;
import io.sluice.simulator.metrics.BackendResult;
import io.sluice.simulator.metrics.Fairness;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.ScenarioRun;
import io.sluice.proxy.Proxy;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a scenario both ways for each strategy: in the simulator, calibrated with the measured proxy
 * and loopback delays, and for real (the emulated backends, the real proxy in this JVM with a
 * generated config running that strategy, and the open-model {@link LoadGenerator}).
 *
 * <p>Calibration: a backend that answers at once (constant 0 service) is asked sequentially, first
 * directly (the loopback round trip) then through the proxy (loopback twice plus the proxy's own
 * work). The median round trip through the proxy is the fixed cost every real request pays besides
 * queueing and service, so the simulator gets half of it as its one-way network delay (it draws
 * that delay on the way to the backend and on the way back).
 */
public final class Validation {
    /** Calibration inputs, recorded in the results. */
    public record Calibration(double loopbackRttMedianNanos, double proxyRttMedianNanos, double proxyRttP90Nanos,
                              int samples) {
        public double proxyOverheadNanos() {
            return proxyRttMedianNanos - loopbackRttMedianNanos;
        }

        public double oneWayDelayNanos() {
            return proxyRttMedianNanos / 2;
        }
    }

    /** One side (predicted or measured) of one strategy. */
    public record Side(double p50Ms, double p90Ms, double p99Ms, double meanMs, double errorRate, long requests,
                       Map<String, Double> share, Map<String, Double> utilisation, double jain) {
    }

    /** Both sides of one strategy, with what the real run saw of its own health. */
    public record StrategyResult(String strategy, Side predicted, Side measured, long lateSends, long maxSendLagNanos) {
    }

    /** The whole validation. */
    public record Result(String scenario, String workload, long seed, long durationNanos, long warmUpNanos,
                         double offeredPerSecond, double capacityPerSecond, Calibration calibration,
                         List<StrategyResult> strategies, int cores, String generator) {
    }

    private final PrintWriter log;

    public Validation(PrintWriter log) {
        this.log = log;
    }

    /**
     * @param scenario      the scenario with the strategies to compare and one seed
     * @param durationNanos how long each real run offers load (the simulator runs the same)
     * @param warmUpNanos   arrivals before this are not measured (both sides)
     */
    public Result run(Scenario scenario, long durationNanos, long warmUpNanos, int calibrationSamples)
            throws Exception {
        long seed = scenario.seed();
        LoadGenerator gen = new LoadGenerator();
        Calibration cal = calibrate(gen, calibrationSamples);
        log.printf("calibration: loopback RTT %.0f us, through the proxy %.0f us (overhead %.0f us); simulator"
                        + " one-way delay %.0f us%n", cal.loopbackRttMedianNanos() / 1e3, cal.proxyRttMedianNanos() / 1e3,
                cal.proxyOverheadNanos() / 1e3, cal.oneWayDelayNanos() / 1e3);
        log.flush();
        String header = affinityHeader(scenario);
        List<StrategyResult> out = new ArrayList<>();
        double offered = Double.NaN;
        for (ScenarioRun run : scenario.runs()) {
            SimulationConfig base = run.configs().get(0);
            LoadBalancerModel lb = LoadBalancerModel.builder()
                    .instances(1)
                    .networkDelay(Distribution.constant(cal.oneWayDelayNanos()))
                    .utilisationReportIntervalNanos(scenario.loadBalancer().utilisationReportIntervalNanos())
                    .build();
            SimulationConfig cfg = base.toBuilder().loadBalancer(lb).durationNanos(durationNanos)
                    .warmUpNanos(warmUpNanos).build();
            SimulationResult sim = Simulation.of(cfg).run();
            Side predicted = predicted(sim, scenario);
            Side measured;
            LoadGenerator.Measured m;
            try (Emulator emu = Emulator.start(scenario.backends(), scenario.events(), seed, 0, 1)) {
                ProxyConfig pc = ProxyConfigs.parse(proxyYaml(run, scenario, emu.addresses()),
                        "generated proxy config for " + run.label(), scenario.registry());
                try (Proxy proxy = Proxy.start(pc)) {
                    InetSocketAddress a = proxy.address("validate");
                    URI target = URI.create("http://127.0.0.1:" + a.getPort() + "/work");
                    emu.startEvents();
                    Snapshots snaps = new Snapshots(emu, warmUpNanos, durationNanos);
                    snaps.start();
                    m = gen.run(target, base.workload(), RandomStreams.seed(seed, "workload"), durationNanos,
                            warmUpNanos, header);
                    snaps.join();
                    measured = measured(m, snaps.first, snaps.last, scenario);
                }
            }
            out.add(new StrategyResult(run.label(), predicted, measured, m.lateSendsOver1ms(), m.maxSendLagNanos()));
            offered = scenario.offeredRatePerSecond();
            log.printf("%-22s predicted p50 %7.2f p99 %7.2f ms | measured p50 %7.2f p99 %7.2f ms, %d requests%n",
                    run.label(), predicted.p50Ms(), predicted.p99Ms(), measured.p50Ms(), measured.p99Ms(),
                    measured.requests());
            log.flush();
        }
        return new Result(scenario.name(), scenario.workload().describe(), seed, durationNanos, warmUpNanos, offered,
                scenario.capacityPerSecond(), cal, out, Runtime.getRuntime().availableProcessors(),
                "JDK HttpClient open model, HdrHistogram, latency from the intended send time");
    }

    /**
     * Takes the backends' snapshots at the end of the warm-up and at the end of the offered load, on
     * a timer thread started with the generator (which starts 50 ms after it is called).
     */
    private static final class Snapshots extends Thread {
        private final Emulator emu;
        private final long t0;
        private final long warmUp;
        private final long duration;
        volatile List<Emulator.BackendSnapshot> first;
        volatile List<Emulator.BackendSnapshot> last;

        Snapshots(Emulator emu, long warmUp, long duration) {
            super("validate-snapshots");
            setDaemon(true);
            this.emu = emu;
            this.t0 = System.nanoTime() + 50_000_000L;
            this.warmUp = warmUp;
            this.duration = duration;
        }

        @Override
        public void run() {
            sleepUntil(t0 + warmUp);
            first = emu.snapshot();
            sleepUntil(t0 + duration);
            last = emu.snapshot();
        }
    }

    private static void sleepUntil(long t) {
        long now;
        while ((now = System.nanoTime()) < t) {
            java.util.concurrent.locks.LockSupport.parkNanos(t - now);
        }
    }

    private Calibration calibrate(LoadGenerator gen, int samples) throws Exception {
        List<BackendGroup> one = List.of(BackendGroup.builder("calibration", 1).concurrency(64)
                .serviceTime(Distribution.constant(0)).build());
        try (Emulator emu = Emulator.start(one, List.of(), 1, 0, 1)) {
            InetSocketAddress b = emu.addresses().get("calibration-0");
            String yaml = "access-log: {path: \"off\"}\nworkers: 1\nlisteners:\n  - name: validate\n"
                    + "    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\nclusters:\n  - name: c\n"
                    + "    strategy: round-robin\n    backends:\n      - {id: calibration-0, address: 127.0.0.1:"
                    + b.getPort() + "}\n";
            try (Proxy proxy = Proxy.start(ProxyConfigs.parse(yaml))) {
                URI direct = URI.create("http://127.0.0.1:" + b.getPort() + "/calibrate");
                URI via = URI.create("http://127.0.0.1:" + proxy.address("validate").getPort() + "/calibrate");
                int warm = Math.max(50, samples / 2);
                Histogram[] h = gen.alternatingRtt(direct, via, warm, samples);
                Histogram d = h[0];
                Histogram p = h[1];
                return new Calibration(d.getValueAtPercentile(50), p.getValueAtPercentile(50),
                        p.getValueAtPercentile(90), samples);
            }
        }
    }

    static String affinityHeader(Scenario scenario) {
        AffinityPolicy a = scenario.policy().affinity();
        return a.mode() == AffinityPolicy.Mode.HEADER ? a.name() : null;
    }

    /** The proxy config that runs {@code run}'s strategy over the emulated backends, in config/'s language. */
    static String proxyYaml(ScenarioRun run, Scenario scenario, Map<String, InetSocketAddress> backends) {
        StringBuilder y = new StringBuilder();
        y.append("access-log: {path: \"off\"}\nworkers: 1\nlisteners:\n  - name: validate\n")
                .append("    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\nclusters:\n  - name: c\n")
                .append("    strategy: {name: ").append(run.spec().name()).append("}\n    backends:\n");
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (BackendGroup g : scenario.backends()) {
            for (int i = 0; i < g.count(); i++) {
                weights.put(g.backendId(i), g.weight());
            }
        }
        backends.forEach((id, a) -> y.append("      - {id: ").append(id).append(", address: 127.0.0.1:")
                .append(a.getPort()).append(", weight: ").append(weights.getOrDefault(id, 1)).append("}\n"));
        String header = affinityHeader(scenario);
        if (header != null) {
            y.append("    session-persistence: {mode: header, name: ").append(header).append(", stick-table: ")
                    .append(scenario.policy().affinity().stickTable()).append("}\n");
        }
        return y.toString();
    }

    private static Side predicted(SimulationResult r, Scenario scenario) {
        long total = 0;
        for (BackendResult b : r.backends()) {
            total += b.completed();
        }
        Map<String, Double> share = new LinkedHashMap<>();
        Map<String, Double> util = new LinkedHashMap<>();
        for (BackendResult b : r.backends()) {
            share.put(b.id(), total == 0 ? 0 : (double) b.completed() / total);
            util.put(b.id(), b.utilisation());
        }
        return new Side(r.latency().p50Nanos() / 1e6, r.latency().p90Nanos() / 1e6, r.latency().p99Nanos() / 1e6,
                r.latency().meanNanos() / 1e6, r.outcomes().failureRate(), r.outcomes().requests(), share, util,
                r.fairness().jainIndex());
    }

    private static Side measured(LoadGenerator.Measured m, List<Emulator.BackendSnapshot> from,
                                 List<Emulator.BackendSnapshot> to, Scenario scenario) {
        long total = 0;
        for (long v : m.perBackend().values()) {
            total += v;
        }
        Map<String, Double> share = new LinkedHashMap<>();
        Map<String, Double> util = new LinkedHashMap<>();
        List<BackendResult> br = new ArrayList<>();
        for (int i = 0; i < to.size(); i++) {
            Emulator.BackendSnapshot a = from.get(i);
            Emulator.BackendSnapshot b = to.get(i);
            long n = m.perBackend().getOrDefault(b.id(), 0L);
            double u = (b.busyNanos() - a.busyNanos()) / Math.max(1, b.atNanos() - a.atNanos());
            share.put(b.id(), total == 0 ? 0 : (double) n / total);
            util.put(b.id(), u);
            br.add(new BackendResult(b.id(), n, n, u));
        }
        Histogram h = m.latency();
        boolean any = h.getTotalCount() > 0;
        return new Side(any ? h.getValueAtPercentile(50) / 1e6 : Double.NaN,
                any ? h.getValueAtPercentile(90) / 1e6 : Double.NaN,
                any ? h.getValueAtPercentile(99) / 1e6 : Double.NaN,
                any ? h.getMean() / 1e6 : Double.NaN,
                m.requests() == 0 ? 0 : (double) m.failed() / m.requests(), m.requests(), share, util,
                Fairness.of(br).jainIndex());
    }
}
