package io.sluice.benchmarks.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.emulator.Emulator;
import io.sluice.proxy.Proxy;
import io.sluice.proxy.kafka.KafkaControlPlane;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The shared load view for real (issue 14, "the shared-view p99 gain, simulated and real"): several
 * Sluice proxy instances in this JVM in front of the same queueing backends, each with its Kafka
 * control plane on one broker, run with the load view off ({@code kafka.load-view.interval: 0}: each
 * picker sees only its own in-flight requests) and on (each sees its own plus its peers' as of their
 * last reports), in interleaved rounds, under the same open-model load.
 *
 * <h2>What runs</h2>
 * <ul>
 *   <li>A local KRaft broker ({@link LocalKafkaBroker}) unless {@code --bootstrap-servers}.</li>
 *   <li>{@code --backends} emulated backends (the {@code emulator} module: the simulator's backend
 *       model as Netty HTTP servers), each {@code --servers} concurrent servers with exponential
 *       service times of mean {@code --service-ms} and an unbounded FIFO queue: the built-in
 *       scenario {@code shared-load-view}'s backends (16 x 2 servers x 10 ms).</li>
 *   <li>{@code --instances} proxies ({@code workers: 1}, no health checks, the strategy under test),
 *       each with {@code kafka.instance-id} of its own; the view's {@code interval} and
 *       {@code staleness} are {@code --view-interval-ms} and {@code --staleness-ms} (the scenario's
 *       10 ms and 100 ms).</li>
 *   <li>A Poisson load ({@link PoissonLoad}) at {@code --rate} requests/s (default
 *       {@code --load} x the fleet's capacity, {@code servers x backends / service time}: the
 *       scenario's load 0.9 is 2,880/s), each request sent to an instance drawn by
 *       {@code --weights} (even by default, as the simulator spreads arrivals). Latency from the
 *       intended send time into an HdrHistogram, so no coordinated omission.</li>
 * </ul>
 * Per round, per strategy, one run with the view off and one with it on, their order alternating
 * between rounds so a drift of the machine does not favour one; each run starts fresh proxies (and
 * with the view on, waits until every instance has applied a peer's report), warms up for
 * {@code --warmup} s and measures for {@code --seconds} s. Before the first round, one run of
 * {@code --jvm-warmup} s, not measured, loads and compiles the code paths.
 *
 * <h2>Output</h2>
 * A table of p50/p99/p99.9 and the backends' shares per strategy and view, the ratio shared/local of
 * the p99 (merged over the rounds, and its range over the rounds), {@code results.json}, and three
 * scenario files with the same parameters for the simulator ({@code sim-local.yaml},
 * {@code sim-shared.yaml}, {@code sim-ideal.yaml}) in {@code --out}. docs/kafka.md says how to read
 * the one against the other. The figures need a quiet machine.
 */
public final class SharedViewBench {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SharedViewBench() {
    }

    /** A view setting under test. */
    enum Mode {
        /** {@code --instances} proxies, load view off. */
        LOCAL,
        /** {@code --instances} proxies sharing the load view. */
        SHARED,
        /** One proxy taking all the load: the ideal single balancer (with {@code --single}). */
        SINGLE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Options(int instances, int backends, int servers, double serviceMs, double rate, int seconds,
                   int warmup, int rounds, long seed, List<String> strategies, double[] weights,
                   int viewIntervalMs, int stalenessMs, double simDelayMs, boolean single, String bootstrap,
                   Path out, int emulatorThreads, int jvmWarmup) {
        static final String USAGE = """
                usage: SharedViewBench [--instances 3] [--backends 16] [--servers 2] [--service-ms 10]
                                       [--load 0.9 | --rate PER_SECOND] [--seconds 20] [--warmup 2] [--rounds 3]
                                       [--seed 1] [--strategies p2c-least-request,least-connections]
                                       [--weights 1,1,1] [--view-interval-ms 10] [--staleness-ms 100]
                                       [--sim-delay-ms 10] [--single] [--bootstrap-servers HOST:PORT]
                                       [--out results/shared-view-bench] [--emulator-threads 1]
                                       [--jvm-warmup 10]""";

        static Options parse(String[] args) {
            int instances = 3;
            int backends = 16;
            int servers = 2;
            double serviceMs = 10;
            double load = 0.9;
            Double rate = null;
            int seconds = 20;
            int warmup = 2;
            int rounds = 3;
            long seed = 1;
            List<String> strategies = List.of("p2c-least-request");
            double[] weights = null;
            int viewInterval = 10;
            int staleness = 100;
            double simDelay = 10;
            boolean single = false;
            String bootstrap = null;
            Path out = Path.of("results/shared-view-bench");
            int emulatorThreads = 1;
            int jvmWarmup = 10;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--single")) {
                    single = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("'" + a + "' needs a value\n" + USAGE);
                }
                String v = args[++i];
                switch (a) {
                    case "--instances" -> instances = (int) positive(a, v);
                    case "--backends" -> backends = (int) positive(a, v);
                    case "--servers" -> servers = (int) positive(a, v);
                    case "--service-ms" -> serviceMs = positive(a, v);
                    case "--load" -> load = positive(a, v);
                    case "--rate" -> rate = positive(a, v);
                    case "--seconds" -> seconds = (int) positive(a, v);
                    case "--warmup" -> warmup = (int) nonNegative(a, v);
                    case "--rounds" -> rounds = (int) positive(a, v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--strategies" -> strategies = List.of(v.split(","));
                    case "--weights" -> weights = Arrays.stream(v.split(",")).mapToDouble(w -> positive(a, w))
                            .toArray();
                    case "--view-interval-ms" -> viewInterval = (int) positive(a, v);
                    case "--staleness-ms" -> staleness = (int) positive(a, v);
                    case "--sim-delay-ms" -> simDelay = nonNegative(a, v);
                    case "--bootstrap-servers" -> bootstrap = v;
                    case "--out" -> out = Path.of(v);
                    case "--emulator-threads" -> emulatorThreads = (int) positive(a, v);
                    case "--jvm-warmup" -> jvmWarmup = (int) nonNegative(a, v);
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
                }
            }
            if (instances < 2) {
                throw new IllegalArgumentException("--instances must be >= 2 (a view needs peers), got " + instances);
            }
            if (viewInterval < 10) {
                throw new IllegalArgumentException("--view-interval-ms must be >= 10 (kafka.load-view.interval's"
                        + " minimum), got " + viewInterval);
            }
            if (staleness <= viewInterval) {
                throw new IllegalArgumentException("--staleness-ms must be longer than --view-interval-ms ("
                        + viewInterval + "), got " + staleness);
            }
            if (weights == null) {
                weights = new double[instances];
                Arrays.fill(weights, 1);
            } else if (weights.length != instances) {
                throw new IllegalArgumentException("--weights needs one weight per instance (" + instances
                        + "), got " + weights.length);
            }
            double capacity = servers * backends * 1000.0 / serviceMs;
            return new Options(instances, backends, servers, serviceMs, rate != null ? rate : Math.round(load * capacity),
                    seconds, warmup, rounds, seed, strategies, weights, viewInterval, staleness, simDelay, single,
                    bootstrap, out, emulatorThreads, jvmWarmup);
        }

        double capacityPerSecond() {
            return servers * backends * 1000.0 / serviceMs;
        }

        private static double positive(String option, String value) {
            double v = number(option, value);
            if (!(v > 0)) {
                throw new IllegalArgumentException(option + " must be > 0, got '" + value + "'");
            }
            return v;
        }

        private static double nonNegative(String option, String value) {
            double v = number(option, value);
            if (!(v >= 0)) {
                throw new IllegalArgumentException(option + " must be >= 0, got '" + value + "'");
            }
            return v;
        }

        private static double number(String option, String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a number, got '" + value + "'");
            }
        }
    }

    /** One run: one strategy, one mode, one round. */
    record Run(String strategy, Mode mode, int round, PoissonLoad.Result load, long viewApplied, long viewStale) {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(o.out());
        LocalKafkaBroker broker = null;
        String bootstrap = o.bootstrap();
        if (bootstrap == null) {
            Path dir = Files.createTempDirectory("sluice-shared-view-kafka-");
            System.out.println("starting a local KRaft broker in " + dir + " ...");
            broker = LocalKafkaBroker.start(dir);
            bootstrap = broker.bootstrapServers();
        }
        BackendGroup group = BackendGroup.builder("api", o.backends()).concurrency(o.servers())
                .serviceTime(Distribution.exponential(o.serviceMs() * 1e6)).build();
        List<Run> runs = new ArrayList<>();
        try (Emulator emulator = Emulator.start(List.of(group), List.of(), o.seed(), 0, o.emulatorThreads())) {
            System.out.printf(Locale.ROOT, "broker %s; %d backends x %d servers x %.1f ms (capacity %.0f/s); %d"
                            + " instances; %.0f requests/s (load %.2f); weights %s; view interval %d ms, staleness"
                            + " %d ms; %d round(s) of %d s (+%d s warm-up)%n", bootstrap, o.backends(), o.servers(),
                    o.serviceMs(), o.capacityPerSecond(), o.instances(), o.rate(), o.rate() / o.capacityPerSecond(),
                    Arrays.toString(o.weights()), o.viewIntervalMs(), o.stalenessMs(), o.rounds(), o.seconds(),
                    o.warmup());
            if (o.jvmWarmup() > 0) {
                // Not measured: loads and compiles the proxy's, the emulator's and the generator's code
                // paths (a first run in a fresh JVM pays seconds of class loading and JIT).
                System.out.printf(Locale.ROOT, "JVM warm-up: %d s with the view on, not measured%n", o.jvmWarmup());
                runOnce(o, bootstrap, emulator, o.strategies().get(0), Mode.SHARED, 0, o.jvmWarmup(), 0);
            }
            for (int round = 1; round <= o.rounds(); round++) {
                for (String strategy : o.strategies()) {
                    List<Mode> order = new ArrayList<>(round % 2 == 1 ? List.of(Mode.LOCAL, Mode.SHARED)
                            : List.of(Mode.SHARED, Mode.LOCAL));
                    if (o.single()) {
                        order.add(Mode.SINGLE);
                    }
                    for (Mode mode : order) {
                        Run r = runOnce(o, bootstrap, emulator, strategy, mode, round, o.warmup(), o.seconds());
                        runs.add(r);
                        PoissonLoad.Result l = r.load();
                        System.out.printf(Locale.ROOT, "round %d %-20s %-6s %7d answered %5d failed  p50 %7.2f ms"
                                        + "  p99 %7.2f ms  peers' reports applied %d, stale %d%n", round,
                                strategy, mode.label(), l.answered(), l.failed() + l.unfinished(),
                                ms(l.latencyNanos().getValueAtPercentile(50)),
                                ms(l.latencyNanos().getValueAtPercentile(99)), r.viewApplied(), r.viewStale());
                    }
                }
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        Map<String, Object> json = report(o, runs);
        writeScenarios(o);
        Path file = o.out().resolve("results.json");
        JSON.writeValue(file.toFile(), json);
        System.out.println("wrote " + file + " and the matching simulator scenarios " + o.out().resolve("sim-*.yaml"));
    }

    private static Run runOnce(Options o, String bootstrap, Emulator emulator, String strategy, Mode mode,
                               int round, int warmup, int seconds) throws Exception {
        int instances = mode == Mode.SINGLE ? 1 : o.instances();
        List<Proxy> proxies = new ArrayList<>();
        List<KafkaControlPlane> planes = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                ProxyConfig config = ProxyConfigs.parse(proxyYaml(o, bootstrap, emulator, strategy, mode,
                        "bench-" + mode.label() + "-r" + round + "-" + strategy + "-" + i));
                Proxy p = Proxy.start(config);
                proxies.add(p);
                planes.add(KafkaControlPlane.start(p, config));
            }
            if (mode == Mode.SHARED) {
                awaitView(planes);
            }
            long appliedBefore = sum(planes, KafkaControlPlane.Counter.VIEW_APPLIED);
            long staleBefore = sum(planes, KafkaControlPlane.Counter.VIEW_STALE);
            List<InetSocketAddress> targets = new ArrayList<>();
            for (Proxy p : proxies) {
                targets.add(p.address("web"));
            }
            double[] weights = mode == Mode.SINGLE ? new double[] {1} : o.weights();
            PoissonLoad.Result result;
            try (PoissonLoad load = new PoissonLoad(targets, weights)) {
                result = load.run(o.rate(), TimeUnit.SECONDS.toNanos(warmup), TimeUnit.SECONDS.toNanos(seconds),
                        TimeUnit.SECONDS.toNanos(30), o.seed() * 1_000 + round);
            }
            return new Run(strategy, mode, round, result,
                    sum(planes, KafkaControlPlane.Counter.VIEW_APPLIED) - appliedBefore,
                    sum(planes, KafkaControlPlane.Counter.VIEW_STALE) - staleBefore);
        } finally {
            planes.forEach(KafkaControlPlane::close);
            proxies.forEach(Proxy::close);
        }
    }

    static String proxyYaml(Options o, String bootstrap, Emulator emulator, String strategy, Mode mode,
                            String instanceId) {
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 1\n"
                + "admin: { listen: 127.0.0.1:0 }\n"
                + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: api\n"
                + "clusters:\n  - name: api\n    strategy: " + strategy + "\n    health-check: { type: none }\n"
                + "    backends:\n");
        emulator.addresses().forEach((id, a) -> y.append("      - { id: ").append(id).append(", address: 127.0.0.1:")
                .append(a.getPort()).append(" }\n"));
        y.append("kafka:\n  bootstrap-servers: ").append(bootstrap).append("\n  instance-id: ").append(instanceId)
                .append("\n  load-view: { interval: ").append(mode == Mode.SHARED ? o.viewIntervalMs() + "ms" : "0")
                .append(", staleness: ").append(o.stalenessMs()).append("ms }\n  metrics-interval: 10s\n");
        return y.toString();
    }

    /** Until every instance has taken a peer's report into its view (its consumer is at the topic's end). */
    private static void awaitView(List<KafkaControlPlane> planes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (KafkaControlPlane cp : planes) {
            while (cp.count(KafkaControlPlane.Counter.VIEW_APPLIED) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("an instance applied no peer's load-view report within 60 s");
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private static long sum(List<KafkaControlPlane> planes, KafkaControlPlane.Counter c) {
        long s = 0;
        for (KafkaControlPlane cp : planes) {
            s += cp.count(c);
        }
        return s;
    }

    /** Prints the table and returns the JSON document. */
    static Map<String, Object> report(Options o, List<Run> runs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("instances", o.instances());
        settings.put("backends", o.backends());
        settings.put("servers", o.servers());
        settings.put("service-time-ms", o.serviceMs());
        settings.put("service-time-distribution", "exponential");
        settings.put("rate-per-second", o.rate());
        settings.put("load", o.rate() / o.capacityPerSecond());
        settings.put("weights", o.weights());
        settings.put("view-interval-ms", o.viewIntervalMs());
        settings.put("staleness-ms", o.stalenessMs());
        settings.put("seconds", o.seconds());
        settings.put("warmup-seconds", o.warmup());
        settings.put("rounds", o.rounds());
        settings.put("seed", o.seed());
        settings.put("latency", "from the intended (Poisson) send time to the answer's last byte; no coordinated"
                + " omission");
        doc.put("settings", settings);
        List<Map<String, Object>> summary = new ArrayList<>();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-20s %-6s %9s %7s %9s %9s %9s %9s  %s%n", "strategy", "view", "answered",
                "failed", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "backend share min..max (even = "
                        + String.format(Locale.ROOT, "%.2f%%", 100.0 / o.backends()) + ")");
        for (String strategy : o.strategies()) {
            Map<Mode, Histogram> merged = new LinkedHashMap<>();
            for (Mode mode : Mode.values()) {
                List<Run> these = runs.stream().filter(r -> r.strategy().equals(strategy) && r.mode() == mode).toList();
                if (these.isEmpty()) {
                    continue;
                }
                Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
                Map<String, Long> backends = new TreeMap<>();
                long answered = 0;
                long failed = 0;
                List<Double> p99s = new ArrayList<>();
                List<Long> viewApplied = new ArrayList<>();
                for (Run r : these) {
                    h.add(r.load().latencyNanos());
                    r.load().byBackend().forEach((b, n) -> backends.merge(b, n, Long::sum));
                    answered += r.load().answered();
                    failed += r.load().failed() + r.load().unfinished();
                    p99s.add(ms(r.load().latencyNanos().getValueAtPercentile(99)));
                    viewApplied.add(r.viewApplied());
                }
                merged.put(mode, h);
                double total = backends.values().stream().mapToLong(Long::longValue).sum();
                Map<String, Double> shares = new TreeMap<>();
                backends.forEach((b, n) -> shares.put(b, n / total));
                double min = shares.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
                double max = shares.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
                System.out.printf(Locale.ROOT, "%-20s %-6s %9d %7d %9.2f %9.2f %9.2f %9.2f  %.2f%%..%.2f%%%n",
                        strategy, mode.label(), answered, failed, ms(h.getValueAtPercentile(50)),
                        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
                        100 * min, 100 * max);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("strategy", strategy);
                m.put("view", mode.label());
                m.put("runs", these.size());
                m.put("answered", answered);
                m.put("failed", failed);
                m.put("p50-ms", ms(h.getValueAtPercentile(50)));
                m.put("p90-ms", ms(h.getValueAtPercentile(90)));
                m.put("p99-ms", ms(h.getValueAtPercentile(99)));
                m.put("p99.9-ms", ms(h.getValueAtPercentile(99.9)));
                m.put("max-ms", ms(h.getMaxValue()));
                m.put("p99-ms-by-round", p99s);
                m.put("view-reports-applied-by-round", viewApplied);
                m.put("backend-shares", shares);
                summary.add(m);
            }
            Histogram local = merged.get(Mode.LOCAL);
            Histogram shared = merged.get(Mode.SHARED);
            if (local != null && shared != null && local.getTotalCount() > 0 && shared.getTotalCount() > 0) {
                double ratio = (double) shared.getValueAtPercentile(99) / local.getValueAtPercentile(99);
                List<Double> byRound = new ArrayList<>();
                for (int round = 1; round <= o.rounds(); round++) {
                    Run l = find(runs, strategy, Mode.LOCAL, round);
                    Run s = find(runs, strategy, Mode.SHARED, round);
                    if (l != null && s != null && l.load().answered() > 0 && s.load().answered() > 0) {
                        byRound.add((double) s.load().latencyNanos().getValueAtPercentile(99)
                                / l.load().latencyNanos().getValueAtPercentile(99));
                    }
                }
                double lo = byRound.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
                double hi = byRound.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
                System.out.printf(Locale.ROOT, "%-20s p99 shared/local %.3f (by round %.3f..%.3f)%n", strategy,
                        ratio, lo, hi);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("strategy", strategy);
                m.put("p99-shared-over-local", ratio);
                m.put("p99-shared-over-local-by-round", byRound);
                summary.add(m);
            }
        }
        doc.put("summary", summary);
        List<Map<String, Object>> all = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("strategy", r.strategy());
            m.put("view", r.mode().label());
            m.put("round", r.round());
            m.put("sent", r.load().sent());
            m.put("answered", r.load().answered());
            m.put("failed", r.load().failed());
            m.put("unfinished", r.load().unfinished());
            m.put("p50-ms", ms(r.load().latencyNanos().getValueAtPercentile(50)));
            m.put("p99-ms", ms(r.load().latencyNanos().getValueAtPercentile(99)));
            m.put("by-instance", r.load().byTarget());
            m.put("view-reports-applied", r.viewApplied());
            m.put("view-reports-stale", r.viewStale());
            all.add(m);
        }
        doc.put("runs", all);
        return doc;
    }

    private static Run find(List<Run> runs, String strategy, Mode mode, int round) {
        for (Run r : runs) {
            if (r.strategy().equals(strategy) && r.mode() == mode && r.round() == round) {
                return r;
            }
        }
        return null;
    }

    /**
     * The same system for the simulator: local view, shared view (the channel's delay an exponential
     * of mean {@code --sim-delay-ms}: set it to the real control plane's, see ControlPlaneLatency),
     * and the ideal single balancer. Run with {@code ./sluice simulate FILE}.
     */
    static void writeScenarios(Options o) throws IOException {
        for (Mode mode : Mode.values()) {
            Files.writeString(o.out().resolve("sim-" + (mode == Mode.SINGLE ? "ideal" : mode.label()) + ".yaml"),
                    scenarioYaml(o, mode), StandardCharsets.UTF_8);
        }
    }

    static String scenarioYaml(Options o, Mode mode) {
        StringBuilder y = new StringBuilder();
        y.append("# Written by SharedViewBench: the simulator's twin of its ").append(mode.label())
                .append(" runs (docs/kafka.md).\n");
        y.append("description: SharedViewBench's system in the simulator, view ").append(mode.label()).append('\n');
        y.append("seed: ").append(o.seed()).append('\n');
        y.append("duration: ").append(o.warmup() + (long) o.seconds() * o.rounds()).append("s\n");
        y.append("warm-up: ").append(o.warmup()).append("s\n");
        y.append("backends:\n  - name: api\n    count: ").append(o.backends()).append("\n    servers: ")
                .append(o.servers()).append("\n    service-time: {distribution: exponential, mean: ")
                .append(num(o.serviceMs())).append("ms}\n");
        y.append("load-balancer:\n  instances: ").append(mode == Mode.SINGLE ? 1 : o.instances()).append('\n');
        y.append("  network-delay: {distribution: exponential, mean: 100us}\n");
        if (mode == Mode.SHARED) {
            y.append("  load-view:\n    interval: ").append(o.viewIntervalMs()).append("ms\n    staleness: ")
                    .append(o.stalenessMs()).append("ms\n    delay: {distribution: exponential, mean: ")
                    .append(num(o.simDelayMs())).append("ms}\n");
        }
        y.append("strategies:\n");
        for (String s : o.strategies()) {
            y.append("  - ").append(s).append('\n');
        }
        y.append("workload:\n  kind: poisson\n  rate: ").append(num(o.rate())).append("/s\n  devices: 5000\n");
        return y.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
