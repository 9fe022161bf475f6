package io.sluice.reports.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.reports.ReportInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One value of a parsed JSON document together with where it sits: the file as the user named it
 * and its JSON path ({@code runs[2].summary.latencyMs.p99}). Every typed read either returns the
 * value or throws a {@link ReportInputException} that names both, so a reader built on it never
 * reports a bare "bad input". Jackson does the parsing; this class only keeps the path.
 *
 * <p>A field that is absent from its object is "missing"; one written as JSON {@code null} is
 * "null". The schema allows {@code null} only for values that do not exist (a percentile of zero
 * requests), so {@code nullable...} reads accept it and every other read refuses it.
 */
public final class JsonField {
    private static final int SHOWN_CHARS = 40;

    private final JsonNode node;
    private final String source;
    private final String path;

    private JsonField(JsonNode node, String source, String path) {
        this.node = node;
        this.source = source;
        this.path = path;
    }

    /** The whole document read from {@code source} (the file as the user named it). */
    public static JsonField root(JsonNode document, String source) {
        return new JsonField(Objects.requireNonNull(document, "document"), Objects.requireNonNull(source, "source"), "");
    }

    /** The file as the user named it. */
    public String source() {
        return source;
    }

    /** The JSON path of this value, empty for the document itself. */
    public String path() {
        return path;
    }

    /** Whether the field is present in its object (as any value, {@code null} included). */
    public boolean isPresent() {
        return node != null;
    }

    /** Whether the field is present and JSON {@code null}. */
    public boolean isNull() {
        return node != null && node.isNull();
    }

    /** The underlying Jackson node; {@code null} when the field is missing. */
    public JsonNode node() {
        return node;
    }

    /**
     * The member {@code name} of this object; a missing member is a field that reports "missing"
     * when read.
     *
     * @throws ReportInputException when this value is not an object
     */
    public JsonField get(String name) {
        requireObject();
        return new JsonField(node.get(name), source, path.isEmpty() ? name : path + "." + name);
    }

    /** The members of this object in document order. */
    public Map<String, JsonField> members() {
        requireObject();
        Map<String, JsonField> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            members.put(e.getKey(), get(e.getKey()));
        }
        return members;
    }

    /** The elements of this array in order. */
    public List<JsonField> elements() {
        if (!present().isArray()) {
            throw expected("an array");
        }
        List<JsonField> elements = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            elements.add(new JsonField(node.get(i), source, path + "[" + i + "]"));
        }
        return elements;
    }

    /** The elements of this array, or {@code null} when the field is JSON {@code null}. */
    public List<JsonField> nullableElements() {
        return isNullOrFail() ? null : elements();
    }

    /** This value as an object field (checked), for chaining. */
    public JsonField object() {
        requireObject();
        return this;
    }

    /** This value when it is an object, {@code null} when it is JSON {@code null}. */
    public JsonField nullableObject() {
        return isNullOrFail() ? null : object();
    }

    /** A finite number. */
    public double number() {
        if (!present().isNumber()) {
            throw expected("a number");
        }
        double v = node.asDouble();
        if (!Double.isFinite(v)) {
            throw problem("expected a finite number, got " + node.asText());
        }
        return v;
    }

    /** A finite number, or {@code null} when the value is JSON {@code null}. */
    public Double nullableNumber() {
        return isNullOrFail() ? null : number();
    }

    /** A number that is at least 0. */
    public double nonNegative() {
        double v = number();
        if (v < 0) {
            throw problem("expected a number at least 0, got " + node.asText());
        }
        return v;
    }

    /** A number at least 0, or {@code null}. */
    public Double nullableNonNegative() {
        return isNullOrFail() ? null : nonNegative();
    }

    /** A fraction in [0, 1] (a rate or a share). */
    public double fraction() {
        double v = number();
        if (v < 0 || v > 1) {
            throw problem("expected a fraction in [0, 1], got " + node.asText());
        }
        return v;
    }

    /** A fraction in [0, 1], or {@code null}. */
    public Double nullableFraction() {
        return isNullOrFail() ? null : fraction();
    }

    /** A whole number (a count), without a fractional part. */
    public long integer() {
        if (!present().isNumber()) {
            throw expected("a whole number");
        }
        if (!node.isIntegralNumber() && node.asDouble() != Math.rint(node.asDouble())) {
            throw problem("expected a whole number, got " + node.asText());
        }
        if (!node.canConvertToLong()) {
            throw problem("expected a whole number in range, got " + node.asText());
        }
        return node.asLong();
    }

    /** A whole number at least 0. */
    public long count() {
        long v = integer();
        if (v < 0) {
            throw problem("expected a count at least 0, got " + v);
        }
        return v;
    }

    /** A string. */
    public String text() {
        if (!present().isTextual()) {
            throw expected("a string");
        }
        return node.asText();
    }

    /** A string, or {@code null} when the value is JSON {@code null}. */
    public String nullableText() {
        return isNullOrFail() ? null : text();
    }

    /** An error about this field: {@code source: path: problem}. */
    public ReportInputException problem(String problem) {
        return ReportInputException.at(source, path, problem);
    }

    /**
     * How a value is shown in a message: strings quoted (cut after 40 characters), numbers and
     * literals as written, containers by kind.
     */
    public static String describe(JsonNode value) {
        if (value == null) {
            return "nothing";
        }
        if (value.isTextual()) {
            String s = value.asText();
            String shown = s.length() > SHOWN_CHARS ? s.substring(0, SHOWN_CHARS) + "..." : s;
            return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
        }
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "an array";
        }
        return value.toString();
    }

    private JsonNode present() {
        if (node == null) {
            throw problem("missing");
        }
        return node;
    }

    private boolean isNullOrFail() {
        return present().isNull();
    }

    private void requireObject() {
        if (!present().isObject()) {
            throw expected("an object");
        }
    }

    private ReportInputException expected(String what) {
        return problem("expected " + what + ", got " + describe(node));
    }
}
