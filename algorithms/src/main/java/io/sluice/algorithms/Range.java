package io.sluice.algorithms;

import java.util.Locale;

/**
 * The allowed values of one numeric setting, and the one wording every config error uses for
 * them: {@code 99 is out of range; a whole number from 0 to 10}. Immutable.
 *
 * <p>Each setting's range is declared once, beside its default, in the class that owns the setting
 * ({@code RetryPolicy.MAX_RETRIES}, {@code HealthCheckConfig.RISE}); builders check with it, the
 * config module reports its {@link SettingException}s at the YAML path, and the JSON Schemas carry
 * the same bounds.
 */
public final class Range {
    private enum Kind { WHOLE, NUMBER, DURATION }

    private final Kind kind;
    private final double min;
    private final boolean minExclusive;
    private final double max;

    private Range(Kind kind, double min, boolean minExclusive, double max) {
        this.kind = kind;
        this.min = min;
        this.minExclusive = minExclusive;
        this.max = max;
    }

    /** Whole numbers in {@code [min, max]}. */
    public static Range wholeNumber(long min, long max) {
        return new Range(Kind.WHOLE, min, false, max);
    }

    /** Real numbers in {@code [min, max]}. */
    public static Range number(double min, double max) {
        return new Range(Kind.NUMBER, min, false, max);
    }

    /** Real numbers in {@code (min, max]}. */
    public static Range numberAbove(double min, double max) {
        return new Range(Kind.NUMBER, min, true, max);
    }

    /** Durations in {@code [minNanos, maxNanos]}. */
    public static Range duration(long minNanos, long maxNanos) {
        return new Range(Kind.DURATION, minNanos, false, maxNanos);
    }

    public long minLong() {
        return (long) min;
    }

    public long maxLong() {
        return (long) max;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public boolean minExclusive() {
        return minExclusive;
    }

    public boolean contains(double v) {
        return !Double.isNaN(v) && (minExclusive ? v > min : v >= min) && v <= max;
    }

    /**
     * The allowed values in words: {@code a whole number from 0 to 10}, {@code a number > 1 and <= 1000},
     * {@code a duration from 1ms to 24h}.
     */
    public String describe() {
        return switch (kind) {
            case WHOLE -> "a whole number from " + (long) min + " to " + (long) max;
            case NUMBER -> minExclusive ? "a number > " + plain(min) + " and <= " + plain(max)
                    : "a number from " + plain(min) + " to " + plain(max);
            case DURATION -> "a duration from " + Durations.format((long) min) + " to " + Durations.format((long) max);
        };
    }

    /**
     * {@code value} when it is allowed.
     *
     * @throws SettingException naming the setting, the value and {@link #describe()}
     */
    public long check(String setting, long value) {
        if (!contains(value)) {
            throw new SettingException(setting, show(value) + " is out of range; " + describe());
        }
        return value;
    }

    /** As {@link #check(String, long)}, for a whole number that fits an {@code int}. */
    public int checkInt(String setting, long value) {
        return (int) check(setting, value);
    }

    /** As {@link #check(String, long)}, for a real number. */
    public double check(String setting, double value) {
        if (!contains(value) || Double.isInfinite(value)) {
            throw new SettingException(setting, plain(value) + " is out of range; " + describe());
        }
        return value;
    }

    private String show(long value) {
        if (kind == Kind.DURATION) {
            return value <= 0 ? value + "ns" : Durations.format(value);
        }
        return Long.toString(value);
    }

    /** A number without a trailing {@code .0} when it is whole: {@code 2}, {@code 0.5}. */
    public static String plain(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%s", d);
    }

    @Override
    public String toString() {
        return describe();
    }
}
