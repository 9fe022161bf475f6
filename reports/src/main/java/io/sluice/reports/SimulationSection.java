package io.sluice.reports;

import io.sluice.reports.Table.Cell;
import io.sluice.reports.chart.Axis;
import io.sluice.reports.chart.BarChart;
import io.sluice.reports.chart.LineChart;
import io.sluice.reports.chart.LineChart.Point;
import io.sluice.reports.markup.Markup;
import io.sluice.reports.simulation.Recommendation;
import io.sluice.reports.simulation.Recommendation.Verdict;
import io.sluice.reports.simulation.SimulationResults;
import io.sluice.reports.simulation.SimulationResults.BackendResult;
import io.sluice.reports.simulation.SimulationResults.Percentile;
import io.sluice.reports.simulation.SimulationResults.Run;
import io.sluice.reports.simulation.SimulationResults.Scenario;
import io.sluice.reports.simulation.SimulationResults.Summary;
import io.sluice.reports.simulation.SimulationResults.TimeSeries;
import io.sluice.reports.simulation.SweepRecommendation;
import io.sluice.reports.simulation.SweepRecommendation.AtValue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The part of the report for one simulator results file: the scenario, the recommendation with
 * its rule and evidence, a table of every run, and the charts, each with a table beside it.
 *
 * <p>In a sweep the per-run charts (percentiles, time series, backends) show the runs at the
 * highest swept value, where strategies differ most; the sweep charts show every value.
 */
final class SimulationSection {
    /** Above this many backends, utilisation over time shows min, mean and max rather than a line each. */
    static final int MAX_BACKEND_LINES = 12;
    /** Utilisation below this counts as idle when looking for a backend that stopped serving. */
    static final double IDLE = 0.001;

    private final SimulationResults results;
    private final Map<Run, String> labels = new IdentityHashMap<>();
    private final Map<String, Integer> colours = new LinkedHashMap<>();
    private final List<Run> focus;
    private final Double focusValue;

    private SimulationSection(SimulationResults results) {
        this.results = results;
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Run r : results.runs()) {
            String label = r.strategy();
            if (!results.isSweep()) {
                // Outside a sweep every run is its own line, even when two share a label.
                int n = seen.merge(label, 1, Integer::sum);
                label = n == 1 ? label : label + " #" + n;
            }
            labels.put(r, label);
            colours.putIfAbsent(label, colours.size());
        }
        if (results.isSweep()) {
            double highest = results.runs().stream().mapToDouble(Run::sweepValue).max().orElseThrow();
            focusValue = highest;
            focus = results.runs().stream().filter(r -> r.sweepValue() == highest).toList();
        } else {
            focusValue = null;
            focus = results.runs();
        }
    }

    static Page.Section render(SimulationResults results, String id) {
        SimulationSection s = new SimulationSection(results);
        return new Page.Section(id, "Scenario " + results.scenario().name(), s.html());
    }

    private String label(Run r) {
        return labels.get(r);
    }

    private int colour(Run r) {
        return colours.get(label(r));
    }

    private String html() {
        StringBuilder html = new StringBuilder();
        Scenario sc = results.scenario();
        html.append("<h2>Scenario <q>").append(Markup.escape(sc.name())).append("</q></h2>\n");
        html.append("<p>").append(Markup.escape(sc.description())).append("</p>\n");
        html.append(facts());
        html.append(results.isSweep() ? sweepRecommendation() : recommendation());
        html.append(runsTable());
        if (results.isSweep()) {
            html.append(sweepCharts());
            html.append("<p class=\"muted\">The charts below show the runs at the highest ")
                    .append(Markup.escape(results.sweep().parameter())).append(" swept, ")
                    .append(Html.plain(focusValue))
                    .append(", where the strategies differ most.</p>\n");
        }
        html.append(percentilePanel());
        html.append(timePanels());
        html.append(backendPanels());
        html.append("<details><summary>Scenario file as simulated</summary><pre>").append(Markup.escape(sc.yaml()))
                .append("</pre></details>\n");
        return html.toString();
    }

    private String facts() {
        Scenario sc = results.scenario();
        StringBuilder dl = new StringBuilder("<dl class=\"facts\">");
        fact(dl, "results file", "<code>" + Markup.escape(results.source()) + "</code>");
        fact(dl, "scenario", Markup.escape(sc.source()));
        fact(dl, "workload", Markup.escape(sc.workload()));
        fact(dl, "offered load", sc.offeredRatePerSecond() == null ? "unknown (a trace)"
                : Markup.escape(Html.plain(sc.offeredRatePerSecond())) + " requests/s");
        Map<String, Long> byType = results.runs().get(0).summary().requestsByType();
        if (!byType.isEmpty()) {
            StringBuilder types = new StringBuilder();
            byType.forEach((name, count) -> types.append(types.length() == 0 ? "" : ", ")
                    .append(Markup.escape(name)).append(' ').append(count));
            fact(dl, "message types", types + " (requests of the first run by type)");
        }
        fact(dl, "backends", Markup.escape(sc.backendsDescription()));
        fact(dl, "load balancers", Integer.toString(sc.loadBalancers()));
        fact(dl, "measured", Markup.escape(Html.plain(sc.durationSeconds())) + " s of simulated time after "
                + Markup.escape(Html.plain(sc.warmupSeconds())) + " s of warm-up; seed " + sc.seed());
        fact(dl, "seeds", sc.seeds() == 1
                ? "1: no confidence intervals (simulate with --seeds 2 or more to get them)"
                : "N = " + sc.seeds() + " per strategy, the same for every strategy (seed " + sc.seed()
                        + " and " + (sc.seeds() - 1) + " derived from it); latency percentiles and totals pool"
                        + " every seed's requests; intervals are 95 % Student t over the " + sc.seeds()
                        + " per-seed values: mean \u00b1 t(0.975, N\u22121) \u00d7 s / \u221aN");
        if (results.isSweep()) {
            fact(dl, "sweep", Markup.escape(results.sweep().parameter()) + " = " + Markup.escape(String.join(", ",
                    results.sweep().values().stream().map(Html::plain).toList())));
        }
        return dl.append("</dl>\n").toString();
    }

    private static void fact(StringBuilder dl, String name, String valueHtml) {
        dl.append("<dt>").append(Markup.escape(name)).append("</dt><dd>").append(valueHtml).append("</dd>");
    }

    // ---- recommendation ------------------------------------------------------------------------

    private String recommendation() {
        Recommendation rec = Recommendation.of(results.runs());
        StringBuilder html = new StringBuilder("<div class=\"recommendation\" data-recommended=\"");
        Optional<Run> winner = rec.winner();
        html.append(Markup.escape(winner.map(this::label).orElse(""))).append("\">");
        if (winner.isEmpty()) {
            html.append("<p class=\"headline\">No recommendation: no run completed a request.</p>");
        } else {
            html.append("<p class=\"headline\">For this workload deploy <strong>")
                    .append(Markup.escape(label(winner.get())))
                    .append("</strong>").append(specNote(winner.get())).append(".</p>");
            html.append("<p class=\"evidence\">").append(evidence(rec)).append("</p>");
        }
        html.append(seedsNote(rec.withIntervals()));
        html.append(ruleHtml(rec.rule(), false));
        html.append("</div>\n");
        html.append(verdictTable(rec.verdicts(), "verdicts"));
        return html.toString();
    }

    private String sweepRecommendation() {
        SweepRecommendation rec = SweepRecommendation.of(results);
        String parameter = results.sweep().parameter();
        StringBuilder html = new StringBuilder("<div class=\"recommendation\" data-recommended=\"");
        html.append(Markup.escape(rec.winner().orElse(""))).append("\">");
        if (rec.winner().isEmpty()) {
            html.append("<p class=\"headline\">No recommendation: no run completed a request.</p>");
        } else {
            List<Double> values = rec.atValues().stream().map(AtValue::value).toList();
            html.append("<p class=\"headline\">For this workload deploy <strong>")
                    .append(Markup.escape(rec.winner().get()))
                    .append("</strong>: it wins at ").append(rec.wins()).append(" of ").append(values.size())
                    .append(" values of ").append(Markup.escape(parameter)).append(" (")
                    .append(Markup.escape(Html.plain(values.get(0)))).append(" to ")
                    .append(Markup.escape(Html.plain(values.get(values.size() - 1)))).append(").</p>");
            AtValue at = rec.evidence().orElseThrow();
            html.append("<p class=\"evidence\">At ").append(Markup.escape(parameter)).append(' ')
                    .append(Markup.escape(Html.plain(at.value()))).append(": ").append(evidence(at.recommendation()))
                    .append("</p>");
        }
        boolean intervals = Recommendation.haveIntervals(results.runs());
        html.append(seedsNote(intervals));
        html.append(ruleHtml(intervals ? Recommendation.RULE_WITH_INTERVALS : Recommendation.RULE, true));
        html.append("</div>\n");
        Table table = new Table("sweep-verdicts").number(parameter).text("recommended").number("its p99 (ms)")
                .number("its failed share").text("compared with").number("their p99 (ms)");
        for (AtValue at : rec.atValues()) {
            Recommendation r = at.recommendation();
            Run w = r.winner().orElse(null);
            Run b = r.baseline().orElse(null);
            table.row(List.of(Cell.number(at.value(), Html.plain(at.value())),
                    Cell.text(w == null ? Html.NONE : label(w)),
                    w == null ? Cell.number(null, Html.NONE) : msCell(w.summary().latencyMs().p99()),
                    w == null ? Cell.number(null, Html.NONE) : percentCell(w.summary().failureRate()),
                    Cell.text(b == null ? Html.NONE : label(b)),
                    b == null ? Cell.number(null, Html.NONE) : msCell(b.summary().latencyMs().p99())),
                    w != null && label(w).equals(rec.winner().orElse(null)) ? "win" : "");
        }
        html.append("<h3>Recommendation at each value of ").append(Markup.escape(parameter)).append("</h3>\n")
                .append(table.html()).append('\n');
        StringBuilder details = new StringBuilder();
        for (AtValue at : rec.atValues()) {
            details.append("<h4>").append(Markup.escape(parameter)).append(' ')
                    .append(Markup.escape(Html.plain(at.value())))
                    .append("</h4>").append(verdictTable(at.recommendation().verdicts(), "verdicts-"
                            + Html.plain(at.value())));
        }
        html.append("<details><summary>Every run's verdict at every value</summary>").append(details)
                .append("</details>\n");
        return html.toString();
    }

    private String specNote(Run r) {
        String spec = r.spec().trim();
        return spec.equals(r.strategy()) ? "" : " (<code>" + Markup.escape(spec) + "</code>)";
    }

    /**
     * "p99 120 ms against 310 ms for round-robin (61 % lower); mean ...; failed ...; fairness ...",
     * and why the compared run lost.
     */
    private String evidence(Recommendation rec) {
        Run w = rec.winner().orElseThrow();
        Summary ws = w.summary();
        Optional<Run> base = rec.baseline();
        if (base.isEmpty()) {
            return "p99 " + Html.ms(ws.latencyMs().p99()) + " ms, mean " + Html.ms(ws.latencyMs().mean())
                    + " ms, failed " + Html.percent(ws.failureRate()) + " of requests, fairness (Jain's index over"
                    + " backend utilisation) " + Html.num(ws.jainUtilisation(), 3)
                    + "; the only run, so there is nothing to compare with.";
        }
        Run b = base.get();
        Summary bs = b.summary();
        String against = rec.baselineIsRoundRobin() ? "for " + Markup.escape(label(b))
                : "for the runner-up, " + Markup.escape(label(b));
        StringBuilder text = new StringBuilder();
        text.append("p99 <strong>").append(Html.ms(ws.latencyMs().p99())).append(" ms</strong>").append(p99Ci(w))
                .append(" against ").append(Html.ms(bs.latencyMs().p99())).append(" ms").append(p99Ci(b)).append(' ')
                .append(against).append(relative(ws.latencyMs().p99(), bs.latencyMs().p99()));
        text.append("; mean ").append(Html.ms(ws.latencyMs().mean())).append(" ms against ")
                .append(Html.ms(bs.latencyMs().mean())).append(" ms");
        text.append("; failed ").append(Html.percent(ws.failureRate())).append(" of requests against ")
                .append(Html.percent(bs.failureRate()));
        text.append("; fairness (Jain's index over backend utilisation, 1 = even) ")
                .append(Html.num(ws.jainUtilisation(), 3)).append(" against ").append(Html.num(bs.jainUtilisation(), 3))
                .append('.');
        rec.verdicts().stream().filter(v -> v.run() == b).findFirst().ifPresent(v -> text.append(" Why not ")
                .append(Markup.escape(label(b))).append(": ").append(Markup.escape(v.reason())).append('.'));
        return text.toString();
    }

    /** " (95 % CI of the per-seed p99s 118–124 ms)", or nothing without intervals. */
    private static String p99Ci(Run r) {
        SimulationResults.Confidence c = r.confidence();
        if (c == null || !c.p99Ms().bounded()) {
            return "";
        }
        return " (95 % CI of the per-seed p99s " + Html.ms(c.p99Ms().low()) + "\u2013" + Html.ms(c.p99Ms().high())
                + " ms)";
    }

    private static String relative(Double winner, Double base) {
        if (winner == null || base == null || base == 0) {
            return "";
        }
        double change = (base - winner) / base;
        if (Math.abs(change) < 0.005) {
            return " (about the same)";
        }
        return change > 0 ? " (" + Html.fmt("%.0f", change * 100) + " % lower)"
                : " (" + Html.fmt("%.0f", -change * 100) + " % higher)";
    }

    /** "Judged over N seeds with 95 % intervals", or why there are none. */
    private String seedsNote(boolean intervals) {
        int n = results.scenario().seeds();
        return "<p class=\"seeds\" data-seeds=\"" + n + "\">" + (intervals
                ? "Judged over <strong>N = " + n + " seeds</strong> per strategy: each p99, mean and failed share in"
                        + " the verdicts is the mean over the seeds with its 95 % confidence interval in brackets."
                : "Judged on <strong>one seed</strong>: without an interval to tell a difference from noise, runs"
                        + " within 2 % are tied.") + "</p>";
    }

    private String ruleHtml(List<String> rule, boolean sweep) {
        StringBuilder html = new StringBuilder("<p class=\"rule-title\">How the recommendation is chosen:</p><ol class=\"rule\">");
        for (String step : rule) {
            html.append("<li>").append(Markup.escape(step)).append("</li>");
        }
        if (sweep) {
            html.append("<li>").append(Markup.escape(SweepRecommendation.RULE)).append("</li>");
        }
        return html.append("</ol>").toString();
    }

    private String verdictTable(List<Verdict> verdicts, String kind) {
        boolean ci = !verdicts.isEmpty() && verdicts.get(0).run().confidence() != null;
        String suffix = ci ? " [95 % CI]" : "";
        Table table = new Table(kind).text("strategy").number("failed share" + suffix).number("p99 (ms)" + suffix)
                .number("mean (ms)" + suffix).number("fairness (Jain)").text("verdict");
        for (Verdict v : verdicts) {
            Summary s = v.run().summary();
            SimulationResults.Confidence c = v.run().confidence();
            table.row(List.of(Cell.text(label(v.run())),
                    c == null ? percentCell(s.failureRate()) : Cell.number(c.failedShare().mean(),
                            Recommendation.share(c.failedShare())),
                    c == null ? msCell(s.latencyMs().p99()) : intervalCell(c.p99Ms()),
                    c == null ? msCell(s.latencyMs().mean()) : intervalCell(c.meanMs()),
                    Cell.number(s.jainUtilisation(), Html.num(s.jainUtilisation(), 3)),
                    Cell.text(v.reason())), v.chosen() ? "win" : "");
        }
        return table.html() + "\n";
    }

    // ---- every run ------------------------------------------------------------------------------

    private String runsTable() {
        Table table = new Table("runs").text("strategy").text("spec");
        if (results.isSweep()) {
            table.number(results.sweep().parameter());
        }
        table.number("requests").number("throughput (/s)").number("p50 (ms)").number("p90 (ms)").number("p99 (ms)")
                .number("p99.9 (ms)").number("max (ms)").number("mean (ms)").number("failed share").number("errors")
                .number("timeouts").number("rejections").number("retries").number("fairness (Jain)")
                .number("busiest / mean load").number("affinity hit rate").number("sessions moved");
        for (Run r : results.runs()) {
            Summary s = r.summary();
            List<Cell> cells = new ArrayList<>(List.of(Cell.text(label(r)), Cell.html("<code>" + Markup.escape(r.spec())
                    + "</code>")));
            if (results.isSweep()) {
                cells.add(Cell.number(r.sweepValue(), Html.plain(r.sweepValue())));
            }
            cells.addAll(List.of(Cell.count(s.requests()),
                    Cell.number(s.throughputPerSecond(), Html.num(s.throughputPerSecond(), 1)),
                    msCell(s.latencyMs().p50()), msCell(s.latencyMs().p90()), msCell(s.latencyMs().p99()),
                    msCell(s.latencyMs().p999()), msCell(s.latencyMs().max()), msCell(s.latencyMs().mean()),
                    percentCell(s.failureRate()), Cell.count(s.errors()), Cell.count(s.timeouts()),
                    Cell.count(s.rejections()), Cell.count(s.retries()),
                    Cell.number(s.jainUtilisation(), Html.num(s.jainUtilisation(), 3)),
                    Cell.number(s.maxOverMeanLoad(), Html.num(s.maxOverMeanLoad(), 2)),
                    percentCell(s.affinityHitRate()),
                    s.sessionsMoved() == null ? Cell.number(null, Html.NONE) : Cell.count(s.sessionsMoved())));
            table.row(cells);
        }
        return "<h3>Every run</h3>\n<p class=\"muted\">Failed share = (errors + timeouts + rejections) / requests."
                + " Fairness is Jain's index over backend utilisation (1 = perfectly even); busiest / mean load"
                + " compares the busiest backend's requests with the mean.</p>\n" + table.html() + "\n";
    }

    // ---- sweep ------------------------------------------------------------------------------------

    private String sweepCharts() {
        String parameter = results.sweep().parameter();
        Map<String, List<Run>> byStrategy = new LinkedHashMap<>();
        for (Run r : results.runs()) {
            byStrategy.computeIfAbsent(label(r), k -> new ArrayList<>()).add(r);
        }
        List<LineChart.Series> p99 = new ArrayList<>();
        List<LineChart.Series> failed = new ArrayList<>();
        for (Map.Entry<String, List<Run>> e : byStrategy.entrySet()) {
            List<Run> runs = e.getValue().stream()
                    .sorted((a, b) -> Double.compare(a.sweepValue(), b.sweepValue())).toList();
            int colour = colours.get(e.getKey());
            p99.add(new LineChart.Series(e.getKey(), colour, runs.stream()
                    .map(r -> new Point(r.sweepValue(), orNaN(r.summary().latencyMs().p99()))).toList()));
            failed.add(new LineChart.Series(e.getKey(), colour, runs.stream()
                    .map(r -> new Point(r.sweepValue(), orNaN(r.summary().failureRate()))).toList()));
        }
        String xTitle = parameter.equalsIgnoreCase("load") ? "offered load (" + parameter + ")" : parameter;
        LineChart p99Chart = new LineChart("latency-vs-load", "p99 latency against " + parameter,
                Axis.linear(xTitle), Axis.log("p99 latency (ms)"), p99);
        LineChart failedChart = new LineChart("failures-vs-load", "Failed share against " + parameter,
                Axis.linear(xTitle), Axis.percentFromZero("failed share"), failed);

        List<Double> values = results.sweep().values().stream().distinct().sorted().toList();
        Table p99Table = new Table("latency-vs-load").number(parameter);
        Table failedTable = new Table("failures-vs-load").number(parameter);
        for (String s : byStrategy.keySet()) {
            p99Table.number(s + " p99 (ms)");
            failedTable.number(s + " failed");
        }
        for (double v : values) {
            List<Cell> p99Cells = new ArrayList<>(List.of(Cell.number(v, Html.plain(v))));
            List<Cell> failedCells = new ArrayList<>(List.of(Cell.number(v, Html.plain(v))));
            for (List<Run> runs : byStrategy.values()) {
                Run r = runs.stream().filter(x -> x.sweepValue() == v).findFirst().orElse(null);
                p99Cells.add(r == null ? Cell.number(null, Html.NONE) : msCell(r.summary().latencyMs().p99()));
                failedCells.add(r == null ? Cell.number(null, Html.NONE) : percentCell(r.summary().failureRate()));
            }
            p99Table.row(p99Cells);
            failedTable.row(failedCells);
        }
        return panel("p99 latency against " + parameter, "One curve per strategy: how the tail grows as "
                        + parameter + " rises. A curve that turns up steeply marks the strategy's saturation point.",
                p99Chart.svg() + p99Chart.legend(), p99Table.html())
                + panel("Failed share against " + parameter, "Errors, timeouts and rejections over requests, per"
                        + " strategy.", failedChart.svg() + failedChart.legend(), failedTable.html());
    }

    // ---- latency distribution --------------------------------------------------------------------

    private String percentilePanel() {
        List<LineChart.Series> series = new ArrayList<>();
        Table table = new Table("latency-percentiles").text("strategy").number("p50 (ms)").number("p90 (ms)")
                .number("p99 (ms)").number("p99.9 (ms)").number("max (ms)").number("mean (ms)");
        for (Run r : focus) {
            List<Point> points = new ArrayList<>();
            for (Percentile p : r.latencyHistogram().distribution()) {
                points.add(new Point(p.percentile(), p.valueMs()));
            }
            series.add(new LineChart.Series(label(r), colour(r), points));
            var l = r.summary().latencyMs();
            table.row(List.of(Cell.text(label(r)), msCell(l.p50()), msCell(l.p90()), msCell(l.p99()), msCell(l.p999()),
                    msCell(l.max()), msCell(l.mean())));
        }
        LineChart chart = new LineChart("latency-percentiles", "Latency by percentile", Axis.percentile("percentile"),
                Axis.log("latency (ms)"), series);
        return panel("Latency by percentile", "HdrHistogram's percentile distribution: each step right is ten times"
                        + " rarer (90 %, 99 %, 99.9 %...), so the tail gets as much room as the median. Latency on a"
                        + " log scale; the maximum is in the table." + focusNote(),
                chart.svg() + chart.legend(), table.html());
    }

    // ---- time series --------------------------------------------------------------------------------

    private String timePanels() {
        List<LineChart.Series> p99 = new ArrayList<>();
        List<LineChart.Series> mean = new ArrayList<>();
        List<LineChart.Series> errors = new ArrayList<>();
        Table p99Table = new Table("p99-over-time").text("strategy").number("median interval p99 (ms)")
                .number("worst interval p99 (ms)").number("worst at (s)").number("intervals without completions");
        Table meanTable = new Table("mean-over-time").text("strategy").number("median interval mean (ms)")
                .number("worst interval mean (ms)").number("worst at (s)");
        Table errorTable = new Table("errors-over-time").text("strategy").number("errors in all intervals")
                .number("intervals with errors").number("first at (s)").number("worst interval").number("worst at (s)");
        for (Run r : focus) {
            TimeSeries t = r.timeSeries();
            p99.add(new LineChart.Series(label(r), colour(r), points(t, t.p99LatencyMs())));
            mean.add(new LineChart.Series(label(r), colour(r), points(t, t.meanLatencyMs())));
            List<Double> errorValues = t.errors().stream().map(Long::doubleValue).toList();
            errors.add(new LineChart.Series(label(r), colour(r), points(t, errorValues)));

            Worst worstP99 = worst(t, t.p99LatencyMs());
            long empty = t.p99LatencyMs().stream().filter(Objects::isNull).count();
            p99Table.row(List.of(Cell.text(label(r)), msCell(median(t.p99LatencyMs())), msCell(worstP99.value()),
                    timeCell(worstP99.start()), Cell.count(empty)));
            Worst worstMean = worst(t, t.meanLatencyMs());
            meanTable.row(List.of(Cell.text(label(r)), msCell(median(t.meanLatencyMs())), msCell(worstMean.value()),
                    timeCell(worstMean.start())));
            long total = t.errors().stream().mapToLong(Long::longValue).sum();
            long withErrors = t.errors().stream().filter(e -> e > 0).count();
            Double first = null;
            for (int i = 0; i < t.size() && first == null; i++) {
                if (t.errors().get(i) > 0) {
                    first = t.startSeconds().get(i);
                }
            }
            Worst worstErrors = worst(t, errorValues);
            errorTable.row(List.of(Cell.text(label(r)), Cell.count(total), Cell.count(withErrors), timeCell(first),
                    worstErrors.value() == null ? Cell.number(null, Html.NONE)
                            : Cell.count(worstErrors.value().longValue()),
                    timeCell(worstErrors.value() == null || worstErrors.value() == 0 ? null : worstErrors.start())));
        }
        String x = "time after warm-up (s)";
        double interval = focus.get(0).timeSeries().intervalSeconds();
        String per = "per " + Html.plain(interval) + " s interval";
        LineChart p99Chart = new LineChart("p99-over-time", "p99 latency over time", Axis.linear(x),
                Axis.log("p99 latency (ms)"), p99);
        LineChart meanChart = new LineChart("mean-over-time", "Mean latency over time", Axis.linear(x),
                Axis.log("mean latency (ms)"), mean);
        LineChart errorChart = new LineChart("errors-over-time", "Errors over time", Axis.linear(x),
                Axis.count("errors " + per), errors);
        return panel("p99 latency " + per, "A slowdown or an outage shows as a step or a spike; a gap is an"
                        + " interval in which nothing completed." + focusNote(), p99Chart.svg() + p99Chart.legend(),
                p99Table.html())
                + panel("Mean latency " + per, "The mean moves with the bulk of requests, the p99 above with the"
                        + " tail.", meanChart.svg() + meanChart.legend(), meanTable.html())
                + panel("Errors " + per, "Requests that failed in each interval: a backend crash shows as a burst"
                        + " until the balancer stops sending to it.", errorChart.svg() + errorChart.legend(),
                errorTable.html());
    }

    private static List<Point> points(TimeSeries t, List<Double> values) {
        List<Point> points = new ArrayList<>(t.size());
        for (int i = 0; i < t.size(); i++) {
            points.add(new Point(t.startSeconds().get(i), orNaN(values.get(i))));
        }
        return points;
    }

    private record Worst(Double value, Double start) {
    }

    private static Worst worst(TimeSeries t, List<Double> values) {
        Double worst = null;
        Double at = null;
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v != null && (worst == null || v > worst)) {
                worst = v;
                at = t.startSeconds().get(i);
            }
        }
        return new Worst(worst, at);
    }

    private static Double median(List<Double> values) {
        double[] sorted = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return null;
        }
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    // ---- backends -----------------------------------------------------------------------------------

    private String backendPanels() {
        List<String> ids = focus.get(0).backends().stream().map(BackendResult::id).toList();
        List<BarChart.Series> bars = new ArrayList<>();
        Table table = new Table("backend-utilisation").text("backend").text("zone").number("speed").number("servers");
        for (Run r : focus) {
            table.number(label(r));
        }
        for (Run r : focus) {
            Map<String, BackendResult> byId = byId(r);
            bars.add(new BarChart.Series(label(r), colour(r), ids.stream()
                    .map(id -> byId.containsKey(id) ? byId.get(id).utilisation() : Double.NaN).toList()));
        }
        for (BackendResult b : focus.get(0).backends()) {
            List<Cell> cells = new ArrayList<>(List.of(Cell.text(b.id()), Cell.text(b.zone()),
                    Cell.number(b.speed(), Html.plain(b.speed())), Cell.count(b.servers())));
            for (Run r : focus) {
                BackendResult rb = byId(r).get(b.id());
                cells.add(rb == null ? Cell.number(null, Html.NONE) : percentCell(rb.utilisation()));
            }
            table.row(cells);
        }
        BarChart chart = new BarChart("backend-utilisation", "Utilisation per backend", ids, "backend",
                Axis.share("utilisation"), bars);
        StringBuilder html = new StringBuilder();
        html.append(panel("Utilisation per backend", "Busy server time over available server time for each backend,"
                        + " one bar per strategy: even bars are a fair spread (see fairness in the table of runs)."
                        + focusNote(), chart.svg() + chart.legend(), table.html()));
        html.append("<p>Utilisation over time, one chart per strategy: a backend that crashes or is drained drops to"
                + " 0 %, and the others take its share.</p>\n<div class=\"small-multiples\">\n");
        for (Run r : focus) {
            html.append(utilisationOverTime(r));
        }
        return html.append("</div>\n").toString();
    }

    private String utilisationOverTime(Run r) {
        TimeSeries t = r.timeSeries();
        Map<String, List<Double>> byBackend = t.backendUtilisation();
        List<LineChart.Series> series = new ArrayList<>();
        if (byBackend.size() <= MAX_BACKEND_LINES) {
            int i = 0;
            for (Map.Entry<String, List<Double>> e : byBackend.entrySet()) {
                series.add(new LineChart.Series(e.getKey(), i++, points(t, e.getValue())));
            }
        } else {
            series.add(new LineChart.Series("lowest backend", 2, points(t, across(t, byBackend, v -> v.stream()
                    .mapToDouble(Double::doubleValue).min().orElse(Double.NaN)))));
            series.add(new LineChart.Series("mean of backends", 0, points(t, across(t, byBackend, v -> v.stream()
                    .mapToDouble(Double::doubleValue).average().orElse(Double.NaN)))));
            series.add(new LineChart.Series("busiest backend", 1, points(t, across(t, byBackend, v -> v.stream()
                    .mapToDouble(Double::doubleValue).max().orElse(Double.NaN)))));
        }
        Table table = new Table("backends-" + Html.slug(label(r))).text("backend").number("requests").number("errors")
                .number("utilisation").number("lowest interval").number("lowest at (s)").text("idle (0 %)")
                .number("mean latency (ms)");
        for (BackendResult b : r.backends()) {
            List<Double> values = byBackend.get(b.id());
            Double lowest = null;
            Double at = null;
            String idle = Html.NONE;
            if (values != null) {
                for (int i = 0; i < values.size(); i++) {
                    if (lowest == null || values.get(i) < lowest) {
                        lowest = values.get(i);
                        at = t.startSeconds().get(i);
                    }
                }
                idle = idleStretch(t, values);
            }
            table.row(List.of(Cell.text(b.id()), Cell.count(b.requests()), Cell.count(b.errors()),
                    percentCell(b.utilisation()), percentCell(lowest), timeCell(at), Cell.text(idle),
                    msCell(b.meanLatencyMs())));
        }
        LineChart chart = new LineChart("utilisation-over-time", "Backend utilisation over time, " + label(r),
                Axis.linear("time after warm-up (s)"), Axis.share("utilisation"), series);
        String note = byBackend.size() <= MAX_BACKEND_LINES ? "One line per backend."
                : "Lowest, mean and busiest of " + byBackend.size() + " backends per interval.";
        return panel("Utilisation over time: " + label(r), note, chart.svg() + chart.legend(), table.html());
    }

    private static List<Double> across(TimeSeries t, Map<String, List<Double>> byBackend,
                                       Function<List<Double>, Double> f) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            List<Double> atI = new ArrayList<>();
            for (List<Double> values : byBackend.values()) {
                atI.add(values.get(i));
            }
            out.add(f.apply(atI));
        }
        return out;
    }

    /** The longest stretch of intervals at 0 % utilisation, as "120-150 s", or a dash when none. */
    static String idleStretch(TimeSeries t, List<Double> values) {
        int bestStart = -1;
        int bestLength = 0;
        int start = -1;
        for (int i = 0; i <= values.size(); i++) {
            boolean idle = i < values.size() && values.get(i) < IDLE;
            if (idle && start < 0) {
                start = i;
            } else if (!idle && start >= 0) {
                if (i - start > bestLength) {
                    bestLength = i - start;
                    bestStart = start;
                }
                start = -1;
            }
        }
        if (bestStart < 0) {
            return Html.NONE;
        }
        double from = t.startSeconds().get(bestStart);
        double to = t.startSeconds().get(bestStart + bestLength - 1) + t.intervalSeconds();
        return Html.plain(from) + "\u2013" + Html.plain(to) + " s";
    }

    private static Map<String, BackendResult> byId(Run r) {
        Map<String, BackendResult> byId = new LinkedHashMap<>();
        r.backends().forEach(b -> byId.put(b.id(), b));
        return byId;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private String focusNote() {
        return focusValue == null ? "" : " Runs at " + results.sweep().parameter() + " " + Html.plain(focusValue) + ".";
    }

    private static String panel(String title, String note, String figureHtml, String tableHtml) {
        return "<div class=\"panel\"><h3>" + Markup.escape(title) + "</h3><p class=\"muted\">" + Markup.escape(note)
                + "</p><div class=\"figure\">" + figureHtml + "</div><div class=\"beside\">" + tableHtml
                + "</div></div>\n";
    }

    private static Cell intervalCell(SimulationResults.Interval i) {
        return Cell.number(i.mean(), Recommendation.interval(i));
    }

    private static Cell msCell(Double ms) {
        return Cell.number(ms, Html.ms(ms));
    }

    private static Cell percentCell(Double share) {
        return Cell.number(share, Html.percent(share));
    }

    private static Cell timeCell(Double seconds) {
        return Cell.number(seconds, seconds == null ? Html.NONE : Html.plain(seconds));
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }
}
