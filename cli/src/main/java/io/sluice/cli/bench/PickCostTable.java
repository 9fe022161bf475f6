package io.sluice.cli.bench;

import io.sluice.reports.jmh.JmhResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code io.sluice.benchmarks.PickBenchmark} measured, one row per strategy (with its
 * parameters, as in {@code p2c-peak-ewma[sampling=uniform]}), weights profile and operation (a
 * pick, or a retry's pick that excludes the first backend), read from its JMH results: the median nanoseconds per pick at each backend count with
 * 1 and with 2 threads, the 2-thread/1-thread throughput ratio, and which numbers miss their
 * targets. Immutable; {@link #toMarkdown()} renders it.
 *
 * <p><b>Throughput ratio.</b> JMH's average time with {@code t} threads is the time per pick seen
 * by each thread (total thread-time / total picks), so the pool does {@code t / time} picks per
 * nanosecond, and
 * <pre>  ratio = (2 / median2) / (1 / median1) = 2 * median1 / median2</pre>
 * e.g. 10 ns alone and 11 ns each with two threads is 2 * 10 / 11 = 1.82: two threads do 1.82
 * times the work of one. 2.0 is perfect scaling; below 1 a second thread slows the pool down
 * (typically a cursor both threads write).
 *
 * <p><b>Targets.</b> At {@value #TARGET_BACKENDS} backends a pick should take at most 25 ns for
 * round-robin and the two-choices family (p2c-least-request, p2c-peak-ewma, p2c-utilisation, with
 * either sampling), at most 15 ns for the table lookups maglev and jump-hash, and at most
 * {@value #DEFAULT_TARGET_NANOS} ns for every other strategy and for every retry (no strategy may be
 * too slow to deploy at that size); every strategy should keep a ratio of at least
 * {@value #RATIO_TARGET}.
 */
public final class PickCostTable {
    /** The benchmark method of a pick; with {@link #RETRY_BENCHMARK} the results this table reads, others are ignored. */
    public static final String BENCHMARK = "io.sluice.benchmarks.PickBenchmark.pick";
    /** The benchmark method of a retry's pick. */
    public static final String RETRY_BENCHMARK = "io.sluice.benchmarks.PickBenchmark.retry";
    /** The pick-time target of every strategy without one of its own, and of every retry. */
    public static final double DEFAULT_TARGET_NANOS = 100.0;
    /** The backend count at which pick times are held to their targets. */
    public static final int TARGET_BACKENDS = 1000;
    /** The lowest acceptable 2-thread/1-thread throughput ratio. */
    public static final double RATIO_TARGET = 1.7;

    private static final Map<String, Double> PICK_TARGET_NANOS = Map.of(
            "round-robin", 25.0,
            "p2c-least-request", 25.0,
            "p2c-peak-ewma", 25.0,
            "p2c-utilisation", 25.0,
            "maglev", 15.0,
            "jump-hash", 15.0);

    /** Nanoseconds per unit of the JMH average-time units. */
    private static final Map<String, Double> NANOS_PER = Map.of(
            "ns/op", 1.0, "us/op", 1e3, "ms/op", 1e6, "s/op", 1e9);

    /**
     * One strategy at one backend count: median ns per pick with 1 and with 2 threads, NaN when
     * that run is missing (failed, skipped, or not run).
     */
    public record Cell(double oneThreadNanos, double twoThreadNanos) {
        static final Cell EMPTY = new Cell(Double.NaN, Double.NaN);

        /** {@code 2 * oneThreadNanos / twoThreadNanos}; NaN when either is missing. */
        public double throughputRatio() {
            return 2 * oneThreadNanos / twoThreadNanos;
        }

        Cell withThreads(int threads, double nanos) {
            return threads == 1 ? new Cell(nanos, twoThreadNanos) : new Cell(oneThreadNanos, nanos);
        }
    }

    /**
     * One strategy with one weights profile.
     *
     * @param weights the benchmark's {@code weights} parameter: a single number for equal weights,
     *                {@code lo..hi} for cycled unequal ones
     * @param cells   by backend count
     */
    public record Row(String strategy, String weights, boolean retry, SortedMap<Integer, Cell> cells) {
        public Row {
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(weights, "weights");
            cells = Collections.unmodifiableSortedMap(new TreeMap<>(cells));
        }

        /** A pick row. */
        public Row(String strategy, String weights, SortedMap<Integer, Cell> cells) {
            this(strategy, weights, false, cells);
        }

        /** Whether the backends had unequal weights. */
        public boolean weighted() {
            return weights.contains("..");
        }

        /**
         * The strategy, with the weights when they were unequal and "retry" for a retry's pick:
         * {@code weighted-random (weights 1..10)}, {@code maglev retry}.
         */
        public String label() {
            String label = weighted() ? strategy + " (weights " + weights + ")" : strategy;
            return retry ? label + " retry" : label;
        }

        /** The pick-time target of this row at {@value #TARGET_BACKENDS} backends. */
        public double targetNanos() {
            return retry ? DEFAULT_TARGET_NANOS : pickTargetNanos(strategy).getAsDouble();
        }

        /** The cell at {@code backends}, all NaN if nothing was measured there. */
        public Cell cell(int backends) {
            return cells.getOrDefault(backends, Cell.EMPTY);
        }
    }

    private final List<Row> rows;
    private final List<Integer> backendCounts;

    private PickCostTable(List<Row> rows, List<Integer> backendCounts) {
        this.rows = List.copyOf(rows);
        this.backendCounts = List.copyOf(backendCounts);
    }

    /**
     * The table of every {@link #BENCHMARK} result at 1 or 2 threads in {@code results}. When one
     * combination appears twice the later result wins.
     *
     * @param strategyOrder row order (the registry's order reads best); strategies not in it follow,
     *                      in order of first appearance; a strategy's equal-weights row comes first
     * @throws IllegalArgumentException when a result is not an average time per operation
     */
    public static PickCostTable of(Collection<JmhResult> results, List<String> strategyOrder) {
        Map<List<String>, SortedMap<Integer, Cell>> byRow = new LinkedHashMap<>();
        TreeSet<Integer> backendCounts = new TreeSet<>();
        for (JmhResult r : results) {
            boolean pick = r.benchmark().equals(BENCHMARK);
            if (!(pick || r.benchmark().equals(RETRY_BENCHMARK)) || (r.threads() != 1 && r.threads() != 2)) {
                continue;
            }
            String strategy = r.params().get("strategy");
            String backends = r.params().get("backends");
            if (strategy == null || backends == null) {
                throw new IllegalArgumentException(BENCHMARK + " result without a strategy or backends parameter: "
                        + r.params());
            }
            int count = Integer.parseInt(backends.trim());
            backendCounts.add(count);
            double nanos = r.median() * nanosPer(r);
            byRow.computeIfAbsent(List.of(strategy, r.param("weights", "1"), pick ? "pick" : "retry"),
                            k -> new TreeMap<>())
                    .merge(count, Cell.EMPTY.withThreads(r.threads(), nanos),
                            (old, fresh) -> old.withThreads(r.threads(), nanos));
        }
        List<Row> rows = new ArrayList<>();
        byRow.forEach((key, cells) -> rows.add(new Row(key.get(0), key.get(1), key.get(2).equals("retry"), cells)));
        List<String> appearance = rows.stream().map(row -> baseName(row.strategy())).distinct().toList();
        rows.sort(Comparator.<Row>comparingInt(row -> rank(baseName(row.strategy()), strategyOrder, appearance))
                .thenComparing(Row::retry)
                .thenComparing(Row::weighted)
                .thenComparing(row -> row.strategy().contains("[")));
        return new PickCostTable(rows, new ArrayList<>(backendCounts));
    }

    private static int rank(String strategy, List<String> order, List<String> appearance) {
        int i = order.indexOf(strategy);
        return i >= 0 ? i : order.size() + appearance.indexOf(strategy);
    }

    private static double nanosPer(JmhResult r) {
        Double factor = NANOS_PER.get(r.unit());
        if (!r.mode().equals("avgt") || factor == null) {
            throw new IllegalArgumentException(r.benchmark() + " " + r.params() + ": expected an average time per"
                    + " operation (JMH mode avgt, unit ns/op), got mode " + r.mode() + " in " + r.unit());
        }
        return factor;
    }

    public List<Row> rows() {
        return rows;
    }

    /** Every backend count measured, ascending. */
    public List<Integer> backendCounts() {
        return backendCounts;
    }

    /** The strategy name without its bracketed parameters: {@code p2c-peak-ewma[sampling=uniform]} is {@code p2c-peak-ewma}. */
    static String baseName(String strategy) {
        int open = strategy.indexOf('[');
        return open < 0 ? strategy : strategy.substring(0, open);
    }

    /**
     * The pick-time target of {@code strategy} (parameters ignored) at {@value #TARGET_BACKENDS}
     * backends: its own, or {@value #DEFAULT_TARGET_NANOS} ns.
     */
    public static OptionalDouble pickTargetNanos(String strategy) {
        return OptionalDouble.of(PICK_TARGET_NANOS.getOrDefault(baseName(strategy), DEFAULT_TARGET_NANOS));
    }

    /** Whether a pick of {@code nanos} misses the target of {@code strategy} at {@code backends}. */
    public static boolean pickMissesTarget(String strategy, int backends, double nanos) {
        return missesTarget(backends, nanos, pickTargetNanos(strategy).getAsDouble());
    }

    private static boolean missesTarget(int backends, double nanos, double target) {
        return backends == TARGET_BACKENDS && nanos > target;
    }

    /** Whether a throughput ratio is below {@link #RATIO_TARGET}; a missing (NaN) ratio is not. */
    public static boolean ratioMissesTarget(double ratio) {
        return ratio < RATIO_TARGET;
    }

    /** Whether any number in the table misses its target. */
    public boolean anyMissesTarget() {
        for (Row row : rows) {
            for (Map.Entry<Integer, Cell> e : row.cells().entrySet()) {
                Cell c = e.getValue();
                if (missesTarget(e.getKey(), c.oneThreadNanos(), row.targetNanos())
                        || missesTarget(e.getKey(), c.twoThreadNanos(), row.targetNanos())
                        || ratioMissesTarget(c.throughputRatio())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A Markdown table, columns padded so it also reads as plain text, followed by its legend.
     * A number that misses its target ends in {@code " !"}; a missing one is {@code -}.
     */
    public String toMarkdown() {
        List<String> header = new ArrayList<>();
        header.add("strategy");
        for (String prefix : List.of("1t ", "2t ", "2t/1t ")) {
            for (int b : backendCounts) {
                header.add(prefix + b);
            }
        }
        List<List<String>> lines = new ArrayList<>();
        for (Row row : rows) {
            List<String> line = new ArrayList<>();
            line.add(row.label());
            for (int b : backendCounts) {
                line.add(nanos(row.targetNanos(), b, row.cell(b).oneThreadNanos()));
            }
            for (int b : backendCounts) {
                line.add(nanos(row.targetNanos(), b, row.cell(b).twoThreadNanos()));
            }
            for (int b : backendCounts) {
                double ratio = row.cell(b).throughputRatio();
                line.add(Double.isNaN(ratio) ? "-" : format("%.2f", ratio) + (ratioMissesTarget(ratio) ? " !" : ""));
            }
            lines.add(line);
        }
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = Math.max(3, header.get(i).length());
            for (List<String> line : lines) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, header, width);
        out.append('|');
        for (int i = 0; i < width.length; i++) {
            // The first column is text (left), the rest numbers (right-aligned).
            out.append(i == 0 ? ":" + "-".repeat(width[i] + 1) : "-".repeat(width[i] + 1) + ":").append('|');
        }
        out.append('\n');
        for (List<String> line : lines) {
            appendLine(out, line, width);
        }
        out.append('\n')
                .append("Median ns per pick over the measurement iterations; `1t 100` = 1 thread, 100 backends.\n")
                .append("`2t/1t` = picks per second with 2 threads / with 1 thread (2.00 = perfect scaling).\n")
                .append("`retry` = a retry's pick, the request's first backend excluded.\n")
                .append("` !` = misses its target: at ").append(TARGET_BACKENDS).append(" backends, ")
                .append(targetsText()).append("; over ").append(format("%.0f", DEFAULT_TARGET_NANOS))
                .append(" ns for any other strategy or retry; any 2t/1t below ").append(RATIO_TARGET).append(".\n");
        return out.toString();
    }

    private static String targetsText() {
        Map<Double, List<String>> byTarget = new TreeMap<>(Comparator.reverseOrder());
        PICK_TARGET_NANOS.forEach((s, t) -> byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(s));
        List<String> parts = new ArrayList<>();
        byTarget.forEach((t, names) -> parts.add("over " + format("%.0f", t) + " ns for "
                + String.join(", ", names.stream().sorted().toList())));
        return String.join("; ", parts);
    }

    private static String nanos(double target, int backends, double nanos) {
        if (Double.isNaN(nanos)) {
            return "-";
        }
        return format(nanos < 10 ? "%.2f" : "%.1f", nanos) + (missesTarget(backends, nanos, target) ? " !" : "");
    }

    private static void appendLine(StringBuilder out, List<String> cells, int[] width) {
        out.append('|');
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            out.append(' ').append(i == 0 ? c + pad : pad + c).append(" |");
        }
        out.append('\n');
    }

    private static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }
}
