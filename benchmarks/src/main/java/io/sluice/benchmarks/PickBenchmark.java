package io.sluice.benchmarks;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.LoadSignals;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.Tried;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * backends: average time per pick in nanoseconds, per thread; and of a retry's pick,
 * {@link Picker#pick(RequestContext, Tried)} with the backend the first pick chose excluded
 * ({@link #retry}).
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
 * <p>A strategy may carry parameters in brackets, separated by semicolons (JMH splits parameter
 * lists on commas): {@code -p strategy=p2c-peak-ewma[sampling=uniform]} measures the uniform
 * variant; its row in the summary is labelled so.
 *
 * <p>Retries: {@link #retry} excludes, for each request, the backend {@link #pick} gave it when the
 * trial was set up, so hashing strategies walk on from the key's own backend as a real retry does.
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
    static final int REQUESTS = 1024;

    /** Seed of the initial loads, fixed so every run and every strategy sees the same ones. */
    private static final long LOAD_SEED = 0x5EED_1BADL;

    /** A registered strategy name; the default is the canonical list. */
    @Param({
            "round-robin", "weighted-round-robin", "random", "weighted-random", "least-connections",
            "p2c-least-request", "p2c-peak-ewma", "response-time-weighted", "p2c-utilisation", "prequal",
            "join-idle-queue", "ring-hash", "maglev", "rendezvous", "jump-hash", "bounded-load"})
    public String strategy;

    /**
     * Distinct keys cycled through by hashing strategies, a power of two: 1024 by default (a fleet
     * of devices that report again and again, which rendezvous answers from its cache); a million
     * ({@code -p keys=1048576}) makes almost every rendezvous pick a miss, the cost of a new key.
     */
    @Param({"1024"})
    public int keys;

    /** Number of healthy backends. */
    @Param({"10", "100", "1000"})
    public int backends;

    /** Backend weights: one number for equal weights, or {@code lo..hi} to cycle lo, lo+1, ..., hi. */
    @Param({"1"})
    public String weights;

    private Picker picker;
    private RequestContext[] requests;
    private Tried[] tried;
    private int mask;

    /** Where each thread is in {@link #requests}; per thread so no counter is shared. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void buildPicker() {
        StrategyRegistry registry = StrategyRegistry.standard();
        StrategySpec spec = spec(strategy);
        if (!registry.strategyNames().contains(spec.name())) {
            throw new IllegalStateException("strategy '" + spec.name() + "' is not registered, skipping it; registered: "
                    + (registry.strategyNames().isEmpty() ? "none" : String.join(", ", registry.strategyNames())));
        }
        Environment env = Environment.system();
        picker = registry.create(spec, env).newPicker(EndpointSet.of(endpoints(backends, weights, env)));
        if (keys < 1 || Integer.bitCount(keys) != 1) {
            throw new IllegalArgumentException("keys must be a power of two, got " + keys);
        }
        requests = requests(HASHING.contains(spec.name()), keys);
        mask = requests.length - 1;
        tried = new Tried[requests.length];
        for (int i = 0; i < requests.length; i++) {
            Endpoint first = picker.pick(requests[i]);
            if (first == null) {
                // A benchmark of "nothing to pick" would report a fast, meaningless number.
                throw new IllegalStateException("strategy '" + strategy + "' picked nothing from " + backends
                        + " healthy backends");
            }
            tried[i] = Tried.of(first);
        }
    }

    @Benchmark
    public Endpoint pick(Cursor cursor) {
        return picker.pick(requests[cursor.next++ & mask]);
    }

    /** A retry's pick: the request's first backend excluded. */
    @Benchmark
    public Endpoint retry(Cursor cursor) {
        int i = cursor.next++ & mask;
        return picker.pick(requests[i], tried[i]);
    }

    /**
     * {@code name} or {@code name[key=value;key=value]}.
     *
     * @throws IllegalArgumentException naming the forms when the brackets are malformed
     */
    static StrategySpec spec(String text) {
        String t = text.trim();
        int open = t.indexOf('[');
        if (open < 0) {
            return StrategySpec.of(t);
        }
        if (!t.endsWith("]") || open == 0) {
            throw new IllegalArgumentException("strategy must be a name or name[key=value;key=value], got '" + text + "'");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (String pair : t.substring(open + 1, t.length() - 1).split(";")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("strategy must be a name or name[key=value;key=value], got '" + text
                        + "'");
            }
            params.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return StrategySpec.of(t.substring(0, open), params);
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
        return requests(keyed, REQUESTS);
    }

    /** {@code count} requests (every one NONE when not keyed: only hashing strategies read keys). */
    static RequestContext[] requests(boolean keyed, int count) {
        RequestContext[] array = new RequestContext[keyed ? count : REQUESTS];
        for (int i = 0; i < array.length; i++) {
            // The hash of "device-i", under one shared key string: a million requests stay small.
            array[i] = keyed ? RequestContext.ofHash("device", Hashing.hash64("device-" + i)) : RequestContext.NONE;
        }
        return array;
    }
}
