package io.sluice.reports.chart;

import java.util.Locale;

/** Text of SVG elements: coordinates printed the same way on every run. */
final class Svg {
    private Svg() {
    }

    /** A coordinate with one decimal: enough for a 640-unit drawing, and short. */
    static String n(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
