package io.sluice.simulator.output;

import io.sluice.simulator.metrics.Interval;
import io.sluice.simulator.metrics.LatencySummary;
import io.sluice.simulator.metrics.Outcomes;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.metrics.WellBehaved;
import io.sluice.simulator.run.RunResult;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Sweep;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison table {@code ./sluice simulate} prints: one row per run (strategy, and sweep value
 * when the scenario sweeps), with throughput, latency percentiles in milliseconds, failure rates,
 * fairness and affinity. Columns are right-aligned and sized to their contents; the same results
 * give the same text.
 *
 * <p>Columns: {@code req/s} completed requests per second of the measured window; {@code mean ..
 * max} latency of successful requests in ms, every seed's requests pooled; {@code p99+-} the
 * half-width of the 95 % Student t interval of the per-seed p99s ({@code -} with one seed); {@code err% tmo% rej%} errors (including no backend
 * and unfinished), timeouts and rejections as a share of requests; {@code jain} Jain's index of
 * backend utilisation (1 = even); {@code max/mean} the busiest backend's requests over the mean;
 * {@code affinity%} share of a device's requests sent where its previous one went ({@code -} when no
 * device sent two). With protection in the tier, also {@code 429%} and {@code 503%}: requests the
 * rate limits and the concurrency limit refused (both inside {@code rej%}); and with misbehaving
 * devices named, {@code wb-p99} and {@code wb-ok%}: the well-behaved devices' p99 and success rate.
 */
public final class ComparisonTable {
    private ComparisonTable() {
    }

    /** The table with a one-line title; every line ends in {@code \n}. */
    public static String render(Scenario scenario, List<RunResult> runs) {
        Sweep sweep = scenario.sweep();
        List<String> header = new ArrayList<>(List.of("strategy"));
        if (sweep != null) {
            header.add(sweep.parameter().yamlName());
        }
        header.addAll(List.of("req/s", "mean", "p50", "p90", "p99", "p99+-", "p99.9", "max", "err%", "tmo%", "rej%",
                "jain", "max/mean", "affinity%"));
        boolean protection = ResultsJson.hasProtection(scenario);
        boolean cohort = scenario.protection() != null && scenario.protection().misbehavingDevices() != null;
        if (protection) {
            header.addAll(List.of("429%", "503%"));
        }
        if (cohort) {
            header.addAll(List.of("wb-p99", "wb-ok%"));
        }
        List<List<String>> rows = new ArrayList<>();
        for (RunResult run : runs) {
            SimulationResult r = run.result();
            Outcomes o = r.outcomes();
            LatencySummary l = r.latency();
            boolean any = l.count() > 0;
            List<String> row = new ArrayList<>();
            row.add(run.run().label());
            if (sweep != null) {
                row.add(plain(run.run().sweepValue()));
            }
            row.add(String.format(Locale.ROOT, "%.1f", r.throughputPerSecond()));
            row.add(any ? millis(l.meanNanos()) : "-");
            row.add(any ? millis(l.p50Nanos()) : "-");
            row.add(any ? millis(l.p90Nanos()) : "-");
            row.add(any ? millis(l.p99Nanos()) : "-");
            Interval p99 = run.confidence().p99Nanos();
            row.add(p99.bounded() ? millis(p99.halfWidth()) : "-");
            row.add(any ? millis(l.p999Nanos()) : "-");
            row.add(any ? millis(l.maxNanos()) : "-");
            row.add(percent(ResultsJson.rate(ResultsJson.errors(o), o.requests())));
            row.add(percent(o.timeoutRate()));
            row.add(percent(ResultsJson.rate(o.rejected() + o.rateLimited() + o.shed(), o.requests())));
            row.add(String.format(Locale.ROOT, "%.3f", r.fairness().jainIndex()));
            row.add(String.format(Locale.ROOT, "%.2f", r.fairness().maxOverMeanRequests()));
            double hit = r.affinity().hitRate();
            row.add(Double.isNaN(hit) ? "-" : String.format(Locale.ROOT, "%.1f", hit * 100));
            if (protection) {
                row.add(percent(ResultsJson.rate(o.rateLimited(), o.requests())));
                row.add(percent(ResultsJson.rate(o.shed(), o.requests())));
            }
            if (cohort) {
                WellBehaved w = r.wellBehaved();
                boolean some = w != null && w.latency().count() > 0;
                row.add(some ? millis(w.latency().p99Nanos()) : "-");
                row.add(w == null ? "-" : String.format(Locale.ROOT, "%.1f", w.successRate() * 100));
            }
            rows.add(row);
        }
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(title(scenario, runs.size())).append('\n');
        line(out, header, width);
        List<String> rule = new ArrayList<>();
        for (int w : width) {
            rule.add("-".repeat(w));
        }
        line(out, rule, width);
        for (List<String> row : rows) {
            line(out, row, width);
        }
        out.append("latency in ms of successful requests; err% includes no-backend and unfinished requests");
        out.append(scenario.seeds() == 1 ? "\n" : "; p99+- is the half-width of the 95% Student t interval over "
                + scenario.seeds() + " seeds\n");
        return out.toString();
    }

    private static String title(Scenario s, int runs) {
        return s.name() + " (seed " + s.seed() + (s.seeds() == 1 ? "" : ", " + s.seeds() + " seeds each") + "): "
                + runs + (runs == 1 ? " run, " : " runs, ")
                + plain((s.durationNanos() - s.warmUpNanos()) / 1e9) + "s measured after "
                + plain(s.warmUpNanos() / 1e9) + "s warm-up; " + s.workload().describe();
    }

    /** The first column left-aligned, the others right-aligned, two spaces apart. */
    private static void line(StringBuilder out, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            if (c == 0) {
                l.append(cell).append(" ".repeat(width[c] - cell.length()));
            } else {
                l.append("  ").append(" ".repeat(width[c] - cell.length())).append(cell);
            }
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }

    /** Three significant digits, at least two decimals below 10 ms: 0.84, 12.3, 456. */
    static String millis(double nanos) {
        double ms = nanos / 1e6;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        return String.format(Locale.ROOT, "%.0f", ms);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f", fraction * 100);
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
