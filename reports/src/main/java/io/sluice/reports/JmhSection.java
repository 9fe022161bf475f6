package io.sluice.reports;

import io.sluice.reports.Table.Cell;
import io.sluice.reports.chart.Axis;
import io.sluice.reports.chart.LineChart;
import io.sluice.reports.chart.LineChart.Point;
import io.sluice.reports.jmh.JmhResult;
import io.sluice.reports.markup.Markup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The part of the report for JMH results (all JMH files together): the cost of one pick against
 * the number of backends, one chart per thread count with a line per strategy, and a table of
 * every result. A result is a pick cost when it is an average time per operation with a
 * {@code strategy} and a numeric {@code backends} parameter, as {@code PickBenchmark} writes.
 *
 * <p>Each number is the median of the measurement iterations rather than JMH's mean score: on a
 * shared machine one disturbed iteration moves the mean and leaves the median where it was.
 */
final class JmhSection {
    /** Nanoseconds per unit of JMH's average-time units. */
    private static final Map<String, Double> NANOS_PER = Map.of("ns/op", 1.0, "us/op", 1e3, "ms/op", 1e6, "s/op", 1e9);
    /** The weights value PickBenchmark uses for equal weights. */
    private static final String EQUAL_WEIGHTS = "1";

    /** One line of the chart: a strategy, with its weights profile when unequal. */
    private record Line(String benchmark, String strategy, String weights) {
        String label(boolean withBenchmark) {
            String label = strategy + (weights.isEmpty() || weights.equals(EQUAL_WEIGHTS) ? "" : " (weights " + weights + ")");
            return withBenchmark ? shortName(benchmark) + ": " + label : label;
        }
    }

    private JmhSection() {
    }

    static Page.Section render(List<Input.Jmh> inputs, String id) {
        // One result per benchmark, mode, thread count and parameters; a later file wins.
        Map<List<Object>, JmhResult> unique = new LinkedHashMap<>();
        for (Input.Jmh in : inputs) {
            for (JmhResult r : in.results()) {
                unique.put(List.of(r.benchmark(), r.mode(), r.threads(), new TreeMap<>(r.params())), r);
            }
        }
        List<JmhResult> results = new ArrayList<>(unique.values());
        StringBuilder html = new StringBuilder("<h2>Pick cost (JMH)</h2>\n");
        html.append("<p>From ")
                .append(Markup.escape(String.join(", ", inputs.stream().map(Input.Jmh::source).toList())))
                .append(". Median over the measurement iterations").append(jdk(results))
                .append(". Lower is better; with two threads each thread's time per pick is shown, so a line"
                        + " that rises from one to two threads marks contention between pickers.</p>\n");

        Map<Line, Map<Integer, Map<Integer, Double>>> cost = new LinkedHashMap<>(); // line -> threads -> backends -> ns
        TreeSet<Integer> threads = new TreeSet<>();
        TreeSet<Integer> backendCounts = new TreeSet<>();
        List<JmhResult> others = new ArrayList<>();
        for (JmhResult r : results) {
            Integer backends = backends(r);
            Double nanosPer = NANOS_PER.get(r.unit());
            double median = r.median();
            if (!r.mode().equals("avgt") || backends == null || nanosPer == null || !r.params().containsKey("strategy")
                    || Double.isNaN(median)) {
                others.add(r);
                continue;
            }
            Line line = new Line(r.benchmark(), r.params().get("strategy"), r.param("weights", ""));
            cost.computeIfAbsent(line, k -> new TreeMap<>()).computeIfAbsent(r.threads(), k -> new TreeMap<>())
                    .put(backends, median * nanosPer);
            threads.add(r.threads());
            backendCounts.add(backends);
        }
        boolean withBenchmark = cost.keySet().stream().map(Line::benchmark).distinct().count() > 1;
        if (!cost.isEmpty()) {
            Table table = new Table("pick-cost").text("strategy").number("backends");
            for (int t : threads) {
                table.number("ns per pick, " + t + (t == 1 ? " thread" : " threads"));
            }
            boolean ratio = threads.contains(1) && threads.contains(2);
            if (ratio) {
                table.number("2-thread / 1-thread throughput");
            }
            for (Map.Entry<Line, Map<Integer, Map<Integer, Double>>> e : cost.entrySet()) {
                for (int b : backendCounts) {
                    List<Cell> cells = new ArrayList<>(List.of(Cell.text(e.getKey().label(withBenchmark)),
                            Cell.number((double) b, Integer.toString(b))));
                    boolean any = false;
                    for (int t : threads) {
                        Double ns = e.getValue().getOrDefault(t, Map.of()).get(b);
                        any |= ns != null;
                        cells.add(Cell.number(ns, nanos(ns)));
                    }
                    if (ratio) {
                        Double one = e.getValue().getOrDefault(1, Map.of()).get(b);
                        Double two = e.getValue().getOrDefault(2, Map.of()).get(b);
                        // Two threads each taking `two` ns do 2/two picks per ns against 1/one for one thread.
                        Double r = one == null || two == null || two == 0 ? null : 2 * one / two;
                        cells.add(Cell.number(r, Html.num(r, 2)));
                    }
                    if (any) {
                        table.row(cells);
                    }
                }
            }
            StringBuilder charts = new StringBuilder();
            for (int t : threads) {
                List<LineChart.Series> series = new ArrayList<>();
                int colour = 0;
                for (Map.Entry<Line, Map<Integer, Map<Integer, Double>>> e : cost.entrySet()) {
                    List<Point> points = new ArrayList<>();
                    e.getValue().getOrDefault(t, Map.of()).forEach((b, ns) -> points.add(new Point(b, ns)));
                    // A strategy keeps its colour in every chart, measured at this thread count or not.
                    series.add(new LineChart.Series(e.getKey().label(withBenchmark), colour++, points));
                }
                LineChart chart = new LineChart("pick-cost", "Pick cost with " + t + (t == 1 ? " thread" : " threads"),
                        Axis.log("backends"), Axis.log("ns per pick (median)"), series);
                charts.append("<div class=\"figure\"><h4>").append(t).append(t == 1 ? " thread" : " threads")
                        .append("</h4>").append(chart.svg()).append(chart.legend()).append("</div>");
            }
            html.append("<div class=\"panel\"><h3>Cost per pick against backend count</h3><p class=\"muted\">One line"
                            + " per strategy, backends on a log scale; ")
                    .append(ratio ? "2-thread / 1-thread throughput is 2 x (1-thread ns) / (2-thread ns): 2.00 is"
                            + " perfect scaling." : "")
                    .append("</p>").append(charts).append("<div class=\"wide\">").append(table.html())
                    .append("</div></div>\n");
        }
        if (!others.isEmpty()) {
            Table table = new Table("jmh-other").text("benchmark").text("parameters").text("mode").number("threads")
                    .number("median").text("unit").number("iterations");
            for (JmhResult r : others) {
                double median = r.median();
                table.row(List.of(Cell.text(shortName(r.benchmark())), Cell.text(new TreeMap<>(r.params()).toString()),
                        Cell.text(r.mode()), Cell.count(r.threads()),
                        Cell.number(Double.isNaN(median) ? null : median, Html.num(median, 3)), Cell.text(r.unit()),
                        Cell.count(r.iterations().size())));
            }
            html.append("<h3>Other JMH results</h3>\n").append(table.html()).append('\n');
        }
        return new Page.Section(id, "Pick cost (JMH)", html.toString());
    }

    private static Integer backends(JmhResult r) {
        String b = r.params().get("backends");
        if (b == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(b.trim());
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String nanos(Double ns) {
        if (ns == null) {
            return Html.NONE;
        }
        return Html.num(ns, ns < 10 ? 2 : 1);
    }

    private static String jdk(List<JmhResult> results) {
        return results.stream().map(JmhResult::jdkVersion).filter(v -> !v.isEmpty()).findFirst()
                .map(v -> ", JDK " + v).orElse("");
    }

    /** {@code io.sluice.benchmarks.PickBenchmark.pick} is {@code PickBenchmark.pick}. */
    static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int type = method <= 0 ? -1 : benchmark.lastIndexOf('.', method - 1);
        return type < 0 ? benchmark : benchmark.substring(type + 1);
    }
}
