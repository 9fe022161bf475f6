package io.sluice.reports;

import io.sluice.reports.markup.Markup;
import io.sluice.reports.simulation.PolicyComparison;
import io.sluice.reports.simulation.SimulationResults;
import io.sluice.reports.simulation.SimulationResults.Run;
import io.sluice.reports.simulation.SimulationResults.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The section of a {@code simulate --compare} run: the current and the proposed policy side by side
 * on the same traffic, capacity model and seed, with the difference of every summary figure and
 * whether it is better or worse. It sits above the scenario's own section, which has the charts.
 * One seed: the difference it shows is of this traffic; a gap of a few percent in a tail
 * percentile can be noise.
 */
final class ComparisonSection {
    /** How a figure is read: lower is better (latency, failures), higher is better, or neither. */
    private enum Better { LOWER, HIGHER, NEITHER }

    private record Metric(String name, Function<Summary, Double> value, Better better, int decimals, boolean percent) {
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("throughput (req/s)", s -> s.throughputPerSecond(), Better.HIGHER, 1, false),
            new Metric("mean latency (ms)", s -> s.latencyMs().mean(), Better.LOWER, 2, false),
            new Metric("p50 (ms)", s -> s.latencyMs().p50(), Better.LOWER, 2, false),
            new Metric("p90 (ms)", s -> s.latencyMs().p90(), Better.LOWER, 2, false),
            new Metric("p99 (ms)", s -> s.latencyMs().p99(), Better.LOWER, 2, false),
            new Metric("p99.9 (ms)", s -> s.latencyMs().p999(), Better.LOWER, 2, false),
            new Metric("max (ms)", s -> s.latencyMs().max(), Better.LOWER, 2, false),
            new Metric("failed share", Summary::failureRate, Better.LOWER, 3, true),
            new Metric("errors", s -> (double) s.errors(), Better.LOWER, 0, false),
            new Metric("timeouts", s -> (double) s.timeouts(), Better.LOWER, 0, false),
            new Metric("rejections", s -> (double) s.rejections(), Better.LOWER, 0, false),
            new Metric("retries", s -> (double) s.retries(), Better.NEITHER, 0, false),
            new Metric("fairness (Jain)", Summary::jainUtilisation, Better.HIGHER, 3, false),
            new Metric("busiest / mean load", Summary::maxOverMeanLoad, Better.LOWER, 2, false),
            new Metric("affinity hit rate", Summary::affinityHitRate, Better.HIGHER, 3, true),
            new Metric("sessions moved", s -> s.sessionsMoved() == null ? null : (double) s.sessionsMoved(),
                    Better.LOWER, 0, false));

    private ComparisonSection() {
    }

    /**
     * The section, or null when {@code results} is not a comparison (no comparison, or not exactly
     * one current and one proposed run).
     */
    static Page.Section render(SimulationResults results, PolicyComparison comparison, String id) {
        if (comparison == null) {
            return null;
        }
        Run current = only(results, PolicyComparison.CURRENT);
        Run proposed = only(results, PolicyComparison.PROPOSED);
        if (current == null || proposed == null) {
            return null;
        }
        StringBuilder html = new StringBuilder();
        html.append("<p>").append(Markup.escape(comparison.source())).append(". Both ran on the same traffic,")
                .append(" capacity model and seed (").append(results.scenario().seed()).append("); one seed, so a")
                .append(" gap of a few percent in a tail percentile may be noise.</p>");
        html.append(verdict(current.summary(), proposed.summary()));
        html.append("<dl class=\"policies\"><dt>current</dt><dd><code>").append(Markup.escape(comparison.current()))
                .append("</code></dd><dt>proposed</dt><dd><code>").append(Markup.escape(comparison.proposed()))
                .append("</code></dd></dl>");
        Table t = new Table("comparison").text("figure").number("current").number("proposed").number("difference")
                .text("proposed is");
        for (Metric m : METRICS) {
            Double a = m.value().apply(current.summary());
            Double b = m.value().apply(proposed.summary());
            t.row(List.of(Table.Cell.text(m.name()), cell(a, m), cell(b, m), difference(a, b, m),
                    Table.Cell.text(judge(a, b, m))), cssClass(a, b, m));
        }
        html.append(t.html());
        return new Page.Section(id, "Current vs proposed config: " + results.scenario().name(), html.toString());
    }

    private static Run only(SimulationResults results, String label) {
        Run found = null;
        for (Run r : results.runs()) {
            if (r.strategy().equals(label)) {
                if (found != null) {
                    return null;
                }
                found = r;
            }
        }
        return found;
    }

    /** One sentence on the figures users decide by: p99 and the failed share. */
    static String verdict(Summary current, Summary proposed) {
        List<String> parts = new ArrayList<>();
        Double a = current.latencyMs().p99();
        Double b = proposed.latencyMs().p99();
        if (a != null && b != null) {
            parts.add("p99 " + change(a, b) + " (" + Html.ms(a) + " to " + Html.ms(b) + ")");
        }
        Double fa = current.failureRate();
        Double fb = proposed.failureRate();
        if (fa != null && fb != null) {
            parts.add("the failed share " + (Math.abs(fb - fa) < 1e-12 ? "is unchanged (" + Html.percent(fa) + ")"
                    : (fb < fa ? "falls" : "rises") + " from " + Html.percent(fa) + " to " + Html.percent(fb)));
        }
        return parts.isEmpty() ? "" : "<p class=\"verdict\">With the proposed config, " + Markup.escape(
                String.join("; ", parts)) + ".</p>";
    }

    private static String change(double a, double b) {
        if (a == b) {
            return "is unchanged";
        }
        double pct = a == 0 ? Double.POSITIVE_INFINITY : 100 * (b - a) / a;
        String size = Double.isInfinite(pct) ? "" : " by " + String.format(Locale.ROOT, "%.1f%%", Math.abs(pct));
        return (b < a ? "falls" : "rises") + size;
    }

    private static Table.Cell cell(Double v, Metric m) {
        return Table.Cell.number(v, show(v, m));
    }

    private static String show(Double v, Metric m) {
        if (v == null) {
            return "n/a";
        }
        return m.percent() ? Html.percent(v) : Html.num(v, m.decimals());
    }

    private static Table.Cell difference(Double a, Double b, Metric m) {
        if (a == null || b == null) {
            return Table.Cell.number(null, "n/a");
        }
        double d = b - a;
        String shown = (d > 0 ? "+" : "") + (m.percent() ? String.format(Locale.ROOT, "%.1f pt", 100 * d)
                : Html.num(d, m.decimals()));
        if (!m.percent() && a != 0) {
            shown += String.format(Locale.ROOT, " (%+.1f%%)", 100 * d / a);
        }
        return Table.Cell.number(d, shown);
    }

    /** {@code better}, {@code worse}, {@code the same} or {@code different}. */
    static String judge(Double a, Double b, Metric m) {
        if (a == null || b == null) {
            return "";
        }
        if (a.equals(b)) {
            return "the same";
        }
        return switch (m.better()) {
            case LOWER -> b < a ? "better" : "worse";
            case HIGHER -> b > a ? "better" : "worse";
            case NEITHER -> "different";
        };
    }

    private static String cssClass(Double a, Double b, Metric m) {
        String j = judge(a, b, m);
        return j.equals("better") ? "win" : j.equals("worse") ? "lose" : "";
    }
}
