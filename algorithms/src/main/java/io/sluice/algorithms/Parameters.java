package io.sluice.algorithms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validated parameter values of one strategy or wrapper: every declared parameter has a value
 * (the user's or the default), each within its declared range. Immutable.
 */
public final class Parameters {
    private final String owner;
    private final Map<String, Object> values;

    private Parameters(String owner, Map<String, Object> values) {
        this.owner = owner;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Validates raw values (strings, or numbers and booleans from YAML/JSON) against {@code specs}.
     *
     * @param owner what the parameters belong to, used in errors, e.g. {@code strategy 'p2c-least-request'}
     * @throws IllegalArgumentException naming the owner, the parameter, the bad value and what is allowed
     */
    public static Parameters parse(String owner, List<ParameterSpec> specs, Map<String, ?> raw) {
        Map<String, ParameterSpec> byName = new LinkedHashMap<>();
        for (ParameterSpec s : specs) {
            byName.put(s.name(), s);
        }
        for (String key : raw.keySet()) {
            if (!byName.containsKey(key)) {
                throw new IllegalArgumentException(owner + ": unknown parameter '" + key + "'; allowed: "
                        + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParameterSpec s : specs) {
            Object v = raw.get(s.name());
            values.put(s.name(), v == null ? s.defaultValue() : convert(owner, s, v));
        }
        return new Parameters(owner, values);
    }

    /** All defaults of {@code specs}. */
    public static Parameters defaults(String owner, List<ParameterSpec> specs) {
        return parse(owner, specs, Map.of());
    }

    private static Object convert(String owner, ParameterSpec s, Object raw) {
        String text = String.valueOf(raw).trim();
        String where = owner + ": parameter '" + s.name() + "'";
        switch (s.type()) {
            case INTEGER: {
                long v;
                try {
                    v = raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                            ? n.longValue() : Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + " must be a whole number in " + s.allowedText()
                            + ", got '" + text + "'");
                }
                if (v < s.min() || v > s.max()) {
                    throw new IllegalArgumentException(where + " must be in " + s.allowedText() + ", got " + v);
                }
                return v;
            }
            case NUMBER: {
                double v;
                try {
                    v = raw instanceof Number n ? n.doubleValue() : Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + " must be a number in " + s.allowedText()
                            + ", got '" + text + "'");
                }
                if (Double.isNaN(v) || v < s.min() || v > s.max()) {
                    throw new IllegalArgumentException(where + " must be in " + s.allowedText() + ", got " + text);
                }
                return v;
            }
            case DURATION: {
                long v = Durations.parseNanos(text, where);
                if (v < s.min() || v > s.max()) {
                    throw new IllegalArgumentException(where + " must be in " + s.allowedText() + ", got " + text);
                }
                return v;
            }
            case BOOLEAN: {
                String t = text.toLowerCase(Locale.ROOT);
                if (!t.equals("true") && !t.equals("false")) {
                    throw new IllegalArgumentException(where + " must be true or false, got '" + text + "'");
                }
                return Boolean.parseBoolean(t);
            }
            case CHOICE: {
                if (!s.choices().contains(text)) {
                    throw new IllegalArgumentException(where + " must be one of " + s.choices() + ", got '" + text + "'");
                }
                return text;
            }
            default:
                return text;
        }
    }

    public long getLong(String name) {
        return (Long) require(name);
    }

    public int getInt(String name) {
        return Math.toIntExact((Long) require(name));
    }

    public double getDouble(String name) {
        return (Double) require(name);
    }

    /** A DURATION parameter in nanoseconds. */
    public long getNanos(String name) {
        return (Long) require(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) require(name);
    }

    /** A CHOICE or TEXT parameter; null only for an optional TEXT without a value. */
    public String getString(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException(owner + " has no parameter '" + name + "'");
        }
        Object v = values.get(name);
        return v == null ? null : v.toString();
    }

    /** Every value by name, in declaration order. */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(owner + " has no value for parameter '" + name + "'");
        }
        return v;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        values.forEach((k, v) -> parts.add(k + "=" + v));
        return owner + parts;
    }
}
