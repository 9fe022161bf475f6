package io.sluice.simulator.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.algorithms.Durations;
import io.sluice.simulator.yaml.YamlMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One mapping of the scenario YAML with its path ({@code workload.sources[1]}): typed reads whose
 * errors name the path, the bad value and what is allowed, and a final check that every key was
 * one the reader asked for, so a typo ({@code perod:}) fails instead of being ignored. The reads
 * worded alike for scenarios live in {@link YamlMapping}; this class adds the workload's own ranges
 * and rates.
 */
final class YamlSection extends YamlMapping {
    private YamlSection(JsonNode node, String path) {
        super(node, path, true);
    }

    static YamlSection of(JsonNode node, String path) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new WorkloadException(path + ": missing; a workload needs at least a kind, like 'kind: poisson'");
        }
        if (!node.isObject()) {
            throw new WorkloadException(path + ": expected a mapping of fields (kind: ..., ...), got " + show(node));
        }
        return new YamlSection(node, path);
    }

    /**
     * Declares the keys this mapping may hold and rejects any other at once, listing the allowed
     * ones; later reads of an undeclared key are a programming error.
     */
    YamlSection allow(String where, List<String> keys) {
        declare(where, keys);
        return this;
    }

    @Override
    public WorkloadException error(String key, String message) {
        return new WorkloadException(path(key) + ": " + message);
    }

    /** The text of a required scalar. */
    String requiredText(String key, String whatIsAllowed) {
        return text(key, null, whatIsAllowed);
    }

    String text(String key, String dflt) {
        return has(key) ? text(key, null, "a text value") : dflt;
    }

    /** One of {@code allowed}, case-insensitive, returned in lower case. */
    String choice(String key, String dflt, List<String> allowed) {
        String allowedText = "one of " + String.join(", ", allowed);
        if (!has(key)) {
            if (dflt == null) {
                throw error(key, "required; " + allowedText);
            }
            return dflt;
        }
        String v = requiredText(key, allowedText).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw error(key, "'" + raw().get(key).asText() + "' is not allowed; " + allowedText);
        }
        return v;
    }

    /** A finite number in [min, max]; {@code dflt} when absent, or required when {@code dflt} is NaN. */
    double number(String key, double dflt, double min, double max) {
        // The upper bound Double.MAX_VALUE reads as "any" in this dialect ("a number from 0 to any").
        String range = "a number from " + plain(min) + " to " + (max == Double.MAX_VALUE ? "any" : plain(max));
        if (!has(key)) {
            if (Double.isNaN(dflt)) {
                throw error(key, "required; " + range);
            }
            return dflt;
        }
        JsonNode v = raw().get(key);
        double d;
        if (v.isNumber()) {
            d = v.doubleValue();
        } else {
            try {
                d = Double.parseDouble(requiredText(key, range).trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw error(key, show(v) + " is not a number; " + range);
            }
        }
        if (!Double.isFinite(d) || d < min || d > max) {
            throw error(key, show(v) + " is out of range; " + range);
        }
        return d;
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
        } else {
            try {
                n = Long.parseLong(requiredText(key, range).trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw error(key, show(v) + " is not a whole number; " + range);
            }
        }
        if (n < min || n > max) {
            throw error(key, show(v) + " is out of range; " + range);
        }
        return n;
    }

    /**
     * A duration such as {@code 250ms} or {@code 10s} (see {@link Durations}) in nanoseconds, in
     * [minNanos, maxNanos]; {@code dflt} when absent, required when {@code dflt} is null.
     */
    long duration(String key, Long dflt, long minNanos, long maxNanos) {
        String range = "a duration from " + Durations.format(minNanos) + " to "
                + (maxNanos == Long.MAX_VALUE ? "any length" : Durations.format(maxNanos)) + ", like 250ms or 10s";
        if (!has(key)) {
            if (dflt == null) {
                throw error(key, "required; " + range);
            }
            return dflt;
        }
        JsonNode v = raw().get(key);
        if (!v.isValueNode()) {
            throw error(key, show(v) + " is not a duration; " + range);
        }
        long nanos;
        try {
            nanos = Durations.parseNanos(v.asText(), path(key));
        } catch (IllegalArgumentException e) {
            throw new WorkloadException(e.getMessage(), e);
        }
        if (nanos < minNanos || nanos > maxNanos) {
            throw error(key, show(v) + " is out of range; " + range);
        }
        return nanos;
    }

    /**
     * A rate in requests per second: a number ({@code 5000}) or a number over a unit of time
     * ({@code 5000/s}, {@code 300/min}, {@code 12/h}); must be &gt; 0. Required when {@code dflt}
     * is NaN.
     */
    double rate(String key, double dflt) {
        return rate(key, dflt, false);
    }

    /** As {@link #rate(String, double)}, optionally allowing 0 (an off state that sends nothing). */
    double rate(String key, double dflt, boolean zeroAllowed) {
        String allowed = "a rate " + (zeroAllowed ? ">= 0" : "> 0")
                + " in requests per second, like 5000, 5000/s, 300/min or 12/h";
        if (!has(key)) {
            if (Double.isNaN(dflt)) {
                throw error(key, "required; " + allowed);
            }
            return dflt;
        }
        JsonNode v = raw().get(key);
        double r;
        if (v.isNumber()) {
            r = v.doubleValue();
        } else {
            String t = requiredText(key, allowed).trim().toLowerCase(Locale.ROOT).replace("_", "");
            double per = 1;
            int slash = t.indexOf('/');
            if (slash >= 0) {
                per = switch (t.substring(slash + 1).trim()) {
                    case "s", "sec", "second" -> 1;
                    case "m", "min", "minute" -> 60;
                    case "h", "hour" -> 3600;
                    case "d", "day" -> 86400;
                    default -> throw error(key, show(v) + " is not a rate; " + allowed);
                };
                t = t.substring(0, slash).trim();
            }
            try {
                r = Double.parseDouble(t) / per;
            } catch (NumberFormatException e) {
                throw error(key, show(v) + " is not a rate; " + allowed);
            }
        }
        if (!(r > 0 || (zeroAllowed && r == 0)) || !Double.isFinite(r)) {
            throw error(key, show(v) + " is not allowed; " + allowed);
        }
        return r;
    }

    /**
     * A message type (see {@link MessageTypes}): the text of a whole number from 0 to
     * {@link Integer#MAX_VALUE} or of a word; a YAML number outside that range is refused.
     */
    String messageType(String key) {
        String allowed = "a whole number from 0 to " + Integer.MAX_VALUE + " or a word, like 5 or alarm";
        JsonNode v = raw().get(key);
        if (v != null && v.isNumber() && !(v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0)) {
            throw error(key, show(v) + " is out of range; " + allowed);
        }
        return requiredText(key, allowed);
    }

    YamlSection section(String key) {
        if (!has(key)) {
            throw error(key, "required");
        }
        return of(raw().get(key), path(key));
    }

    /** A non-empty list of mappings, each with its indexed path ({@code sources[1]}). */
    List<YamlSection> sections(String key, String whatIsAllowed) {
        if (!has(key)) {
            throw error(key, "required; " + whatIsAllowed);
        }
        JsonNode v = raw().get(key);
        if (!v.isArray() || v.isEmpty()) {
            throw error(key, "expected a non-empty list, got " + show(v) + "; " + whatIsAllowed);
        }
        List<YamlSection> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(of(v.get(i), path(key) + "[" + i + "]"));
        }
        return out;
    }
}
