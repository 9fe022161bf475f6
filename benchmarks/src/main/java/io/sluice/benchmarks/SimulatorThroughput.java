package io.sluice.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.engine.Simulation;
import io.sluice.simulator.engine.SimulationConfig;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.WorkloadSpec;
import io.sluice.simulator.workload.Workloads;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * How fast the simulator runs, and in how much memory.
 *
 * <h2>Throughput (the default mode)</h2>
 * One thread, power of two choices over 100 backends (one server each, exponential service with
 * mean 1 ms) at 90% load, Poisson arrivals, no network delay (two events per request: arrival and
 * completion). Reports events and simulated requests per second of thread CPU time and of
 * wall-clock time, per run and the median; the target is at least 12 million events per CPU-second.
 *
 * <p>This is a plain {@code main}, not JMH: one run is seconds long and allocation-free in steady
 * state, so JMH's harness adds nothing but time. The first runs warm the JIT up and are not
 * reported. Usage (after {@code ./mvnw -pl benchmarks -am package -DskipTests}):
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.SimulatorThroughput [virtualSeconds] [runs]
 * </pre>
 * On a shared machine the thread is descheduled part of the time, so CPU time says what the engine
 * costs and wall time what a user waits; the output notes the load average.
 *
 * <p>Where the time went (JFR execution samples with {@code -XX:+DebugNonSafepoints}, about 9.7
 * million events per CPU-second, roughly 205 ns per request): the shared {@code BackendLoad}
 * about a fifth (its atomic in-flight count, its {@code LongAdder}s and the synchronized
 * {@code PeakEwma.observe} with one {@code Math.exp}: about 48 ns per request start and end,
 * where plain single-threaded fields doing the same arithmetic take 9 ns); the event heap about
 * an eighth; the p2c picker under a tenth; the workload's and the service time's exponential
 * draws about 5%; two HdrHistogram records per request about 3%; the rest the engine's
 * bookkeeping, spread thin.
 *
 * <p>Since then the engine creates its load balancers with {@code LoadSignals.singleWriter}: plain
 * fields, no atomics, adders or monitor, every signal a pick reads in the load object itself. A
 * profile of that build (600 samples, on a shared machine) puts the event heap's sift-down at
 * about 18%, the load signals' start and end (the EWMA's {@code Math.exp} included, kept so that
 * results stay byte-identical) at about 9%, the two-choices pick at about 8%, the engine's own
 * bookkeeping (arrival, completion, response, busy-time accounting, slots) at about 35%, the
 * endpoint-to-backend lookup at 3%, the random draws and the workload's arrivals about 6%.
 * Interleaved runs on that machine: this build 9.0 to 11.7 M events per CPU-second where the
 * previous one did 8.4 to 10.2.
 *
 * <h2>Memory ({@code memory synthetic|trace})</h2>
 * One long run that must keep its heap bounded, then events/s, requests/s, the peak resident set
 * ({@code VmHWM} of {@code /proc/self/status}), the largest heap in use at any GC (the sum of the
 * heap pools' peaks) and the largest live heap after a GC. Run each in its own JVM with a small
 * heap to show it fits:
 * <pre>
 *   java -Xmx512m -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.SimulatorThroughput memory synthetic [requests]
 *   java -Xmx512m -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.SimulatorThroughput memory trace [copies]
 * </pre>
 * <ul>
 *   <li>{@code synthetic}: the throughput scenario for {@code requests} requests (default 100
 *       million: 1111 s of virtual time at 90,000/s).</li>
 *   <li>{@code trace}: the CampusIoT EMS trace (shipped in {@code data/traces/campusiot-helium}, 8110 frames of one
 *       device over 201 days) played 1000 times faster and amplified to {@code copies} devices
 *       (default 10,000: 81 million requests over 4.8 hours of virtual time), each copy shifted by
 *       up to 30 minutes of trace time, through p2c-least-request over 100 backends with a 1 ms
 *       mean service time (capacity 100,000/s). The device reports about every 10 minutes when
 *       active (with a 48-day silence), so 10,000 copies at 1000x send about 17,000/s on average
 *       while active and at most 112 frames x 10,000 in 6 h of trace (21.6 s of replay): 52,000/s;
 *       at 10,000x the same fleet would send 170,000/s, an overload whose queues grow without
 *       bound. The trace is on the class path, inside the simulator's jar.</li>
 * </ul>
 * Uses the registered {@code p2c-least-request}; where it is not on the class path (a branch without
 * the strategies) a local two-choices strategy with the same rule stands in, and the output says so.
 */
public final class SimulatorThroughput {
    private SimulatorThroughput() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("memory")) {
            memory(args);
            return;
        }
        double virtualSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmUps = 2;
        SimulationConfig config = config((long) (virtualSeconds * 1e9));
        System.out.println("strategy: " + config.strategyName() + ", 100 backends, rho 0.9, "
                + virtualSeconds + " s virtual per run; load average " + loadAverage());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] cpuRates = new double[runs];
        double[] wallRates = new double[runs];
        for (int i = 0; i < warmUps + runs; i++) {
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            SimulationResult r = Simulation.of(config).run();
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            long requests = r.outcomes().requests();
            System.out.printf(Locale.ROOT, "%s run %d: %,d events, %,d requests; wall %.2f s = %.1f M events/s,"
                            + " %.2f M requests/s; thread CPU %.2f s = %.1f M events/s, %.2f M requests/s;"
                            + " mean latency %.3f ms%n",
                    i < warmUps ? "warm-up" : "measured", i, r.events(), requests, wall, r.events() / wall / 1e6,
                    requests / wall / 1e6, cpu, r.events() / cpu / 1e6, requests / cpu / 1e6,
                    r.latency().meanNanos() / 1e6);
            if (i >= warmUps) {
                cpuRates[i - warmUps] = r.events() / cpu / 1e6;
                wallRates[i - warmUps] = r.events() / wall / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "median of %d: %.1f M events per CPU-second, %.1f M events per wall-clock"
                + " second; load average %s%n", runs, median(cpuRates), median(wallRates), loadAverage());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " (" + Runtime.getRuntime().availableProcessors() + " CPUs)";
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Memory mode.

    private static void memory(String[] args) throws IOException {
        String which = args.length > 1 ? args[1] : "synthetic";
        SimulationConfig config;
        switch (which) {
            case "synthetic" -> {
                long requests = args.length > 2 ? Long.parseLong(args[2]) : 100_000_000L;
                // 90,000 requests a second: the duration that gives that many on average.
                config = config(Math.round(requests / 90_000.0 * 1e9)).toBuilder()
                        .intervalNanos(10_000_000_000L).build();
            }
            case "trace" -> config = traceConfig(args.length > 2 ? Integer.parseInt(args[2]) : 10_000);
            default -> throw new IllegalArgumentException("memory mode: synthetic or trace, got " + which);
        }
        HeapWatch heap = HeapWatch.start();
        System.out.println("memory " + which + ": " + config.describe());
        System.out.println("max heap " + mib(Runtime.getRuntime().maxMemory()) + "; load average " + loadAverage());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        SimulationResult r = Simulation.of(config).run();
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        long requests = r.outcomes().requests();
        System.out.printf(Locale.ROOT, "%,d events, %,d requests, %.0f s virtual, %,d devices; mean latency %.3f ms,"
                        + " p99 %.3f ms%n", r.events(), requests, r.endNanos() / 1e9, r.affinity().devices(),
                r.latency().meanNanos() / 1e6, r.latency().p99Nanos() / 1e6);
        System.out.printf(Locale.ROOT, "wall %.1f s = %.2f M events/s, %.2f M requests/s; thread CPU %.1f s ="
                        + " %.2f M events/s, %.2f M requests/s%n", wall, r.events() / wall / 1e6, requests / wall / 1e6,
                cpu, r.events() / cpu / 1e6, requests / cpu / 1e6);
        System.out.println("peak RSS (VmHWM) " + status("VmHWM") + "; heap: peak in use " + mib(heap.peakUsed())
                + " (sum of the heap pools' peaks), largest live set after a GC " + mib(heap.maxLiveAfterGc())
                + ", " + heap.collections() + " collections; load average " + loadAverage());
    }

    private static SimulationConfig traceConfig(int copies) throws IOException {
        String yaml = "workload:\n"
                + "  kind: trace\n"
                + "  format: campusiot\n"
                + "  path: classpath:data/traces/campusiot-helium/EMS_A81758FFFE04B1C1.ndjson.gz\n"
                + "  speed-up: 1000\n"
                + "  amplify: {copies: " + copies + ", max-shift: 30m}\n";
        WorkloadSpec trace = Workloads.parse(yaml, "trace workload", Path.of(""));
        // 201.43 days / 1000 = 17,403 s of replay, and the last copies come up to 30 min / 1000 later.
        return config(17_410_000_000_000L).toBuilder()
                .workload(trace)
                .intervalNanos(10_000_000_000L)
                .build();
    }

    private static String status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** Heap use as the GCs see it: the pools' peaks, and the live heap after each collection. */
    private static final class HeapWatch {
        private final AtomicLong maxLive = new AtomicLong();
        private final AtomicLong collections = new AtomicLong();

        static HeapWatch start() {
            HeapWatch w = new HeapWatch();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pool.resetPeakUsage();
                }
            }
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener((n, handback) -> w.onGc(n), null, null);
                }
            }
            return w;
        }

        private void onGc(Notification n) {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                    (CompositeData) n.getUserData());
            long live = 0;
            for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (HEAP_POOLS.contains(e.getKey())) {
                    live += e.getValue().getUsed();
                }
            }
            maxLive.accumulateAndGet(live, Math::max);
            collections.incrementAndGet();
        }

        private static final Set<String> HEAP_POOLS = heapPools();

        private static Set<String> heapPools() {
            Set<String> names = new HashSet<>();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    names.add(pool.getName());
                }
            }
            return names;
        }

        long peakUsed() {
            long sum = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    sum += pool.getPeakUsage().getUsed();
                }
            }
            return sum;
        }

        long maxLiveAfterGc() {
            return maxLive.get();
        }

        long collections() {
            return collections.get();
        }
    }

    static SimulationConfig config(long durationNanos) {
        SimulationConfig.Builder b = SimulationConfig.builder()
                .backends(BackendGroup.builder("b", 100).serviceTime(Distribution.exponential(1e6)).build())
                .workload(new Poisson(90_000))
                .durationNanos(durationNanos)
                .intervalNanos(Math.min(1_000_000_000L, durationNanos))
                .seed(1);
        if (StrategyRegistry.standard().strategyNames().contains("p2c-least-request")) {
            b.strategy(StrategySpec.of("p2c-least-request"));
        } else {
            b.strategy("two-choices (local stand-in: p2c-least-request not registered)",
                    SimulatorThroughput::twoChoices);
        }
        return b.build();
    }

    /** Two uniform draws, fewer in flight wins: the rule of p2c-least-request. */
    private static Strategy twoChoices(Environment env) {
        RandomGenerator random = env.random();
        return new Strategy() {
            @Override
            public String name() {
                return "two-choices";
            }

            @Override
            public Picker newPicker(EndpointSet set) {
                List<Endpoint> list = set.available();
                if (list.isEmpty()) {
                    return Picker.NONE;
                }
                Endpoint[] a = list.toArray(new Endpoint[0]);
                return ctx -> {
                    Endpoint x = a[random.nextInt(a.length)];
                    Endpoint y = a[random.nextInt(a.length)];
                    return y.load().inFlight() < x.load().inFlight() ? y : x;
                };
            }
        };
    }

    /** Poisson arrivals without device ids. */
    private static final class Poisson implements WorkloadSpec {
        private final double rate;

        Poisson(double ratePerSecond) {
            this.rate = ratePerSecond;
        }

        @Override
        public ArrivalStream open(long seed, long horizonNanos) {
            SplittableRandom random = new SplittableRandom(seed);
            double meanGap = 1e9 / rate;
            return new ArrivalStream() {
                private double t;

                @Override
                public boolean next(Arrival into) {
                    t += -meanGap * Math.log(1.0 - random.nextDouble());
                    into.timeNanos = (long) t;
                    return into.timeNanos < horizonNanos;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public double meanRatePerSecond() {
            return rate;
        }

        @Override
        public String describe() {
            return "poisson " + rate + "/s";
        }
    }
}
