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
import io.sluice.simulator.metrics.LatencySummary;
import io.sluice.simulator.run.Progress;
import io.sluice.simulator.run.RunResult;
import io.sluice.simulator.run.Runner;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import org.HdrHistogram.Histogram;

/**
 * The shared load view for real (issue 14, "the shared-view p99 gain, simulated and real"): several
 * Sluice proxy instances in this JVM in front of the same queueing backends, each with its Kafka
 * control plane on one broker, run with the load view off ({@code kafka.load-view.interval: 0}: each
 * picker sees only its own in-flight requests), on (each sees its own plus its peers' as of their
 * last reports), and one proxy taking all the load (the ideal single balancer), in interleaved
 * rounds, under the same open-model load; then the same system in the simulator, with the view's
 * delivery delay the real runs measured.
 *
 * <h2>The regime, and why</h2>
 * A shared view helps only while it is fresh compared with the backends' latency: the simulator puts
 * the break-even near a delivery delay of half the mean service time (docs/kafka.md). So the
 * defaults make service long and the view fast: backends whose service time is a timer (the
 * {@code emulator} module: {@code --servers} workers per backend and a FIFO queue behind them,
 * exponential service of mean {@code --service-ms}, no CPU spent serving), 16 x 1 worker x 50 ms
 * (capacity 320/s), load 0.85 (272 requests/s: the machine stays mostly idle), view every 25 ms,
 * fresh for 250 ms. Each run records the machine's CPU use ({@code /proc/stat}), this JVM's and the
 * broker's, and the mean age of the peers' reports on arrival, so a CPU-bound run shows as one.
 *
 * <h2>What runs</h2>
 * <ul>
 *   <li>A local KRaft broker ({@link LocalKafkaBroker}) unless {@code --bootstrap-servers}.</li>
 *   <li>{@code --backends} emulated backends as above.</li>
 *   <li>{@code --instances} proxies ({@code workers: 1}, no health checks, the strategy under test),
 *       each with {@code kafka.instance-id} of its own; the view's {@code interval} and
 *       {@code staleness} are {@code --view-interval-ms} and {@code --staleness-ms}.</li>
 *   <li>A Poisson load ({@link PoissonLoad}) at {@code --rate} requests/s (default {@code --load} x
 *       the fleet's capacity, {@code servers x backends / service time}), each request sent to an
 *       instance drawn by {@code --weights} (even by default, as the simulator spreads arrivals).
 *       Latency from the intended send time into an HdrHistogram, so no coordinated omission.</li>
 * </ul>
 * Per round, per strategy, one run per view (local, shared, single), their order rotating between
 * rounds so a drift of the machine does not favour one; each run starts fresh proxies (and with the
 * view on, waits until every instance has applied a peer's report), warms up for {@code --warmup}
 * s and measures for {@code --seconds} s. Before the first round, one run of {@code --jvm-warmup}
 * s, not measured, loads and compiles the code paths.
 *
 * <h2>Output</h2>
 * Per run a line with p50/p99, CPU and the view's age; then per strategy and view the medians over
 * the rounds of p50 and p99, the ratios shared/local and shared/single of the median p99s, the
 * simulator's figures for the same system beside them ({@code --sim-seeds} seeds, 0 to skip),
 * {@code results.json}, and the three scenario files ({@code sim-local.yaml}, {@code sim-shared.yaml},
 * {@code sim-ideal.yaml}) in {@code --out}. The figures need a quiet machine.
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
        /** One proxy taking all the load: the ideal single balancer (unless {@code --no-single}). */
        SINGLE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Options(int instances, int backends, int servers, double serviceMs, double rate, int seconds,
                   int warmup, int rounds, long seed, List<String> strategies, double[] weights,
                   int viewIntervalMs, int stalenessMs, double simDelayMs, boolean single, String bootstrap,
                   Path out, int emulatorThreads, int jvmWarmup, int simSeeds, int rotateMs) {
        static final String USAGE = """
                usage: SharedViewBench [--instances 3] [--backends 16] [--servers 1] [--service-ms 50]
                                       [--load 0.85 | --rate PER_SECOND] [--seconds 20] [--warmup 2] [--rounds 4]
                                       [--seed 1] [--strategies p2c-least-request,least-connections]
                                       [--weights 1,1,1] [--rotate-ms 0] [--view-interval-ms 25] [--staleness-ms 250]
                                       [--sim-delay-ms MEASURED] [--sim-seeds 3] [--no-single]
                                       [--bootstrap-servers HOST:PORT] [--out results/shared-view-bench]
                                       [--emulator-threads 1] [--jvm-warmup 5]""";

        static Options parse(String[] args) {
            int instances = 3;
            int backends = 16;
            int servers = 1;
            double serviceMs = 50;
            double load = 0.85;
            Double rate = null;
            int seconds = 20;
            int warmup = 2;
            int rounds = 4;
            long seed = 1;
            List<String> strategies = List.of("p2c-least-request");
            double[] weights = null;
            int viewInterval = 25;
            int staleness = 250;
            double simDelay = Double.NaN;
            boolean single = true;
            String bootstrap = null;
            Path out = Path.of("results/shared-view-bench");
            int emulatorThreads = 1;
            int jvmWarmup = 5;
            int simSeeds = 3;
            int rotateMs = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--single") || a.equals("--no-single")) {
                    single = a.equals("--single");
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
                    case "--sim-seeds" -> simSeeds = (int) nonNegative(a, v);
                    case "--rotate-ms" -> rotateMs = (int) nonNegative(a, v);
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
                    bootstrap, out, emulatorThreads, jvmWarmup, simSeeds, rotateMs);
        }

        /** Whether every instance gets the same share at every moment, as in the simulator. */
        boolean evenWeights() {
            return rotateMs == 0 && Arrays.stream(weights).allMatch(w -> w == weights[0]);
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

    /**
     * One run: one strategy, one mode, one round, and what it cost: the machine's busy fraction over
     * the run (all cores, {@code /proc/stat}; NaN elsewhere), this JVM's and the broker's CPU time
     * (-1 when unknown), and the summed ages of the peers' reports on arrival.
     */
    record Run(String strategy, Mode mode, int round, PoissonLoad.Result load, long viewApplied, long viewStale,
               long viewAgeMillis, long wallNanos, double machineBusy, long benchCpuNanos, long brokerCpuNanos) {
        double p50Ms() {
            return ms(load.latencyNanos().getValueAtPercentile(50));
        }

        double p99Ms() {
            return ms(load.latencyNanos().getValueAtPercentile(99));
        }

        /** Mean age of the peers' reports on arrival, ms; NaN without any. */
        double viewAgeMs() {
            return viewApplied == 0 ? Double.NaN : (double) viewAgeMillis / viewApplied;
        }

        /** CPU time over wall time, in cores (1.0 = one core busy all along); NaN when unknown. */
        double cores(long cpuNanos) {
            return cpuNanos < 0 ? Double.NaN : (double) cpuNanos / wallNanos;
        }
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
            System.out.printf(Locale.ROOT, "broker %s; %d backends x %d servers x %.1f ms, timers (capacity %.0f/s);"
                            + " %d instances; %.0f requests/s (load %.2f); weights %s; view interval %d ms, staleness"
                            + " %d ms; %d round(s) of %d s (+%d s warm-up) x %s%s%n", bootstrap, o.backends(),
                    o.servers(), o.serviceMs(), o.capacityPerSecond(), o.instances(), o.rate(),
                    o.rate() / o.capacityPerSecond(), Arrays.toString(o.weights()), o.viewIntervalMs(),
                    o.stalenessMs(), o.rounds(), o.seconds(), o.warmup(), modes(o), o.rotateMs() == 0 ? ""
                            : "; the weights move one instance on every " + o.rotateMs() + " ms");
            if (o.jvmWarmup() > 0) {
                // Not measured: loads and compiles the proxy's, the emulator's and the generator's code
                // paths (a first run in a fresh JVM pays seconds of class loading and JIT).
                System.out.printf(Locale.ROOT, "JVM warm-up: %d s with the view on, not measured%n", o.jvmWarmup());
                runOnce(o, bootstrap, broker, emulator, o.strategies().get(0), Mode.SHARED, 0, o.jvmWarmup(), 0);
            }
            for (int round = 1; round <= o.rounds(); round++) {
                for (String strategy : o.strategies()) {
                    List<Mode> order = new ArrayList<>(modes(o));
                    // Rotated each round, so no view always follows another (or always runs first).
                    java.util.Collections.rotate(order, -(round - 1));
                    for (Mode mode : order) {
                        Run r = runOnce(o, bootstrap, broker, emulator, strategy, mode, round, o.warmup(),
                                o.seconds());
                        runs.add(r);
                        PoissonLoad.Result l = r.load();
                        System.out.printf(Locale.ROOT, "round %d %-18s %-6s %6d answered %4d failed  p50 %7.2f ms"
                                        + "  p99 %7.2f ms | CPU: machine %4.1f%%, bench %.2f cores, broker %.2f"
                                        + " | view: applied %d, stale %d, mean age %.1f ms%n", round, strategy,
                                mode.label(), l.answered(), l.failed() + l.unfinished(), r.p50Ms(), r.p99Ms(),
                                100 * r.machineBusy(), r.cores(r.benchCpuNanos()), r.cores(r.brokerCpuNanos()),
                                r.viewApplied(), r.viewStale(), r.viewAgeMs());
                    }
                }
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        double measuredDelay = meanViewAge(runs);
        double simDelay = !Double.isNaN(o.simDelayMs()) ? o.simDelayMs()
                : !Double.isNaN(measuredDelay) ? measuredDelay : 10;
        Map<String, Object> json = report(o, runs);
        Map<Mode, String> scenarios = writeScenarios(o, simDelay);
        if (o.simSeeds() > 0) {
            json.put("simulated", simulate(o, runs, scenarios, simDelay, measuredDelay));
        }
        Path file = o.out().resolve("results.json");
        JSON.writeValue(file.toFile(), json);
        System.out.println("wrote " + file + " and the matching simulator scenarios " + o.out().resolve("sim-*.yaml"));
    }

    private static List<Mode> modes(Options o) {
        return o.single() ? List.of(Mode.LOCAL, Mode.SHARED, Mode.SINGLE) : List.of(Mode.LOCAL, Mode.SHARED);
    }

    private static Run runOnce(Options o, String bootstrap, LocalKafkaBroker broker, Emulator emulator,
                               String strategy, Mode mode, int round, int warmup, int seconds) throws Exception {
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
            long ageBefore = sum(planes, KafkaControlPlane.Counter.VIEW_AGE_MILLIS);
            List<InetSocketAddress> targets = new ArrayList<>();
            for (Proxy p : proxies) {
                targets.add(p.address("web"));
            }
            double[] weights = mode == Mode.SINGLE ? new double[] {1} : o.weights();
            PoissonLoad.Result result;
            long[] machineBefore = MachineCpu.read();
            long benchBefore = benchCpuNanos();
            long brokerBefore = broker == null ? -1 : broker.cpuNanos();
            long wallBefore = System.nanoTime();
            try (PoissonLoad load = new PoissonLoad(targets, weights,
                    mode == Mode.SINGLE ? 0 : TimeUnit.MILLISECONDS.toNanos(o.rotateMs()))) {
                result = load.run(o.rate(), TimeUnit.SECONDS.toNanos(warmup), TimeUnit.SECONDS.toNanos(seconds),
                        TimeUnit.SECONDS.toNanos(30), o.seed() * 1_000 + round);
            }
            long wall = System.nanoTime() - wallBefore;
            long brokerAfter = broker == null ? -1 : broker.cpuNanos();
            long benchAfter = benchCpuNanos();
            return new Run(strategy, mode, round, result,
                    sum(planes, KafkaControlPlane.Counter.VIEW_APPLIED) - appliedBefore,
                    sum(planes, KafkaControlPlane.Counter.VIEW_STALE) - staleBefore,
                    sum(planes, KafkaControlPlane.Counter.VIEW_AGE_MILLIS) - ageBefore, wall,
                    MachineCpu.busy(machineBefore, MachineCpu.read()),
                    benchBefore < 0 || benchAfter < 0 ? -1 : benchAfter - benchBefore,
                    brokerBefore < 0 || brokerAfter < 0 ? -1 : brokerAfter - brokerBefore);
        } finally {
            planes.forEach(KafkaControlPlane::close);
            proxies.forEach(Proxy::close);
        }
    }

    /** This JVM's CPU time (proxies, emulator, load generator together), ns; -1 when unknown. */
    private static long benchCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** The machine's CPU time from the first line of {@code /proc/stat}: busy and total jiffies. */
    static final class MachineCpu {
        private MachineCpu() {
        }

        /** {busy, total}, or null when {@code /proc/stat} cannot be read (not Linux). */
        static long[] read() {
            try {
                String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
                return parse(line);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /**
         * {@code cpu  user nice system idle iowait irq softirq steal ...}: busy is everything but
         * idle and iowait (fields 4 and 5); guest time is already inside user.
         */
        static long[] parse(String line) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].equals("cpu") || f.length < 6) {
                throw new IllegalArgumentException("not the cpu line of /proc/stat: " + line);
            }
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        }

        /** The busy fraction of all cores between two readings; NaN when either is missing. */
        static double busy(long[] before, long[] after) {
            if (before == null || after == null || after[1] <= before[1]) {
                return Double.NaN;
            }
            return (double) (after[0] - before[0]) / (after[1] - before[1]);
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

    /** The mean age on arrival of every applied peer's report over all shared runs, ms; NaN without any. */
    static double meanViewAge(List<Run> runs) {
        long applied = 0;
        long age = 0;
        for (Run r : runs) {
            applied += r.viewApplied();
            age += r.viewAgeMillis();
        }
        return applied == 0 ? Double.NaN : (double) age / applied;
    }

    /** The median of a non-empty list (the mean of the middle two for an even count); NaN when empty. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static List<Run> runsOf(List<Run> runs, String strategy, Mode mode) {
        return runs.stream().filter(r -> r.strategy().equals(strategy) && r.mode() == mode).toList();
    }

    /** Median over the rounds of a run's p99 (ms), NaN without runs. */
    static double medianP99(List<Run> runs, String strategy, Mode mode) {
        return median(runsOf(runs, strategy, mode).stream().map(Run::p99Ms).toList());
    }

    /** Prints the table and returns the JSON document. */
    static Map<String, Object> report(Options o, List<Run> runs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("instances", o.instances());
        settings.put("backends", o.backends());
        settings.put("servers", o.servers());
        settings.put("service-time-ms", o.serviceMs());
        settings.put("service-time-distribution", "exponential, a timer (no CPU)");
        settings.put("rate-per-second", o.rate());
        settings.put("load", o.rate() / o.capacityPerSecond());
        settings.put("weights", o.weights());
        settings.put("rotate-ms", o.rotateMs());
        settings.put("view-interval-ms", o.viewIntervalMs());
        settings.put("staleness-ms", o.stalenessMs());
        settings.put("seconds", o.seconds());
        settings.put("warmup-seconds", o.warmup());
        settings.put("rounds", o.rounds());
        settings.put("seed", o.seed());
        settings.put("latency", "from the intended (Poisson) send time to the answer's last byte; no coordinated"
                + " omission");
        settings.put("figures", "p50 and p99 are medians over the rounds of each round's percentile");
        doc.put("settings", settings);
        List<Map<String, Object>> summary = new ArrayList<>();
        System.out.println();
        System.out.printf(Locale.ROOT, "medians over %d round(s):%n", o.rounds());
        System.out.printf(Locale.ROOT, "%-18s %-6s %9s %6s %8s %8s %17s %8s %8s  %s%n", "strategy", "view", "answered",
                "failed", "p50 ms", "p99 ms", "p99 by round ms", "machine", "view age", "backend share min..max (even = "
                        + String.format(Locale.ROOT, "%.2f%%", 100.0 / o.backends()) + ")");
        for (String strategy : o.strategies()) {
            for (Mode mode : Mode.values()) {
                List<Run> these = runsOf(runs, strategy, mode);
                if (these.isEmpty()) {
                    continue;
                }
                Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
                Map<String, Long> backends = new TreeMap<>();
                long answered = 0;
                long failed = 0;
                for (Run r : these) {
                    h.add(r.load().latencyNanos());
                    r.load().byBackend().forEach((b, n) -> backends.merge(b, n, Long::sum));
                    answered += r.load().answered();
                    failed += r.load().failed() + r.load().unfinished();
                }
                List<Double> p50s = these.stream().map(Run::p50Ms).toList();
                List<Double> p99s = these.stream().map(Run::p99Ms).toList();
                double busy = median(these.stream().map(Run::machineBusy).filter(b -> !Double.isNaN(b)).toList());
                double age = meanViewAge(these);
                double total = backends.values().stream().mapToLong(Long::longValue).sum();
                Map<String, Double> shares = new TreeMap<>();
                backends.forEach((b, n) -> shares.put(b, n / total));
                double min = shares.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
                double max = shares.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
                System.out.printf(Locale.ROOT, "%-18s %-6s %9d %6d %8.2f %8.2f %8.1f..%-8.1f %7.1f%% %8s  %.2f%%..%.2f%%%n",
                        strategy, mode.label(), answered, failed, median(p50s), median(p99s),
                        p99s.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                        p99s.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), 100 * busy,
                        Double.isNaN(age) ? "-" : String.format(Locale.ROOT, "%.1f ms", age), 100 * min, 100 * max);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("strategy", strategy);
                m.put("view", mode.label());
                m.put("runs", these.size());
                m.put("answered", answered);
                m.put("failed", failed);
                m.put("p50-ms-median", median(p50s));
                m.put("p99-ms-median", median(p99s));
                m.put("p50-ms-by-round", p50s);
                m.put("p99-ms-by-round", p99s);
                m.put("p99-ms-merged", ms(h.getValueAtPercentile(99)));
                m.put("p99.9-ms-merged", ms(h.getValueAtPercentile(99.9)));
                m.put("max-ms", ms(h.getMaxValue()));
                m.put("machine-busy-median", busy);
                m.put("view-mean-age-ms", Double.isNaN(age) ? null : age);
                m.put("backend-shares", shares);
                summary.add(m);
            }
            double local = medianP99(runs, strategy, Mode.LOCAL);
            double shared = medianP99(runs, strategy, Mode.SHARED);
            double single = medianP99(runs, strategy, Mode.SINGLE);
            if (!Double.isNaN(local) && !Double.isNaN(shared)) {
                List<Double> byRound = new ArrayList<>();
                for (int round = 1; round <= o.rounds(); round++) {
                    Run l = find(runs, strategy, Mode.LOCAL, round);
                    Run s = find(runs, strategy, Mode.SHARED, round);
                    if (l != null && s != null && l.load().answered() > 0 && s.load().answered() > 0) {
                        byRound.add(s.p99Ms() / l.p99Ms());
                    }
                }
                System.out.printf(Locale.ROOT, "%-18s p99 shared/local %.3f (by round %.3f..%.3f)%s%n", strategy,
                        shared / local, byRound.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                        byRound.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                        Double.isNaN(single) ? "" : String.format(Locale.ROOT, "; shared/single %.3f, local/single %.3f",
                                shared / single, local / single));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("strategy", strategy);
                m.put("p99-shared-over-local", shared / local);
                m.put("p99-shared-over-local-by-round", byRound);
                if (!Double.isNaN(single)) {
                    m.put("p99-shared-over-single", shared / single);
                    m.put("p99-local-over-single", local / single);
                }
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
            m.put("p50-ms", r.p50Ms());
            m.put("p99-ms", r.p99Ms());
            m.put("by-instance", r.load().byTarget());
            m.put("by-backend", r.load().byBackend());
            m.put("view-reports-applied", r.viewApplied());
            m.put("view-reports-stale", r.viewStale());
            m.put("view-mean-age-ms", Double.isNaN(r.viewAgeMs()) ? null : r.viewAgeMs());
            m.put("machine-busy", Double.isNaN(r.machineBusy()) ? null : r.machineBusy());
            m.put("bench-jvm-cores", Double.isNaN(r.cores(r.benchCpuNanos())) ? null : r.cores(r.benchCpuNanos()));
            m.put("broker-cores", Double.isNaN(r.cores(r.brokerCpuNanos())) ? null : r.cores(r.brokerCpuNanos()));
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
     * Runs the three scenarios in the simulator ({@code --sim-seeds} seeds each, one thread) and
     * prints their p50/p99 beside the real medians.
     */
    private static List<Map<String, Object>> simulate(Options o, List<Run> runs, Map<Mode, String> scenarios,
                                                      double simDelay, double measuredDelay) {
        System.out.println();
        System.out.printf(Locale.ROOT, "the simulator on the same system (%d seed(s); view delivery delay exponential,"
                        + " mean %.1f ms, %s)%s:%n", o.simSeeds(), simDelay,
                Double.isNaN(o.simDelayMs()) ? (Double.isNaN(measuredDelay) ? "no shared run measured it: 10 ms"
                        : "the mean age the real runs measured") : "--sim-delay-ms",
                o.evenWeights() ? "" : "; NOTE: the simulator spreads arrivals evenly, the real runs by --weights");
        System.out.printf(Locale.ROOT, "%-18s %-6s %12s %12s %12s %12s%n", "strategy", "view", "sim p50 ms",
                "real p50 ms", "sim p99 ms", "real p99 ms");
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Map<Mode, Double>> simP99 = new LinkedHashMap<>();
        Runner runner = new Runner(1, Progress.NONE);
        for (Mode mode : modes(o)) {
            Scenario s = Scenarios.parse(scenarios.get(mode), "shared-view-bench-" + mode.label(),
                    o.out().resolve(scenarioFile(mode)).toString(), o.out(), Scenarios.Options.defaults())
                    .withSeeds(o.simSeeds());
            for (RunResult r : runner.run(s.runs())) {
                String strategy = r.run().label();
                LatencySummary l = r.result().latency();
                double p50 = l.p50Nanos() / 1e6;
                double p99 = l.p99Nanos() / 1e6;
                simP99.computeIfAbsent(strategy, k -> new LinkedHashMap<>()).put(mode, p99);
                double realP50 = median(runsOf(runs, strategy, mode).stream().map(Run::p50Ms).toList());
                double realP99 = medianP99(runs, strategy, mode);
                System.out.printf(Locale.ROOT, "%-18s %-6s %12.2f %12.2f %12.2f %12.2f%n", strategy, mode.label(), p50,
                        realP50, p99, realP99);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("strategy", strategy);
                m.put("view", mode.label());
                m.put("sim-p50-ms", p50);
                m.put("sim-p99-ms", p99);
                m.put("real-p50-ms-median", realP50);
                m.put("real-p99-ms-median", realP99);
                m.put("sim-delay-ms", simDelay);
                out.add(m);
            }
        }
        simP99.forEach((strategy, byMode) -> {
            Double local = byMode.get(Mode.LOCAL);
            Double shared = byMode.get(Mode.SHARED);
            if (local != null && shared != null) {
                System.out.printf(Locale.ROOT, "%-18s p99 shared/local: simulated %.3f, real %.3f%n", strategy,
                        shared / local, medianP99(runs, strategy, Mode.SHARED) / medianP99(runs, strategy, Mode.LOCAL));
            }
        });
        return out;
    }

    private static String scenarioFile(Mode mode) {
        return "sim-" + (mode == Mode.SINGLE ? "ideal" : mode.label()) + ".yaml";
    }

    /**
     * The same system for the simulator: local view, shared view (the channel's delay an exponential
     * of mean {@code simDelayMs}), and the ideal single balancer. Also written to {@code --out}, to
     * run with {@code ./sluice simulate FILE}.
     */
    static Map<Mode, String> writeScenarios(Options o, double simDelayMs) throws IOException {
        Map<Mode, String> yaml = new java.util.EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            String y = scenarioYaml(o, mode, simDelayMs);
            yaml.put(mode, y);
            Files.writeString(o.out().resolve(scenarioFile(mode)), y, StandardCharsets.UTF_8);
        }
        return yaml;
    }

    static String scenarioYaml(Options o, Mode mode, double simDelayMs) {
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
                    .append(String.format(Locale.ROOT, "%.0fus", simDelayMs * 1000)).append("}\n");
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
