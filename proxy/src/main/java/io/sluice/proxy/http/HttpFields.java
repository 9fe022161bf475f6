package io.sluice.proxy.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header fields of one HTTP/1.1 message as they arrived: names and values in wire order, names
 * with their original case, looked up case-insensitively. A flat pair of arrays rather than a hash
 * table: a request or response carries a handful of fields, which a scan over them finds sooner than
 * hashing would, and building one costs two small arrays instead of an entry object per field. Use
 * {@link #name(int)} and {@link #value(int)} to walk them.
 *
 * <p>Values are strings of bytes, one char per byte (ISO-8859-1), exactly as on the wire: writing
 * them out the same way gives back the same bytes, obs-text included. The decoders validate every
 * byte before a field is added; {@link #add} itself checks nothing.
 *
 * <p>Not thread-safe; one message's fields, used on its event loop.
 */
public final class HttpFields {
    private static final int INITIAL = 8;

    private String[] names;
    private String[] values;
    private int size;

    public HttpFields() {
        names = new String[INITIAL];
        values = new String[INITIAL];
    }

    /** Fields {@code name: value, ...}, for tests and for messages the proxy makes. */
    public static HttpFields of(String... nameValues) {
        if (nameValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        HttpFields f = new HttpFields();
        for (int i = 0; i < nameValues.length; i += 2) {
            f.add(nameValues[i], nameValues[i + 1]);
        }
        return f;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The name of field {@code i} as sent. */
    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** Appends a field (a repeated name appends another value). */
    public void add(String name, String value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    /** Replaces every field named {@code name} (any case) with one, where the first one was, or at the end. */
    public void set(String name, String value) {
        int first = indexOf(name, 0);
        if (first < 0) {
            add(name, value);
            return;
        }
        names[first] = name;
        values[first] = value;
        int j = first + 1;
        for (int i = first + 1; i < size; i++) {
            if (!is(i, name)) {
                names[j] = names[i];
                values[j] = values[i];
                j++;
            }
        }
        Arrays.fill(names, j, size, null);
        Arrays.fill(values, j, size, null);
        size = j;
    }

    /** The value of the first field named {@code name} (any case), or null. */
    public String get(CharSequence name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : values[i];
    }

    /** Every value of fields named {@code name} (any case), in order; empty when none. */
    public List<String> getAll(CharSequence name) {
        int i = indexOf(name, 0);
        if (i < 0) {
            return List.of();
        }
        int next = indexOf(name, i + 1);
        if (next < 0) {
            return List.of(values[i]);
        }
        List<String> all = new ArrayList<>(4);
        all.add(values[i]);
        for (int k = next; k >= 0; k = indexOf(name, k + 1)) {
            all.add(values[k]);
        }
        return all;
    }

    /** How many fields are named {@code name} (any case). */
    public int count(CharSequence name) {
        int n = 0;
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            n++;
        }
        return n;
    }

    public boolean contains(CharSequence name) {
        return indexOf(name, 0) >= 0;
    }

    /** The index of the first field named {@code name} (any case) at or after {@code from}, or -1. */
    public int indexOf(CharSequence name, int from) {
        for (int i = from; i < size; i++) {
            if (is(i, name)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether field {@code i} is named {@code name}, ignoring ASCII case. */
    public boolean is(int i, CharSequence name) {
        return equalsIgnoreCase(names[i], name);
    }

    /** ASCII case-insensitive equality: header names are tokens, so no other case folding applies. */
    public static boolean equalsIgnoreCase(String a, CharSequence b) {
        int n = a.length();
        if (n != b.length()) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            char x = a.charAt(k);
            char y = b.charAt(k);
            if (x != y && lower(x) != lower(y)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the comma-separated list {@code value} holds {@code token}, ignoring case and spaces. */
    public static boolean listsToken(String value, String token) {
        int n = value.length();
        int start = 0;
        while (start <= n) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int a = start;
            int b = end;
            while (a < b && (value.charAt(a) == ' ' || value.charAt(a) == '\t')) {
                a++;
            }
            while (b > a && (value.charAt(b - 1) == ' ' || value.charAt(b - 1) == '\t')) {
                b--;
            }
            if (b - a == token.length() && value.regionMatches(true, a, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            start = comma + 1;
        }
        return false;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            b.append(i == 0 ? "" : ", ").append(names[i]).append(": ").append(values[i]);
        }
        return b.append(']').toString();
    }
}
