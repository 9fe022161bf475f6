package io.sluice.config.internal;

import java.util.Map;

/** The records of a section type chosen by a key ({@code kind}, {@code protocol}), by their ids. */
public final class KindsOf {
    private KindsOf() {
    }

    /** Record by id, aliases included, for a sealed section interface listed with {@code @JsonSubTypes}. */
    public static Map<String, Class<?>> subtypes(Class<?> base) {
        return KindDeserializer.subtypes(base);
    }
}
