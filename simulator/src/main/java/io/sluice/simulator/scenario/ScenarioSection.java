package io.sluice.simulator.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.algorithms.Durations;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * One mapping of a scenario with its YAML path ({@code load-balancer.retries},
 * {@code backends[2]}): typed reads whose errors name the path, the bad value and what is allowed.
 * {@link #allow} declares the keys a mapping may hold and rejects any other at once, so a typo
 * ({@code warmup:} for {@code warm-up:}) fails instead of being silently ignored.
 */
final class ScenarioSection {
    private final JsonNode node;
    private final String path;
    private final List<String> allowed = new ArrayList<>();

    private ScenarioSection(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /**
     * @param what what the mapping is, for the error when it is not one ("a backend group")
     * @throws ScenarioException when {@code node} is missing or not a mapping
     */
    static ScenarioSection of(JsonNode node, String path, String what) {
        String where = path.isEmpty() ? "" : path + ": ";
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new ScenarioException(where + "missing; expected " + what);
        }
        if (!node.isObject()) {
            throw new ScenarioException(where + "expected " + what + " (a mapping of key: value), got " + show(node));
        }
        return new ScenarioSection(node, path);
    }

    String path() {
        return path;
    }

    /** The path of a key of this mapping; the root mapping has the empty path. */
    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    JsonNode raw() {
        return node;
    }

    /** Declares the keys this mapping may hold; rejects any other key, listing the allowed ones. */
    ScenarioSection allow(String what, List<String> keys) {
        allowed.addAll(keys);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw error(name, "unknown field for " + what + "; allowed: " + String.join(", ", allowed));
            }
        }
        return this;
    }

    /** Whether the key is present with a non-null value. */
    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** The value of a key, or null when absent. */
    JsonNode get(String key) {
        return has(key) ? node.get(key) : null;
    }

    ScenarioException error(String key, String message) {
        return new ScenarioException(path(key) + ": " + message);
    }

    /** A scalar's text; {@code dflt} when absent, required when {@code dflt} is null. */
    String text(String key, String dflt, String whatIsAllowed) {
        if (!has(key)) {
            if (dflt == null) {
                throw error(key, "required; " + whatIsAllowed);
            }
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isValueNode()) {
            throw error(key, "expected a single value, got " + show(v) + "; " + whatIsAllowed);
        }
        return v.asText();
    }

    /** One of {@code choices}, case-insensitive, returned in lower case. */
    String choice(String key, String dflt, List<String> choices) {
        String allowedText = "one of " + String.join(", ", choices);
        String v = text(key, dflt, allowedText).trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) {
            throw error(key, show(node.get(key)) + " is not allowed; " + allowedText);
        }
        return v;
    }

    boolean bool(String key, boolean dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String t = v.isValueNode() ? v.asText().trim().toLowerCase(Locale.ROOT) : "";
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw error(key, show(v) + " is not allowed; write true or false");
    }

    /**
     * A finite number in {@code [min, max]} (or {@code (min, max]} when {@code minExclusive});
     * {@code dflt} when absent, required when {@code dflt} is NaN.
     */
    double number(String key, double dflt, double min, boolean minExclusive, double max) {
        String range = numberRange(min, minExclusive, max);
        if (!has(key)) {
            if (Double.isNaN(dflt)) {
                throw error(key, "required; " + range);
            }
            return dflt;
        }
        return number(node.get(key), path(key), min, minExclusive, max);
    }

    /** A number node checked as {@link #number(String, double, double, boolean, double)} does. */
    static double number(JsonNode v, String where, double min, boolean minExclusive, double max) {
        String range = numberRange(min, minExclusive, max);
        double d;
        if (v.isNumber()) {
            d = v.doubleValue();
        } else if (v.isTextual()) {
            try {
                d = Double.parseDouble(v.asText().trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ScenarioException(where + ": " + show(v) + " is not a number; " + range);
            }
        } else {
            throw new ScenarioException(where + ": " + show(v) + " is not a number; " + range);
        }
        boolean low = minExclusive ? d > min : d >= min;
        if (!Double.isFinite(d) || !low || d > max) {
            throw new ScenarioException(where + ": " + show(v) + " is out of range; " + range);
        }
        return d;
    }

    private static String numberRange(double min, boolean minExclusive, double max) {
        if (max == Double.MAX_VALUE) {
            return "a number " + (minExclusive ? "> " : ">= ") + plain(min);
        }
        return minExclusive ? "a number > " + plain(min) + " and <= " + plain(max)
                : "a number from " + plain(min) + " to " + plain(max);
    }

    /** A whole number in [min, max]; {@code dflt} when absent, required when {@code dflt} is null. */
    long integer(String key, Long dflt, long min, long max) {
        String range = "a whole number from " + min + " to " + max;
        if (!has(key)) {
            if (dflt == null) {
                throw error(key, "required; " + range);
            }
            return dflt;
        }
        JsonNode v = node.get(key);
        long n;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            n = v.longValue();
        } else if (v.isTextual()) {
            try {
                n = Long.parseLong(v.asText().trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw error(key, show(v) + " is not a whole number; " + range);
            }
        } else {
            throw error(key, show(v) + " is not a whole number; " + range);
        }
        if (n < min || n > max) {
            throw error(key, show(v) + " is out of range; " + range);
        }
        return n;
    }

    int integer(String key, int dflt, int min, int max) {
        return (int) integer(key, (Long) (long) dflt, min, max);
    }

    /**
     * A duration such as {@code 250ms} or {@code 10s} in nanoseconds, in {@code [minNanos, maxNanos]};
     * a bare {@code 0} is zero. {@code dflt} when absent, required when {@code dflt} is null.
     */
    long duration(String key, Long dflt, long minNanos, long maxNanos) {
        if (!has(key)) {
            if (dflt == null) {
                throw error(key, "required; " + durationRange(minNanos, maxNanos));
            }
            return dflt;
        }
        return duration(node.get(key), path(key), minNanos, maxNanos);
    }

    /** A duration node checked as {@link #duration(String, Long, long, long)} does. */
    static long duration(JsonNode v, String where, long minNanos, long maxNanos) {
        String range = durationRange(minNanos, maxNanos);
        if (!v.isValueNode() || v.isBoolean()) {
            throw new ScenarioException(where + ": " + show(v) + " is not a duration; " + range);
        }
        String t = v.asText().trim();
        long nanos;
        if (t.equals("0")) {
            nanos = 0;
        } else {
            try {
                nanos = Durations.parseNanos(t, where);
            } catch (IllegalArgumentException e) {
                throw new ScenarioException(where + ": " + show(v) + " is not a duration; " + range);
            }
        }
        if (nanos < minNanos || nanos > maxNanos) {
            throw new ScenarioException(where + ": " + show(v) + " is out of range; " + range);
        }
        return nanos;
    }

    private static String durationRange(long minNanos, long maxNanos) {
        return "a duration " + (maxNanos == Long.MAX_VALUE ? ">= " + Durations.format(minNanos)
                : "from " + Durations.format(minNanos) + " to " + Durations.format(maxNanos))
                + " with a unit (ns, us, ms, s, m, h), like 250ms or 10s";
    }

    /** A nested mapping; required. */
    ScenarioSection section(String key, String what) {
        if (!has(key)) {
            throw error(key, "required; " + what);
        }
        return of(node.get(key), path(key), what);
    }

    /** A non-empty list under {@code key}; required. */
    JsonNode list(String key, String whatIsAllowed) {
        if (!has(key)) {
            throw error(key, "required; " + whatIsAllowed);
        }
        JsonNode v = node.get(key);
        if (!v.isArray() || v.isEmpty()) {
            throw error(key, "expected a non-empty list, got " + show(v) + "; " + whatIsAllowed);
        }
        return v;
    }

    /** A value as users wrote it, for messages: text quoted, structures shortened. */
    static String show(JsonNode v) {
        if (v == null) {
            return "nothing";
        }
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
