package io.sluice.algorithms;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Declares one parameter of a strategy or wrapper: its name, type, default, allowed range and a
 * one-line description. {@link Parameters#parse} validates user input against these, and
 * {@code ./sluice strategies} prints them.
 */
public final class ParameterSpec {
    /** The value types a parameter may have. */
    public enum Type {
        /** A whole number (Java {@code long}). */
        INTEGER,
        /** A real number. */
        NUMBER,
        /** A duration: a number with a unit ns, us, ms, s, m or h, e.g. {@code 250ms}, {@code 10s}. */
        DURATION,
        /** true or false. */
        BOOLEAN,
        /** One of a fixed list of words. */
        CHOICE,
        /** Free text. */
        TEXT
    }

    private final String name;
    private final Type type;
    private final Object defaultValue;
    private final String description;
    private final double min;
    private final double max;
    private final List<String> choices;

    private ParameterSpec(String name, Type type, Object defaultValue, String description, double min, double max,
                          List<String> choices) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description);
        this.min = min;
        this.max = max;
        this.choices = List.copyOf(choices);
    }

    /** A whole-number parameter in [min, max]. */
    public static ParameterSpec integer(String name, long defaultValue, long min, long max, String description) {
        return new ParameterSpec(name, Type.INTEGER, defaultValue, description, min, max, List.of());
    }

    /** A real-number parameter in [min, max]. */
    public static ParameterSpec number(String name, double defaultValue, double min, double max, String description) {
        return new ParameterSpec(name, Type.NUMBER, defaultValue, description, min, max, List.of());
    }

    /** A duration parameter; default and bounds as text like {@code 10s}, stored in nanoseconds. */
    public static ParameterSpec duration(String name, String defaultValue, String min, String max, String description) {
        return new ParameterSpec(name, Type.DURATION, Durations.parseNanos(defaultValue, name), description,
                Durations.parseNanos(min, name), Durations.parseNanos(max, name), List.of());
    }

    public static ParameterSpec bool(String name, boolean defaultValue, String description) {
        return new ParameterSpec(name, Type.BOOLEAN, defaultValue, description, 0, 0, List.of());
    }

    public static ParameterSpec choice(String name, String defaultValue, List<String> choices, String description) {
        if (!choices.contains(defaultValue)) {
            throw new IllegalArgumentException("default '" + defaultValue + "' of " + name + " is not in " + choices);
        }
        return new ParameterSpec(name, Type.CHOICE, defaultValue, description, 0, 0, choices);
    }

    /** Free text; a null default means the parameter is optional with no value. */
    public static ParameterSpec text(String name, String defaultValue, String description) {
        return new ParameterSpec(name, Type.TEXT, defaultValue, description, 0, 0, List.of());
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    /** Default value: Long, Double, Long nanoseconds, Boolean or String; may be null for TEXT. */
    public Object defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public List<String> choices() {
        return choices;
    }

    /** The default as a user would write it, e.g. {@code 10s}, {@code 0.25}, {@code maglev}. */
    public String defaultText() {
        if (defaultValue == null) {
            return "(none)";
        }
        return type == Type.DURATION ? Durations.format((Long) defaultValue) : String.valueOf(defaultValue);
    }

    /** The allowed values as a user would read them, e.g. {@code 1..1000}, {@code one of [a, b]}. */
    public String allowedText() {
        return switch (type) {
            case INTEGER -> (long) min + ".." + (max >= Long.MAX_VALUE ? "" : String.valueOf((long) max));
            case NUMBER -> fmt(min) + ".." + fmt(max);
            case DURATION -> Durations.format((long) min) + ".." + Durations.format((long) max);
            case BOOLEAN -> "true|false";
            case CHOICE -> String.join("|", choices);
            case TEXT -> "text";
        };
    }

    private static String fmt(double d) {
        if (Double.isInfinite(d)) {
            return "";
        }
        return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%s", d);
    }

    @Override
    public String toString() {
        return name + "=" + defaultText() + " (" + allowedText() + ")";
    }
}
