package io.sluice.reports.chart;

import java.math.BigDecimal;
import java.util.Locale;

/** Short tick labels: no trailing zeros, thousands as "k" and millions as "M" (1500 is "1.5k"). */
final class Numbers {
    private Numbers() {
    }

    /** {@code value} with at most {@code decimals} decimals, trailing zeros dropped. */
    static String plain(double value, int decimals) {
        if (value == 0) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%." + Math.max(0, decimals) + "f", value);
        String stripped = new BigDecimal(s).stripTrailingZeros().toPlainString();
        return stripped.equals("-0") ? "0" : stripped;
    }

    /** A compact label for a tick at {@code value} on an axis whose ticks are {@code step} apart. */
    static String compact(double value, double step) {
        double abs = Math.abs(value);
        if (abs >= 1e6 && step >= 1e5) {
            return plain(value / 1e6, decimalsFor(step / 1e6)) + "M";
        }
        if (abs >= 1e4 && step >= 1e3) {
            return plain(value / 1e3, decimalsFor(step / 1e3)) + "k";
        }
        return plain(value, decimalsFor(step));
    }

    /** Decimals needed to tell ticks {@code step} apart: 0.25 needs 2, 5 needs 0. */
    static int decimalsFor(double step) {
        if (step <= 0 || !Double.isFinite(step)) {
            return 2;
        }
        int decimals = 0;
        double scaled = step;
        while (decimals < 9 && Math.abs(scaled - Math.rint(scaled)) > 1e-9 * Math.max(1, Math.abs(scaled))) {
            scaled *= 10;
            decimals++;
        }
        return decimals;
    }
}
