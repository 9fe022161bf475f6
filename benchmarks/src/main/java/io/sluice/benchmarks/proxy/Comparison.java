package io.sluice.benchmarks.proxy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The figures of one thread count: per target the medians over its rounds, each compared with
 * HAProxy's, and whether Sluice meets its target.
 *
 * <p>Target: Sluice serves at least as many requests per second as HAProxy at the same number of
 * worker threads ({@code sluice req/s / haproxy req/s >= 1.0}) with a p99 latency no higher
 * ({@code sluice p99 / haproxy p99 <= 1.0}), and without errors. Ratios are of the medians: with
 * medians {@code sluice 30,000 req/s, p99 2.0 ms} and {@code haproxy 25,000 req/s, p99 2.5 ms} the
 * ratios are {@code 1.20x} and {@code 0.80x}: met. The per-round ratios (same round, minutes apart
 * at most) are kept too, in {@link #roundRatios()}, for the JSON.
 */
final class Comparison {
    /** The bar Sluice must clear in both ratios. */
    static final double TARGET_RATIO = 1.0;

    /** Whether Sluice meets the target at this thread count. */
    enum Verdict {
        MET("met"),
        MISSED("missed"),
        NOT_MEASURED("not measured");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }
    }

    /**
     * One target's medians. For a target with no successful round every number is NaN and
     * {@code failure} says why.
     *
     * @param rounds               successful rounds the medians are over
     * @param errors               socket errors, timeouts and non-2xx answers over all its rounds
     * @param requestsPerSecondVsHaproxy this target's median req/s over HAProxy's
     * @param p99VsHaproxy         this target's median p99 over HAProxy's
     * @param failure              why the target has no (or fewer) rounds, or null
     */
    record Row(Target target, int rounds, double requestsPerSecond, double p50Micros, double p99Micros,
               double cpuMicrosPerRequest, long errors, double requestsPerSecondVsHaproxy, double p99VsHaproxy,
               String failure) {
    }

    /** Sluice over HAProxy in one round in which both were measured. */
    record RoundRatio(int round, double requestsPerSecond, double p99) {
    }

    private final int threads;
    private final int connections;
    private final List<Row> rows;
    private final List<RoundRatio> roundRatios;

    private Comparison(int threads, int connections, List<Row> rows, List<RoundRatio> roundRatios) {
        this.threads = threads;
        this.connections = connections;
        this.rows = List.copyOf(rows);
        this.roundRatios = List.copyOf(roundRatios);
    }

    /**
     * @param threads  the proxies' worker threads
     * @param connections wrk's connections
     * @param targets  the targets of this matrix, in table order (a target absent from {@code runs}
     *                 and {@code failures} is left out: Sluice when it is not available)
     * @param runs     every successful measured run at this thread count
     * @param failures why a target failed, by target (it may still have rounds from before)
     */
    static Comparison of(int threads, int connections, List<Target> targets, List<Run> runs,
                         Map<Target, String> failures) {
        Map<Target, List<Run>> byTarget = new EnumMap<>(Target.class);
        for (Run run : runs) {
            if (run.threads() != threads || run.connections() != connections) {
                throw new IllegalArgumentException("run of " + run.threads() + " threads, " + run.connections()
                        + " connections in the matrix of " + threads + ", " + connections);
            }
            byTarget.computeIfAbsent(run.target(), t -> new ArrayList<>()).add(run);
        }
        List<Run> haproxyRuns = byTarget.getOrDefault(Target.HAPROXY, List.of());
        double haproxyRps = median(haproxyRuns, r -> r.wrk().requestsPerSecond());
        double haproxyP99 = median(haproxyRuns, r -> r.wrk().p99Micros());
        List<Row> rows = new ArrayList<>();
        for (Target target : targets) {
            List<Run> mine = byTarget.getOrDefault(target, List.of());
            String failure = failures.get(target);
            if (mine.isEmpty() && failure == null) {
                continue;
            }
            double rps = median(mine, r -> r.wrk().requestsPerSecond());
            double p99 = median(mine, r -> r.wrk().p99Micros());
            long errors = mine.stream().mapToLong(r -> r.wrk().errors()).sum();
            List<Run> withCpu = mine.stream().filter(r -> !Double.isNaN(r.cpuMicrosPerRequest())).toList();
            rows.add(new Row(target, mine.size(), rps, median(mine, r -> r.wrk().p50Micros()), p99,
                    median(withCpu, Run::cpuMicrosPerRequest), errors, Median.ratio(rps, haproxyRps),
                    Median.ratio(p99, haproxyP99), failure));
        }
        List<RoundRatio> ratios = new ArrayList<>();
        for (Run sluice : byTarget.getOrDefault(Target.SLUICE, List.of())) {
            for (Run haproxy : haproxyRuns) {
                if (haproxy.round() == sluice.round()) {
                    ratios.add(new RoundRatio(sluice.round(),
                            Median.ratio(sluice.wrk().requestsPerSecond(), haproxy.wrk().requestsPerSecond()),
                            Median.ratio(sluice.wrk().p99Micros(), haproxy.wrk().p99Micros())));
                }
            }
        }
        return new Comparison(threads, connections, rows, ratios);
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> metric) {
        if (runs.isEmpty()) {
            return Double.NaN;
        }
        return Median.of(runs.stream().map(metric::applyAsDouble).toList());
    }

    int threads() {
        return threads;
    }

    int connections() {
        return connections;
    }

    List<Row> rows() {
        return rows;
    }

    List<RoundRatio> roundRatios() {
        return roundRatios;
    }

    /** The row of {@code target}, or null when it is not in this comparison. */
    Row row(Target target) {
        return rows.stream().filter(r -> r.target() == target).findFirst().orElse(null);
    }

    /** Sluice's median req/s over HAProxy's; NaN when either was not measured. */
    double sluiceRequestsPerSecondRatio() {
        Row sluice = row(Target.SLUICE);
        return sluice == null ? Double.NaN : sluice.requestsPerSecondVsHaproxy();
    }

    /** Sluice's median p99 over HAProxy's; NaN when either was not measured. */
    double sluiceP99Ratio() {
        Row sluice = row(Target.SLUICE);
        return sluice == null ? Double.NaN : sluice.p99VsHaproxy();
    }

    /**
     * {@link Verdict#MET} when Sluice's req/s ratio is at least 1.0, its p99 ratio at most 1.0 and
     * it had no errors; {@link Verdict#NOT_MEASURED} when either ratio cannot be formed.
     */
    Verdict verdict() {
        double rps = sluiceRequestsPerSecondRatio();
        double p99 = sluiceP99Ratio();
        if (Double.isNaN(rps) || Double.isNaN(p99)) {
            return Verdict.NOT_MEASURED;
        }
        boolean clean = Objects.requireNonNull(row(Target.SLUICE)).errors() == 0;
        return rps >= TARGET_RATIO && p99 <= TARGET_RATIO && clean ? Verdict.MET : Verdict.MISSED;
    }

    /** The table and the verdict line, as Markdown. */
    String toMarkdown() {
        StringBuilder md = new StringBuilder()
                .append("| target | rounds | req/s | p50 | p99 | CPU/req | errors | req/s vs HAProxy"
                        + " | p99 vs HAProxy |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            md.append("| ").append(row.target().key());
            if (row.rounds() == 0) {
                md.append(" | 0 | - | - | - | - | - | - | - |\n");
                continue;
            }
            md.append(" | ").append(row.rounds())
                    .append(" | ").append(formatRate(row.requestsPerSecond()))
                    .append(" | ").append(formatMicros(row.p50Micros()))
                    .append(" | ").append(formatMicros(row.p99Micros()))
                    .append(" | ").append(formatMicros(row.cpuMicrosPerRequest()))
                    .append(" | ").append(row.errors() == 0 ? "0" : row.errors() + " !")
                    .append(" | ").append(formatRatio(row.requestsPerSecondVsHaproxy()))
                    .append(" | ").append(formatRatio(row.p99VsHaproxy()))
                    .append(" |\n");
        }
        for (Row row : rows) {
            if (row.failure() != null) {
                md.append("\n").append(row.target().key()).append(": ").append(row.failure()).append('\n');
            }
        }
        md.append('\n').append(verdictLine()).append('\n');
        if (row(Target.SLUICE_KAFKA) != null) {
            md.append('\n').append(kafkaLine()).append('\n');
        }
        return md.toString();
    }

    /** The issue 14 target: Sluice fed by Kafka serves at least this share of its static req/s. */
    static final double KAFKA_TARGET_RATIO = 0.95;

    /** Sluice with its Kafka control plane: median req/s over static Sluice's, same run; NaN when either is missing. */
    double kafkaRequestsPerSecondRatio() {
        Row kafka = row(Target.SLUICE_KAFKA);
        Row sluice = row(Target.SLUICE);
        return kafka == null || sluice == null ? Double.NaN
                : Median.ratio(kafka.requestsPerSecond(), sluice.requestsPerSecond());
    }

    /** {@code Sluice with Kafka / static at 1 thread, c=64: 0.98x req/s, 1.02x p99: target met (needs >= 0.95x req/s)}. */
    String kafkaLine() {
        String line = "Sluice with Kafka / static at " + threads + (threads == 1 ? " thread" : " threads") + ", c="
                + connections + ": ";
        double rps = kafkaRequestsPerSecondRatio();
        if (Double.isNaN(rps)) {
            return line + "not measured";
        }
        double p99 = Median.ratio(Objects.requireNonNull(row(Target.SLUICE_KAFKA)).p99Micros(),
                Objects.requireNonNull(row(Target.SLUICE)).p99Micros());
        boolean clean = Objects.requireNonNull(row(Target.SLUICE_KAFKA)).errors() == 0;
        return line + formatRatio(rps) + " req/s, " + formatRatio(p99) + " p99" + (clean ? "" : ", with errors")
                + ": target " + (rps >= KAFKA_TARGET_RATIO && clean ? "met" : "missed") + " (needs >= "
                + String.format(Locale.ROOT, "%.2f", KAFKA_TARGET_RATIO) + "x req/s)";
    }

    /** {@code Sluice / HAProxy at 2 threads: 1.05x req/s, 0.97x p99: target met (...)}. */
    String verdictLine() {
        String line = "Sluice / HAProxy at " + threads + (threads == 1 ? " thread" : " threads") + ", c=" + connections
                + ": ";
        Verdict verdict = verdict();
        if (verdict == Verdict.NOT_MEASURED) {
            return line + "not measured (" + (row(Target.SLUICE) == null ? "Sluice not run" : "no successful rounds")
                    + ")";
        }
        String errors = Objects.requireNonNull(row(Target.SLUICE)).errors() > 0 ? ", with errors" : "";
        return line + formatRatio(sluiceRequestsPerSecondRatio()) + " req/s, " + formatRatio(sluiceP99Ratio())
                + " p99" + errors + ": target " + verdict.text() + " (needs >= 1.00x req/s and <= 1.00x p99)";
    }

    static String formatRate(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** 486 -> {@code 486us}, 2890 -> {@code 2.89ms}, 1,110,000 -> {@code 1.11s}; wrk's own units. */
    static String formatMicros(double micros) {
        if (Double.isNaN(micros)) {
            return "-";
        }
        if (micros < 1_000) {
            return String.format(Locale.ROOT, micros < 10 ? "%.1fus" : "%.0fus", micros);
        }
        if (micros < 1_000_000) {
            return String.format(Locale.ROOT, "%.2fms", micros / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fs", micros / 1e6);
    }

    static String formatRatio(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }
}
