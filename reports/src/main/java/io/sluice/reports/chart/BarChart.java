package io.sluice.reports.chart;

import io.sluice.reports.markup.Markup;
import java.util.List;
import java.util.Objects;

/**
 * A grouped bar chart as inline SVG: one group per category along x, one bar per {@link Series}
 * in each group, and an HTML legend. Like {@link LineChart} it carries
 * {@code class="chart" data-chart data-series} and one {@code <g class="series">} per series.
 */
public final class BarChart {
    /** Share of a category's band the bars fill; the rest separates groups. */
    private static final double GROUP_FILL = 0.8;

    /**
     * One bar per category.
     *
     * @param values one per category, NaN for no bar
     */
    public record Series(String label, int colour, List<Double> values) {
        public Series {
            Objects.requireNonNull(label, "label");
            values = List.copyOf(values);
        }
    }

    private final String kind;
    private final String title;
    private final List<String> categories;
    private final String categoryTitle;
    private final Axis yAxis;
    private final List<Series> series;

    /**
     * @throws IllegalArgumentException when a series has not one value per category
     */
    public BarChart(String kind, String title, List<String> categories, String categoryTitle, Axis yAxis,
                    List<Series> series) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.title = Objects.requireNonNull(title, "title");
        this.categories = List.copyOf(categories);
        this.categoryTitle = Objects.requireNonNull(categoryTitle, "categoryTitle");
        this.yAxis = Objects.requireNonNull(yAxis, "yAxis");
        this.series = List.copyOf(series);
        for (Series s : this.series) {
            if (s.values().size() != this.categories.size()) {
                throw new IllegalArgumentException("series " + s.label() + " has " + s.values().size()
                        + " values for " + this.categories.size() + " categories");
            }
        }
    }

    /** The chart as one {@code <svg>} element. */
    public String svg() {
        double min = Double.NaN;
        double max = Double.NaN;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    min = Double.isNaN(min) ? v : Math.min(min, v);
                    max = Double.isNaN(max) ? v : Math.max(max, v);
                }
            }
        }
        Scale ys = yAxis.scale(min, max);
        StringBuilder svg = new StringBuilder();
        Frame.open(svg, kind, title, series.size());
        Frame.yAxis(svg, ys, yAxis.title());
        Frame.xCategories(svg, categories, categoryTitle);
        double band = (Frame.x(1) - Frame.x(0)) / Math.max(1, categories.size());
        double barWidth = band * GROUP_FILL / Math.max(1, series.size());
        double zero = Frame.y(Math.max(0, Math.min(1, ys.fraction(Math.max(ys.min(), 0)))));
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            String colour = Palette.colour(s.colour());
            svg.append("<g class=\"series\" data-label=\"").append(Markup.escape(s.label())).append("\" fill=\"")
                    .append(colour).append("\"><title>").append(Markup.escape(s.label())).append("</title>");
            for (int c = 0; c < categories.size(); c++) {
                double v = s.values().get(c);
                double f = ys.fraction(v);
                if (!Double.isFinite(f)) {
                    continue;
                }
                double top = Frame.y(Math.max(0, Math.min(1, f)));
                double x = Frame.x(0) + band * c + band * (1 - GROUP_FILL) / 2 + barWidth * si;
                svg.append("<rect x=\"").append(Svg.n(x)).append("\" y=\"").append(Svg.n(Math.min(top, zero)))
                        .append("\" width=\"").append(Svg.n(Math.max(0.5, barWidth - 0.5))).append("\" height=\"")
                        .append(Svg.n(Math.abs(zero - top))).append("\"><title>")
                        .append(Markup.escape(s.label() + ", " + categories.get(c) + ": " + Numbers.plain(v, 4)))
                        .append("</title></rect>");
            }
            svg.append("</g>");
        }
        if (Double.isNaN(max)) {
            Frame.note(svg, "no data");
        }
        Frame.close(svg);
        return svg.toString();
    }

    /** The legend as an HTML list, one entry per series. */
    public String legend() {
        return Legend.html(series.stream().map(s -> new Legend.Entry(s.label(), s.colour(), true)).toList());
    }
}
