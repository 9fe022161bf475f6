package io.sluice.reports.chart;

import io.sluice.reports.markup.Markup;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The drawing area every chart shares: a 640 x 320 view box with room on the left for the y tick
 * labels and title and at the bottom for the x tick labels and title. Writes the axes, grid lines
 * and tick labels, dropping labels that would overlap (minor ones first).
 */
final class Frame {
    static final double WIDTH = 640;
    static final double HEIGHT = 320;
    static final double LEFT = 70;
    static final double RIGHT = 34;
    static final double TOP = 14;
    static final double BOTTOM = 52;
    /** Rough width of one character of a 12.5-unit tick label, for overlap checks. */
    private static final double CHAR_WIDTH = 7.2;
    private static final double LABEL_HEIGHT = 15;

    private Frame() {
    }

    static double x(double fraction) {
        return LEFT + fraction * (WIDTH - LEFT - RIGHT);
    }

    static double y(double fraction) {
        return HEIGHT - BOTTOM - fraction * (HEIGHT - TOP - BOTTOM);
    }

    static void open(StringBuilder svg, String kind, String title, int seriesCount) {
        svg.append("<svg class=\"chart\" data-chart=\"").append(Markup.escape(kind)).append("\" data-series=\"")
                .append(seriesCount).append("\" viewBox=\"0 0 ").append(Svg.n(WIDTH)).append(' ')
                .append(Svg.n(HEIGHT)).append("\" role=\"img\" aria-label=\"").append(Markup.escape(title))
                .append("\" preserveAspectRatio=\"xMidYMid meet\">")
                .append("<title>").append(Markup.escape(title)).append("</title>");
    }

    static void close(StringBuilder svg) {
        svg.append("</svg>");
    }

    /** A note in the middle of the plot, for a chart without data. */
    static void note(StringBuilder svg, String text) {
        svg.append("<text class=\"note\" x=\"").append(Svg.n(x(0.5))).append("\" y=\"").append(Svg.n(y(0.5)))
                .append("\" text-anchor=\"middle\">").append(Markup.escape(text)).append("</text>");
    }

    static void yAxis(StringBuilder svg, Scale scale, String title) {
        List<Tick> placed = place(scale.ticks(), t -> y(scale.fraction(t.value())), t -> LABEL_HEIGHT);
        svg.append("<g class=\"axis y\">");
        for (Tick t : scale.ticks()) {
            double f = scale.fraction(t.value());
            if (!(f >= -1e-9 && f <= 1 + 1e-9)) {
                continue;
            }
            double y = y(f);
            svg.append("<line class=\"").append(t.major() ? "grid" : "grid minor").append("\" x1=\"")
                    .append(Svg.n(x(0))).append("\" x2=\"").append(Svg.n(x(1))).append("\" y1=\"").append(Svg.n(y))
                    .append("\" y2=\"").append(Svg.n(y)).append("\"/>");
            if (placed.contains(t)) {
                svg.append("<text x=\"").append(Svg.n(x(0) - 6)).append("\" y=\"").append(Svg.n(y + 4))
                        .append("\" text-anchor=\"end\">").append(Markup.escape(t.label())).append("</text>");
            }
        }
        double mid = y(0.5);
        svg.append("<text class=\"title\" transform=\"translate(15 ").append(Svg.n(mid))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(Markup.escape(title)).append("</text>");
        svg.append("<line class=\"frame\" x1=\"").append(Svg.n(x(0))).append("\" x2=\"").append(Svg.n(x(0)))
                .append("\" y1=\"").append(Svg.n(y(0))).append("\" y2=\"").append(Svg.n(y(1))).append("\"/>");
        svg.append("</g>");
    }

    static void xAxis(StringBuilder svg, Scale scale, String title) {
        List<Tick> placed = place(scale.ticks(), t -> x(scale.fraction(t.value())),
                t -> t.label().length() * CHAR_WIDTH + 8);
        svg.append("<g class=\"axis x\">");
        for (Tick t : scale.ticks()) {
            double f = scale.fraction(t.value());
            if (!(f >= -1e-9 && f <= 1 + 1e-9)) {
                continue;
            }
            double x = x(f);
            svg.append("<line class=\"").append(t.major() ? "grid" : "grid minor").append("\" x1=\"")
                    .append(Svg.n(x)).append("\" x2=\"").append(Svg.n(x)).append("\" y1=\"").append(Svg.n(y(0)))
                    .append("\" y2=\"").append(Svg.n(y(1))).append("\"/>");
            if (placed.contains(t)) {
                svg.append("<text x=\"").append(Svg.n(x)).append("\" y=\"").append(Svg.n(y(0) + 17))
                        .append("\" text-anchor=\"middle\">").append(Markup.escape(t.label())).append("</text>");
            }
        }
        xTitle(svg, title);
        baseline(svg);
        svg.append("</g>");
    }

    /** Category labels centred under their bands; rotated when they do not fit side by side. */
    static void xCategories(StringBuilder svg, List<String> categories, String title) {
        svg.append("<g class=\"axis x\">");
        double band = (x(1) - x(0)) / Math.max(1, categories.size());
        int longest = categories.stream().mapToInt(String::length).max().orElse(1);
        boolean rotate = longest * CHAR_WIDTH + 6 > band;
        // Rotated labels are 45 degrees apart per LABEL_HEIGHT; when even that is too tight, label every k-th.
        int every = rotate ? (int) Math.max(1, Math.ceil(LABEL_HEIGHT * 1.4 / band)) : 1;
        for (int i = 0; i < categories.size(); i++) {
            if (i % every != 0) {
                continue;
            }
            double cx = x(0) + band * (i + 0.5);
            String label = Markup.escape(categories.get(i));
            if (rotate) {
                svg.append("<text transform=\"translate(").append(Svg.n(cx + 3)).append(' ')
                        .append(Svg.n(y(0) + 10)).append(") rotate(-35)\" text-anchor=\"end\">").append(label)
                        .append("</text>");
            } else {
                svg.append("<text x=\"").append(Svg.n(cx)).append("\" y=\"").append(Svg.n(y(0) + 17))
                        .append("\" text-anchor=\"middle\">").append(label).append("</text>");
            }
        }
        if (!rotate) {
            xTitle(svg, title);
        }
        baseline(svg);
        svg.append("</g>");
    }

    private static void xTitle(StringBuilder svg, String title) {
        svg.append("<text class=\"title\" x=\"").append(Svg.n(x(0.5))).append("\" y=\"")
                .append(Svg.n(HEIGHT - 10)).append("\" text-anchor=\"middle\">").append(Markup.escape(title))
                .append("</text>");
    }

    private static void baseline(StringBuilder svg) {
        svg.append("<line class=\"frame\" x1=\"").append(Svg.n(x(0))).append("\" x2=\"").append(Svg.n(x(1)))
                .append("\" y1=\"").append(Svg.n(y(0))).append("\" y2=\"").append(Svg.n(y(0))).append("\"/>");
    }

    /**
     * The labelled ticks that fit without overlapping: major ticks first, greedily in order, then
     * minor ones in the gaps left.
     */
    private static List<Tick> place(List<Tick> ticks, ToDoubleFunction<Tick> position,
                                    ToDoubleFunction<Tick> extent) {
        List<double[]> taken = new ArrayList<>();
        List<Tick> placed = new ArrayList<>();
        for (boolean major : new boolean[] {true, false}) {
            for (Tick t : ticks) {
                if (t.major() != major || t.label().isEmpty()) {
                    continue;
                }
                double p = position.applyAsDouble(t);
                if (!Double.isFinite(p)) {
                    continue;
                }
                double half = extent.applyAsDouble(t) / 2;
                double lo = p - half;
                double hi = p + half;
                boolean free = taken.stream().noneMatch(r -> lo < r[1] && hi > r[0]);
                if (free) {
                    taken.add(new double[] {lo, hi});
                    placed.add(t);
                }
            }
        }
        return placed;
    }
}
