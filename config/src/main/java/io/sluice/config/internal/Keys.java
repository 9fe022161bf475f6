package io.sluice.config.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.sluice.config.OldKeys;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The keys of a section record as files write them, in declaration order, and its old keys. */
public final class Keys {
    private static final PropertyNamingStrategies.KebabCaseStrategy KEBAB =
            (PropertyNamingStrategies.KebabCaseStrategy) PropertyNamingStrategies.KEBAB_CASE;

    private Keys() {
    }

    /** The file keys of a record's components: its {@code @JsonProperty} name, else the kebab-case name. */
    public static List<String> of(Class<?> record) {
        List<String> keys = new ArrayList<>();
        if (!record.isRecord()) {
            return keys;
        }
        for (RecordComponent c : record.getRecordComponents()) {
            keys.add(keyOf(c));
        }
        return keys;
    }

    /** The file key of one record component. */
    public static String keyOf(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        if (p == null) {
            p = c.getAnnotation(JsonProperty.class);
        }
        return p != null && !p.value().isEmpty() ? p.value() : kebab(c.getName());
    }

    /** {@code maxRetries} to {@code max-retries}. */
    public static String kebab(String camel) {
        return KEBAB.translate(camel);
    }

    /** Old key to what to write instead, from the record's {@link OldKeys}. */
    public static Map<String, String> oldKeys(Class<?> record) {
        Map<String, String> out = new LinkedHashMap<>();
        OldKeys old = record.getAnnotation(OldKeys.class);
        if (old != null) {
            for (String entry : old.value()) {
                int eq = entry.indexOf('=');
                out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
