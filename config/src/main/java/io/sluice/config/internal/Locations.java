package io.sluice.config.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each key and list item of a YAML document is, by YAML path ({@code clusters[0].retries.max-retries}),
 * and the text of each scalar as written: read in one streaming pass over the document before it is
 * bound, so every later check can name the line of what it checks.
 */
public final class Locations {
    private final Map<String, Integer> lines = new HashMap<>();
    private final Map<String, String> scalars = new HashMap<>();

    private Locations() {
    }

    /** Indexes {@code yaml}; a document that does not parse gives an empty index (the binder reports why). */
    public static Locations of(String yaml) {
        Locations l = new Locations();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            l.walk(p);
        } catch (IOException | RuntimeException e) {
            // What was indexed before the syntax error stays; the error itself is reported by the binder.
        }
        return l;
    }

    private void walk(JsonParser p) throws IOException {
        // One frame per open container: its path, and the next index for a list.
        Deque<String> paths = new ArrayDeque<>();
        Deque<int[]> indexes = new ArrayDeque<>();
        String pendingKey = null;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            String container = paths.peek();
            String here;
            if (t == JsonToken.FIELD_NAME) {
                pendingKey = join(container, p.currentName());
                put(pendingKey, p.currentTokenLocation());
                continue;
            }
            if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                paths.pop();
                indexes.pop();
                continue;
            }
            int[] index = indexes.peek();
            if (index != null && index[0] >= 0) {
                here = container + "[" + index[0]++ + "]";
                put(here, p.currentTokenLocation());
            } else {
                here = pendingKey == null ? "" : pendingKey;
            }
            pendingKey = null;
            if (t == JsonToken.START_OBJECT) {
                paths.push(here);
                indexes.push(new int[] {-1});
                putIfAbsent(here, p.currentTokenLocation());
            } else if (t == JsonToken.START_ARRAY) {
                paths.push(here);
                indexes.push(new int[] {0});
                putIfAbsent(here, p.currentTokenLocation());
            } else {
                scalars.put(here, p.getText());
            }
        }
    }

    private static String join(String container, String key) {
        return container == null || container.isEmpty() ? key : container + "." + key;
    }

    private void put(String path, JsonLocation at) {
        if (at != null && at.getLineNr() > 0) {
            lines.put(path, at.getLineNr());
        }
    }

    private void putIfAbsent(String path, JsonLocation at) {
        if (!lines.containsKey(path)) {
            put(path, at);
        }
    }

    /**
     * The line of {@code path}, or of its nearest enclosing path that is in the document (a missing
     * key is reported at the mapping that lacks it); 1 when none is.
     */
    public int line(String path) {
        String p = path;
        while (true) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            if (p.isEmpty()) {
                return 1;
            }
            p = parent(p);
        }
    }

    /** Whether the document has a key or list item at {@code path}. */
    public boolean has(String path) {
        return lines.containsKey(path) || scalars.containsKey(path);
    }

    /** The scalar at {@code path} as written, or null when there is none. */
    public String scalar(String path) {
        return scalars.get(path);
    }

    /** {@code a.b[2].c} to {@code a.b[2]}, {@code a.b[2]} to {@code a.b}, {@code a} to the empty root path. */
    public static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
