package io.sluice.config;

import java.util.Locale;

/**
 * A rate in events per second, written as a number ({@code 5000}) or a number over a unit of time
 * ({@code 5000/s}, {@code 300/min}, {@code 12/h}, {@code 2/day}).
 *
 * @param perSecond the rate, finite and &gt;= 0
 */
public record Rate(double perSecond) {
    /** What a rate may be, for messages. */
    public static final String FORM = "in requests per second, like 5000, 5000/s, 300/min or 12/h";

    /** The rate {@code text} denotes, or NaN when it is not a rate. */
    public static double parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        double per = 1;
        int slash = t.indexOf('/');
        if (slash >= 0) {
            per = switch (t.substring(slash + 1).trim()) {
                case "s", "sec", "second" -> 1;
                case "m", "min", "minute" -> 60;
                case "h", "hour" -> 3600;
                case "d", "day" -> 86400;
                default -> Double.NaN;
            };
            t = t.substring(0, slash).trim();
        }
        try {
            double r = Double.parseDouble(t) / per;
            return Double.isFinite(r) ? r : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
