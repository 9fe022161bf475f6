package io.sluice.benchmarks;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.LoadSignals;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one {@link Picker#pick} for every registered strategy, over 10, 100 and 1000 healthy
 * backends: average time per pick in nanoseconds, per thread.
 *
 * <p>One picker is built per trial, exactly as the proxy builds it: {@code
 * StrategyRegistry.standard().create(strategy, Environment.system())}, default parameters, then
 * {@code newPicker(EndpointSet.of(...))}. All threads of a run share that picker, so {@code -t 2}
 * measures what contention on its mutable state (a round-robin cursor, in-flight counters) costs;
 * thread counts are separate JMH runs ({@code -t 1}, {@code -t 2}).
 *
 * <p>What a pick sees:
 * <ul>
 *   <li>Weights: {@link #weights} {@code "1"} (the default) gives every backend weight 1, so
 *       weighted strategies may take their equal-weights fast path; {@code "1..10"} cycles the
 *       weights 1, 2, ..., 10, 1, 2, ... over the backends. Pass it with {@code -p weights=1..10}
 *       (JMH accepts any value for a String parameter) for the strategies whose pick depends on
 *       weights.</li>
 *   <li>Load: every backend starts with a fixed pseudo-random in-flight count (0..7), one latency
 *       sample (1..20 ms) and a utilisation report (0..1), seeded, so load-aware strategies compare
 *       real numbers instead of ties. The benchmark only picks; it never starts or ends requests,
 *       so the loads stay put.</li>
 *   <li>Requests: hashing strategies get keyed requests (1024 distinct device ids, hashed once in
 *       setup), every other strategy {@link RequestContext#NONE}. Both are read from the same
 *       pre-built array through a per-thread cursor, so every strategy pays the same small
 *       array-read overhead and no counter is shared between threads.</li>
 * </ul>
 *
 * <p>A strategy that is not registered fails its own trial in setup with a message saying so; JMH
 * reports that combination as failed and goes on with the rest. {@code ./sluice bench algorithms}
 * avoids even that by passing only registered names with {@code -p strategy=...}.
 *
 * <p>Not {@code final}: JMH generates subclasses of benchmark classes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class PickBenchmark {
    /** Strategies whose pick reads {@link RequestContext#keyHash()}; they get keyed requests. */
    static final Set<String> HASHING = Set.of("ring-hash", "maglev", "rendezvous", "jump-hash", "bounded-load");

    /** Number of distinct requests cycled through; a power of two so the index is a mask. */
    private static final int REQUESTS = 1024;
    private static final int REQUEST_MASK = REQUESTS - 1;

    /** Seed of the initial loads, fixed so every run and every strategy sees the same ones. */
    private static final long LOAD_SEED = 0x5EED_1BADL;

    /** A registered strategy name; the default is the canonical list. */
    @Param({
            "round-robin", "weighted-round-robin", "random", "weighted-random", "least-connections",
            "p2c-least-request", "p2c-peak-ewma", "response-time-weighted", "p2c-utilisation", "prequal",
            "join-idle-queue", "ring-hash", "maglev", "rendezvous", "jump-hash", "bounded-load"})
    public String strategy;

    /** Number of healthy backends. */
    @Param({"10", "100", "1000"})
    public int backends;

    /** Backend weights: one number for equal weights, or {@code lo..hi} to cycle lo, lo+1, ..., hi. */
    @Param({"1"})
    public String weights;

    private Picker picker;
    private RequestContext[] requests;

    /** Where each thread is in {@link #requests}; per thread so no counter is shared. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void buildPicker() {
        StrategyRegistry registry = StrategyRegistry.standard();
        if (!registry.strategyNames().contains(strategy)) {
            throw new IllegalStateException("strategy '" + strategy + "' is not registered, skipping it; registered: "
                    + (registry.strategyNames().isEmpty() ? "none" : String.join(", ", registry.strategyNames())));
        }
        Environment env = Environment.system();
        picker = registry.create(strategy, env).newPicker(EndpointSet.of(endpoints(backends, weights, env)));
        requests = requests(HASHING.contains(strategy));
        for (RequestContext r : requests) {
            if (picker.pick(r) == null) {
                // A benchmark of "nothing to pick" would report a fast, meaningless number.
                throw new IllegalStateException("strategy '" + strategy + "' picked nothing from " + backends
                        + " healthy backends");
            }
        }
    }

    @Benchmark
    public Endpoint pick(Cursor cursor) {
        return picker.pick(requests[cursor.next++ & REQUEST_MASK]);
    }

    /** {@code count} healthy endpoints with weights from {@code weightSpec} and seeded loads. */
    static List<Endpoint> endpoints(int count, String weightSpec, Environment env) {
        int[] range = parseWeights(weightSpec);
        int span = range[1] - range[0] + 1;
        SplittableRandom random = new SplittableRandom(LOAD_SEED);
        long now = env.nanoTime();
        // One group of thread-safe loads, as a proxy cluster's load balancer makes them.
        LoadSignals signals = LoadSignals.threadSafe(LoadBalancer.DEFAULT_EWMA_DECAY_NANOS);
        List<Endpoint> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Backend backend = Backend.of("backend-" + i, "10.0." + (i >> 8) + "." + (i & 0xFF) + ":8080",
                    range[0] + i % span);
            BackendLoad load = signals.newLoad(now);
            Endpoint endpoint = Endpoint.of(backend, load, HealthState.HEALTHY, now);
            int inFlight = random.nextInt(8);
            // One latency sample (a request that started and ended), then the requests left in flight.
            load.onRequestStart();
            load.onRequestEnd(now, TimeUnit.MILLISECONDS.toNanos(1 + random.nextInt(20)), true);
            for (int n = inFlight; n > 0; n--) {
                load.onRequestStart();
            }
            load.reportUtilisation(random.nextDouble(), now);
            list.add(endpoint);
        }
        return list;
    }

    /**
     * Parses {@code "w"} into {w, w} and {@code "lo..hi"} into {lo, hi}.
     *
     * @throws IllegalArgumentException unless 1 &lt;= lo &lt;= hi
     */
    static int[] parseWeights(String spec) {
        String[] parts = spec.trim().split("\\.\\.", -1);
        try {
            int lo = Integer.parseInt(parts[0].trim());
            int hi = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : lo;
            if (parts.length <= 2 && lo >= 1 && hi >= lo) {
                return new int[] {lo, hi};
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed forms
        }
        throw new IllegalArgumentException("weights must be an integer >= 1 or a range lo..hi with 1 <= lo <= hi,"
                + " got '" + spec + "'");
    }

    /** {@value #REQUESTS} requests: keyed by distinct device ids for hashing strategies, else all NONE. */
    static RequestContext[] requests(boolean keyed) {
        RequestContext[] array = new RequestContext[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            array[i] = keyed ? RequestContext.ofKey("device-" + i) : RequestContext.NONE;
        }
        return array;
    }
}
