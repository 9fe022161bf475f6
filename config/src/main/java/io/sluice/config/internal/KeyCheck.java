package io.sluice.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.Kinds;
import io.sluice.config.Problems;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds every key that is not a key of its section, walking the YAML tree beside the section
 * records: a key no record component names is "unknown" (listing the allowed keys), or "renamed"
 * when it is an old key ({@link io.sluice.config.OldKeys}) or the camelCase form of a key. Done as
 * a walk of its own rather than inside the binder because Jackson buffers unknown keys of a record
 * and hands them over out of place, where their paths are lost.
 */
final class KeyCheck {
    private final Problems problems;

    KeyCheck(Problems problems) {
        this.problems = problems;
    }

    void walk(JsonNode node, Type type, String path) {
        walk(node, type, path, null);
    }

    private void walk(JsonNode node, Type type, String path, String extraKey) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        Class<?> raw = raw(type);
        if (List.class.isAssignableFrom(raw)) {
            if (node.isArray()) {
                Type element = argument(type, 0);
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), element, Problems.index(path, i));
                }
            }
            return;
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (node.isObject()) {
                Type value = argument(type, 1);
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    walk(e.getValue(), value, Problems.join(path, e.getKey()));
                }
            }
            return;
        }
        if (raw.isInterface() && raw.isAnnotationPresent(Kinds.class)) {
            if (node.isObject()) {
                Class<?> chosen = KindDeserializer.choose(raw, node);
                if (chosen != null) {
                    walk(node, chosen, path, raw.getAnnotation(Kinds.class).property());
                }
            }
            return;
        }
        if (!raw.isRecord() || !node.isObject()) {
            return;
        }
        List<String> keys = Keys.of(raw);
        Map<String, String> old = Keys.oldKeys(raw);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (keys.contains(key) || key.equals(extraKey)) {
                continue;
            }
            String at = Problems.join(path, key);
            String kebab = Keys.kebab(key);
            if (old.containsKey(key)) {
                problems.error(at, "renamed: write " + old.get(key));
            } else if (!kebab.equals(key) && keys.contains(kebab)) {
                problems.error(at, "renamed: write " + kebab + " (keys are kebab-case)");
            } else {
                problems.error(at, "unknown key; allowed here: " + String.join(", ", keys));
            }
        }
        for (RecordComponent c : raw.getRecordComponents()) {
            String key = Keys.keyOf(c);
            walk(node.get(key), c.getGenericType(), Problems.join(path, key));
        }
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type argument(Type t, int i) {
        return t instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : Object.class;
    }
}
