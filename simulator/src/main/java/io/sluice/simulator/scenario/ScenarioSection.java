package io.sluice.simulator.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.algorithms.Durations;
import io.sluice.simulator.yaml.YamlMapping;
import java.util.List;
import java.util.Locale;

/**
 * One mapping of a scenario with its YAML path ({@code load-balancer.retries},
 * {@code backends[2]}): typed reads whose errors name the path, the bad value and what is allowed.
 * {@link #allow} declares the keys a mapping may hold and rejects any other at once, so a typo
 * ({@code warmup:} for {@code warm-up:}) fails instead of being silently ignored. The reads worded
 * alike for workloads live in {@link YamlMapping}; this class adds the scenario's own ranges.
 */
final class ScenarioSection extends YamlMapping {
    private ScenarioSection(JsonNode node, String path) {
        super(node, path, false);
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

    /** Declares the keys this mapping may hold; rejects any other key, listing the allowed ones. */
    ScenarioSection allow(String what, List<String> keys) {
        declare(what, keys);
        return this;
    }

    @Override
    public ScenarioException error(String key, String message) {
        return new ScenarioException(path(key) + ": " + message);
    }

    /** One of {@code choices}, case-insensitive, returned in lower case. */
    String choice(String key, String dflt, List<String> choices) {
        String allowedText = "one of " + String.join(", ", choices);
        String v = text(key, dflt, allowedText).trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) {
            throw error(key, show(raw().get(key)) + " is not allowed; " + allowedText);
        }
        return v;
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
        return number(raw().get(key), path(key), min, minExclusive, max);
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
        JsonNode v = raw().get(key);
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
        return duration(raw().get(key), path(key), minNanos, maxNanos);
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
        return of(raw().get(key), path(key), what);
    }

    /** A non-empty list under {@code key}; required. */
    JsonNode list(String key, String whatIsAllowed) {
        if (!has(key)) {
            throw error(key, "required; " + whatIsAllowed);
        }
        JsonNode v = raw().get(key);
        if (!v.isArray() || v.isEmpty()) {
            throw error(key, "expected a non-empty list, got " + show(v) + "; " + whatIsAllowed);
        }
        return v;
    }


}
