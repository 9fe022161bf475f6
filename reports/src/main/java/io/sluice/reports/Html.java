package io.sluice.reports;

import java.util.Locale;

/** The number formats the report uses everywhere (dot decimals, whatever the locale). */
final class Html {
    /** What a table shows for a value that does not exist. */
    static final String NONE = "\u2013";

    private Html() {
    }

    /** Milliseconds to about three significant digits: 0.912, 15.1, 120, 1234. */
    static String ms(Double ms) {
        if (ms == null || !Double.isFinite(ms)) {
            return NONE;
        }
        if (ms >= 100) {
            return fmt("%.0f", ms);
        }
        if (ms >= 10) {
            return fmt("%.1f", ms);
        }
        if (ms >= 1) {
            return fmt("%.2f", ms);
        }
        return fmt("%.3f", ms);
    }

    /** A share as a percentage, with more digits for small ones: 0.00027 is "0.027 %". */
    static String percent(Double share) {
        if (share == null || !Double.isFinite(share)) {
            return NONE;
        }
        double pct = share * 100;
        if (pct == 0) {
            return "0 %";
        }
        String pattern = pct >= 10 ? "%.1f" : pct >= 1 ? "%.2f" : pct >= 0.01 ? "%.3f" : "%.2g";
        return fmt(pattern, pct) + " %";
    }

    /** A number with {@code decimals} decimals. */
    static String num(Double value, int decimals) {
        if (value == null || !Double.isFinite(value)) {
            return NONE;
        }
        return fmt("%." + decimals + "f", value);
    }

    /** A count with thin grouping: 3000000 is "3 000 000". */
    static String count(Long value) {
        if (value == null) {
            return NONE;
        }
        return String.format(Locale.ROOT, "%,d", value).replace(',', '\u202f');
    }

    /** A plain number without trailing zeros (a sweep value, a time): 0.5, 120, 1.25. */
    static String plain(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new java.math.BigDecimal(fmt("%.6f", value)).stripTrailingZeros().toPlainString();
    }

    /** A machine-readable sort key for a table cell; empty for a missing value. */
    static String key(Double value) {
        return value == null || !Double.isFinite(value) ? "" : Double.toString(value);
    }

    /** A slug for an element id: lower-case letters, digits and dashes. */
    static String slug(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "x" : s;
    }

    static String fmt(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }
}
