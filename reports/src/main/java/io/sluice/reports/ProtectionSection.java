package io.sluice.reports;

import io.sluice.reports.markup.Markup;
import io.sluice.reports.simulation.ProtectionResults;
import io.sluice.reports.simulation.ProtectionResults.Side;
import io.sluice.reports.simulation.ProtectionResults.WellBehaved;
import io.sluice.reports.simulation.SimulationResults;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The section of a {@code compare-protection} scenario: for each strategy (and sweep value), the run
 * without protection beside the run with the tier's rate limits and adaptive concurrency limit, on
 * the same seeds. The figures it is about: the rate the limits admitted, what they refused (429 for
 * a rate limit, 503 for the concurrency limit, counted apart), and what the well-behaved devices
 * saw, their p99 and success rate, pooled over the seeds and seed by seed. The scenario's own
 * section below has every other figure and the charts.
 */
final class ProtectionSection {
    private ProtectionSection() {
    }

    /** The section, or null when the results hold no protection comparison. */
    static Page.Section render(SimulationResults results, ProtectionResults protection, String id) {
        if (protection == null) {
            return null;
        }
        boolean cohort = protection.sides().stream().anyMatch(s -> s.wellBehaved() != null);
        String title = "With and without protection: " + results.scenario().name();
        StringBuilder html = new StringBuilder("<h2>").append(Markup.escape(title)).append("</h2>\n");
        html.append("<p>Each strategy ran twice on the same ").append(results.scenario().seeds() == 1 ? "seed"
                        : results.scenario().seeds() + " seeds")
                .append(": without protection, then with the load balancer's rate limits and adaptive concurrency"
                        + " limit. Rate-limited requests are answered 429 and shed ones 503; neither reaches a"
                        + " backend. ");
        html.append(cohort ? "The well-behaved devices are every device outside the scenario's misbehaving prefix;"
                + " a success rate counts every request they sent, refused ones included.</p>"
                : "The scenario names no misbehaving devices, so the figures are of every device.</p>");
        Table t = new Table("protection").text("strategy").text("protection").number("admitted (req/s)")
                .number("completed (req/s)").number("rate-limited (429)").number("shed (503)");
        if (cohort) {
            t.number("well-behaved p99 (ms)").number("well-behaved success").text("well-behaved p99 by seed (ms)");
        } else {
            t.number("p99 (ms)");
        }
        List<String> verdicts = new ArrayList<>();
        for (Key k : keys(protection)) {
            Side off = protection.side(k.strategy(), k.sweepValue(), false);
            Side on = protection.side(k.strategy(), k.sweepValue(), true);
            for (Side s : new Side[] {off, on}) {
                if (s != null) {
                    t.row(row(s, cohort), s.enabled() ? "win" : "");
                }
            }
            if (off != null && on != null && cohort && off.wellBehaved() != null && on.wellBehaved() != null) {
                verdicts.add(verdict(k, off.wellBehaved(), on.wellBehaved()));
            }
        }
        if (!verdicts.isEmpty()) {
            html.append("<ul class=\"verdict\">");
            for (String v : verdicts) {
                html.append("<li>").append(Markup.escape(v)).append("</li>");
            }
            html.append("</ul>");
        }
        html.append(t.html());
        return new Page.Section(id, title, html.toString());
    }

    private record Key(String strategy, Double sweepValue) {
    }

    private static Set<Key> keys(ProtectionResults p) {
        Set<Key> out = new LinkedHashSet<>();
        for (Side s : p.sides()) {
            out.add(new Key(s.strategy(), s.sweepValue()));
        }
        return out;
    }

    private static List<Table.Cell> row(Side s, boolean cohort) {
        List<Table.Cell> cells = new ArrayList<>();
        cells.add(Table.Cell.text(s.strategy() + (s.sweepValue() == null ? "" : " at " + Html.plain(s.sweepValue()))));
        cells.add(Table.Cell.text(s.enabled() ? "on" : "off"));
        cells.add(Table.Cell.number(s.admittedPerSecond(), Html.num(s.admittedPerSecond(), 1)));
        cells.add(Table.Cell.number(s.completedPerSecond(), Html.num(s.completedPerSecond(), 1)));
        cells.add(Table.Cell.count(s.rateLimited()));
        cells.add(Table.Cell.count(s.shed()));
        if (cohort) {
            WellBehaved w = s.wellBehaved();
            Double p99 = w == null ? null : w.p99Ms();
            Double ok = w == null ? null : w.successRate();
            cells.add(Table.Cell.number(p99, Html.ms(p99)));
            cells.add(Table.Cell.number(ok, Html.percent(ok)));
            List<String> bySeed = new ArrayList<>();
            for (WellBehaved one : s.wellBehavedPerSeed()) {
                bySeed.add(Html.ms(one.p99Ms()));
            }
            cells.add(Table.Cell.text(String.join(", ", bySeed)));
        } else {
            cells.add(Table.Cell.number(s.p99Ms(), Html.ms(s.p99Ms())));
        }
        return cells;
    }

    /** One sentence per strategy: how the well-behaved devices' p99 and success rate moved. */
    private static String verdict(Key k, WellBehaved off, WellBehaved on) {
        String name = k.strategy() + (k.sweepValue() == null ? "" : " at " + Html.plain(k.sweepValue()));
        return name + ": with protection the well-behaved devices' p99 goes from " + Html.ms(off.p99Ms()) + " to "
                + Html.ms(on.p99Ms()) + " ms and their success rate from " + Html.percent(off.successRate()) + " to "
                + Html.percent(on.successRate()) + ".";
    }
}
