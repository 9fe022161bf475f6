package io.sluice.algorithms;

import java.util.Locale;

/** Parses and prints the durations that strategy parameters and configs use: {@code 250ms}, {@code 10s}. */
public final class Durations {
    private Durations() {
    }

    /**
     * Parses a number followed by ns, us, ms, s, m or h into nanoseconds.
     *
     * @param what names the value in the error, e.g. the parameter or YAML path
     * @throws IllegalArgumentException naming {@code what}, the text and the allowed form
     */
    public static long parseNanos(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + ": a duration is required, like 250ms or 10s");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        String number = t.substring(0, i);
        String unit = t.substring(i).trim();
        long scale = switch (unit) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> -1L;
        };
        if (number.isEmpty() || scale < 0) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a duration; write a number and a unit"
                    + " (ns, us, ms, s, m, h), like 250ms or 10s");
        }
        double value;
        try {
            value = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a duration; write a number and a unit"
                    + " (ns, us, ms, s, m, h), like 250ms or 10s");
        }
        double nanos = value * scale;
        if (nanos > Long.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": '" + text + "' is too long a duration");
        }
        return Math.round(nanos);
    }

    /** Prints nanoseconds with the largest unit that keeps it a whole number: 10s, 250ms, 1500us. */
    public static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        long[] scales = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        String[] units = {"h", "m", "s", "ms", "us", "ns"};
        for (int i = 0; i < scales.length; i++) {
            if (nanos % scales[i] == 0) {
                return nanos / scales[i] + units[i];
            }
        }
        return nanos + "ns";
    }
}
