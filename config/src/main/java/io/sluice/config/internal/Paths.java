package io.sluice.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * YAML paths ({@code clusters[0].retries.max-retries}) from a parser's position. A section chosen
 * by its {@code kind} is bound from a tree of its own ({@link KindDeserializer}); its path in the file
 * is then kept as a prefix in the deserialization context and put in front of the tree's paths.
 */
final class Paths {
    private static final String PREFIX = "sluice.path-prefix";

    private Paths() {
    }

    /** The path of the value the parser is at (a scalar, or the start of a mapping or list). */
    static String valuePath(JsonParser p, DeserializationContext ctxt) {
        JsonStreamContext c = p.getParsingContext();
        JsonToken t = p.currentToken();
        if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && c != null) {
            // At the start of a container the parser is already inside it: its place is in the parent.
            c = c.getParent();
        }
        return prefixed(ctxt, of(c));
    }

    /** Runs {@code body} with {@code path} as the prefix of every path read from a tree. */
    static <T> T under(DeserializationContext ctxt, String path, java.util.concurrent.Callable<T> body)
            throws java.io.IOException {
        Object before = ctxt.getAttribute(PREFIX);
        ctxt.setAttribute(PREFIX, path);
        try {
            return body.call();
        } catch (java.io.IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            ctxt.setAttribute(PREFIX, before);
        }
    }

    private static String prefixed(DeserializationContext ctxt, String relative) {
        Object prefix = ctxt == null ? null : ctxt.getAttribute(PREFIX);
        if (prefix == null || ((String) prefix).isEmpty()) {
            return relative;
        }
        if (relative.isEmpty()) {
            return (String) prefix;
        }
        return prefix + (relative.startsWith("[") ? "" : ".") + relative;
    }

    /** The path of a context's current entry: the key it is at, or the index. */
    static String of(JsonStreamContext c) {
        Deque<String> parts = new ArrayDeque<>();
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        String s = String.join("", parts);
        return s.startsWith(".") ? s.substring(1) : s;
    }
}
