package io.sluice.reports.chart;

import io.sluice.reports.markup.Markup;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A line chart as inline SVG: one line per {@link Series}, with a gap where a value is missing
 * (NaN), markers on sparse series, and an HTML legend. The SVG carries
 * {@code class="chart" data-chart="<kind>" data-series="<count>"} and one
 * {@code <g class="series">} per series, so a test (or a script) can find it and count its lines.
 *
 * <pre>{@code
 * LineChart chart = new LineChart("latency-percentiles", "Latency by percentile",
 *         Axis.percentile("percentile"), Axis.log("latency (ms)"), series);
 * String html = chart.svg() + chart.legend();
 * }</pre>
 */
public final class LineChart {
    /** Series with at most this many points get a marker on every point. */
    static final int MARKER_LIMIT = 40;

    /** One point; {@code y} NaN (or {@code x} NaN) leaves a gap. */
    public record Point(double x, double y) {
    }

    /**
     * One line.
     *
     * @param label  its name in the legend and tooltips
     * @param colour its colour and dash index ({@link Palette}), so one strategy keeps its colour
     *               across charts
     */
    public record Series(String label, int colour, List<Point> points) {
        public Series {
            Objects.requireNonNull(label, "label");
            points = List.copyOf(points);
        }
    }

    private final String kind;
    private final String title;
    private final Axis xAxis;
    private final Axis yAxis;
    private final List<Series> series;

    /**
     * @param kind   a short name for what the chart shows, written as {@code data-chart}
     * @param title  the accessible title (the page shows its own caption)
     */
    public LineChart(String kind, String title, Axis xAxis, Axis yAxis, List<Series> series) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.title = Objects.requireNonNull(title, "title");
        this.xAxis = Objects.requireNonNull(xAxis, "xAxis");
        this.yAxis = Objects.requireNonNull(yAxis, "yAxis");
        this.series = List.copyOf(series);
    }

    /** The chart as one {@code <svg>} element. */
    public String svg() {
        Scale xs = xAxis.scale(min(true), max(true));
        Scale ys = yAxis.scale(min(false), max(false));
        StringBuilder svg = new StringBuilder();
        Frame.open(svg, kind, title, series.size());
        Frame.yAxis(svg, ys, yAxis.title());
        Frame.xAxis(svg, xs, xAxis.title());
        boolean any = false;
        for (Series s : series) {
            any |= drawSeries(svg, s, xs, ys);
        }
        if (!any) {
            Frame.note(svg, "no data");
        }
        Frame.close(svg);
        return svg.toString();
    }

    /** The legend as an HTML list, one entry per series with its line style. */
    public String legend() {
        return Legend.html(series.stream().map(s -> new Legend.Entry(s.label(), s.colour(), false)).toList());
    }

    private boolean drawSeries(StringBuilder svg, Series s, Scale xs, Scale ys) {
        String colour = Palette.colour(s.colour());
        svg.append("<g class=\"series\" data-label=\"").append(Markup.escape(s.label())).append("\"><title>")
                .append(Markup.escape(s.label())).append("</title>");
        // Runs of drawable points; a missing value ends one.
        List<List<double[]>> segments = new ArrayList<>();
        List<double[]> segment = new ArrayList<>();
        List<double[]> drawn = new ArrayList<>();
        for (Point p : s.points()) {
            double fx = xs.fraction(p.x());
            double fy = ys.fraction(p.y());
            if (!Double.isFinite(fx) || !Double.isFinite(fy)) {
                if (!segment.isEmpty()) {
                    segments.add(segment);
                    segment = new ArrayList<>();
                }
                continue;
            }
            double[] d = {Frame.x(clamp(fx)), Frame.y(clamp(fy)), p.x(), p.y()};
            segment.add(d);
            drawn.add(d);
        }
        if (!segment.isEmpty()) {
            segments.add(segment);
        }
        StringBuilder path = new StringBuilder();
        for (List<double[]> seg : segments) {
            for (int i = 0; i < seg.size(); i++) {
                path.append(path.length() == 0 ? "M" : i == 0 ? " M" : " L").append(Svg.n(seg.get(i)[0])).append(' ')
                        .append(Svg.n(seg.get(i)[1]));
            }
            if (seg.size() == 1) {
                // A lone value between gaps: a zero-length stroke with round caps draws it as a dot.
                path.append(" l0 0");
            }
        }
        if (!drawn.isEmpty()) {
            svg.append("<path class=\"line ").append(Palette.dashClass(s.colour())).append("\" d=\"").append(path)
                    .append("\" stroke=\"").append(colour).append("\"/>");
        }
        if (drawn.size() <= MARKER_LIMIT) {
            for (double[] d : drawn) {
                svg.append("<circle cx=\"").append(Svg.n(d[0])).append("\" cy=\"").append(Svg.n(d[1]))
                        .append("\" r=\"3\" fill=\"").append(colour).append("\"><title>")
                        .append(Markup.escape(s.label() + ": " + Numbers.plain(d[2], 4) + ", "
                                + Numbers.plain(d[3], 4)))
                        .append("</title></circle>");
            }
        }
        svg.append("</g>");
        return !drawn.isEmpty();
    }

    /** Points are inside the scale by construction; clamping only absorbs rounding at the edges. */
    private static double clamp(double f) {
        return Math.max(0, Math.min(1, f));
    }

    /** Smallest drawable coordinate over every series (x or y); NaN when none. */
    private double min(boolean x) {
        double min = Double.NaN;
        for (Series s : series) {
            for (Point p : s.points()) {
                double v = x ? p.x() : p.y();
                if (drawable(x ? xAxis : yAxis, v) && (Double.isNaN(min) || v < min)) {
                    min = v;
                }
            }
        }
        return min;
    }

    private double max(boolean x) {
        double max = Double.NaN;
        for (Series s : series) {
            for (Point p : s.points()) {
                double v = x ? p.x() : p.y();
                if (drawable(x ? xAxis : yAxis, v) && (Double.isNaN(max) || v > max)) {
                    max = v;
                }
            }
        }
        return max;
    }

    private static boolean drawable(Axis axis, double v) {
        if (!Double.isFinite(v)) {
            return false;
        }
        return switch (axis.kind()) {
            case LOG -> v > 0;
            case PERCENTILE -> v >= 0 && v < 100;
            default -> true;
        };
    }
}
