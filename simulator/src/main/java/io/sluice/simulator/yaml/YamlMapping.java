package io.sluice.simulator.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One mapping of a YAML document with its path ({@code load-balancer.retries},
 * {@code workload.sources[1]}): the typed reads both parsers word alike, each error naming the path,
 * the bad value and what is allowed. {@link #declare} lists the keys the mapping may hold and
 * rejects any other at once, so a typo ({@code warmup:} for {@code warm-up:}) fails instead of being
 * silently ignored.
 *
 * <p>Subclasses choose the exception ({@link #error}) and say whether reads are tracked: a tracking
 * mapping counts every key it was asked about as allowed and, once keys are declared, treats a read
 * of an undeclared key as a programming error.
 */
public abstract class YamlMapping {
    private final JsonNode node;
    private final String path;
    private final boolean tracksReads;
    private final Set<String> known = new LinkedHashSet<>();
    private boolean declared;

    /**
     * @param node a mapping node (the subclass's factory checked it is one)
     * @param path the YAML path of {@code node}; empty for the document root
     * @param tracksReads whether reading a key makes it allowed, and reading an undeclared key
     *     after {@link #declare} fails
     */
    protected YamlMapping(JsonNode node, String path, boolean tracksReads) {
        this.node = node;
        this.path = path;
        this.tracksReads = tracksReads;
    }

    /** The path of this mapping; the root mapping has the empty path. */
    public final String path() {
        return path;
    }

    /** The path of a key of this mapping. */
    public final String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The mapping node itself. */
    public final JsonNode raw() {
        return node;
    }

    /** The error for a bad value under {@code key}: the key's path, a colon, the message. */
    public abstract RuntimeException error(String key, String message);

    /**
     * Declares the keys this mapping may hold and rejects any other at once, listing the allowed ones.
     *
     * @param what what the mapping is, for the message ("a backend group")
     */
    protected final void declare(String what, List<String> keys) {
        known.addAll(keys);
        declared = true;
        rejectUnknown(what);
    }

    /** Rejects any key that is not allowed here (declared, or read when reads are tracked). */
    public final void rejectUnknown(String what) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw error(name, "unknown field for " + what + "; allowed: " + String.join(", ", known));
            }
        }
    }

    /** Whether the key is present with a non-null value. */
    public final boolean has(String key) {
        if (tracksReads) {
            if (declared && !known.contains(key)) {
                throw new IllegalStateException(path(key) + " read but not declared");
            }
            known.add(key);
        }
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** The value of a key, or null when absent. */
    public final JsonNode get(String key) {
        return has(key) ? node.get(key) : null;
    }

    /** A scalar's text; {@code dflt} when absent, required when {@code dflt} is null. */
    public final String text(String key, String dflt, String whatIsAllowed) {
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

    /** {@code true} or {@code false}, case-insensitive, as a boolean or as text; {@code dflt} when absent. */
    public final boolean bool(String key, boolean dflt) {
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

    /** A value as users wrote it, for messages: text quoted, structures shortened to 60 characters. */
    public static String show(JsonNode v) {
        if (v == null) {
            return "nothing";
        }
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** A number without a trailing {@code .0} when it is whole: {@code 2}, {@code 0.5}. */
    public static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
