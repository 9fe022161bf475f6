package io.sluice.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.internal.Binder;
import io.sluice.config.internal.Locations;
import java.util.Objects;

/**
 * Binds one YAML file to its section records, with Jackson databind (kebab-case keys, the scalar
 * types of {@code internal.ScalarDeserializers}), collecting every problem instead of stopping at
 * the first: the {@link Problems} of the result hold them, each at its YAML path and line, and the
 * caller's validation pass adds its own before {@link Problems#throwIfAny()}.
 *
 * <p>Only a file that is not YAML at all (a syntax error, a repeated key) stops the binding; that is
 * one error, with its line.
 */
public final class ConfigReader {
    private ConfigReader() {
    }

    /**
     * What binding a file gave.
     *
     * @param value    the bound root section; null for an empty or unreadable file
     * @param problems every problem so far
     */
    public record Bound<T>(T value, Problems problems) {
    }

    /**
     * Binds {@code yaml} to {@code type}.
     *
     * @param source how the user named the file; the prefix of every error
     */
    public static <T> Bound<T> read(String yaml, String source, Class<T> type) {
        Objects.requireNonNull(yaml, "yaml");
        Locations locations = Locations.of(yaml);
        Problems problems = new Problems(source, locations);
        ObjectMapper mapper = Binder.mapper();
        try {
            com.fasterxml.jackson.databind.JsonNode tree = mapper.readTree(yaml);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return new Bound<>(null, problems);
            }
            T value = mapper.readerFor(type).withAttribute(Problems.class, problems).readValue(tree);
            Binder.checkKeys(tree, type, problems);
            return new Bound<>(value, problems);
        } catch (java.io.IOException e) {
            if (!(e instanceof JsonProcessingException jpe)) {
                throw new java.io.UncheckedIOException(e);
            }
            return unreadable(source, jpe);
        }
    }

    /** A file Jackson cannot read at all: a YAML syntax error or a repeated key, at its line. */
    private static <T> Bound<T> unreadable(String source, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String message = e.getOriginalMessage().lines().findFirst().orElse("");
        Problems problems = new Problems(source, Locations.of(""));
        problems.errorAtLine(at == null ? 1 : at.getLineNr(), "not valid YAML"
                + (at == null ? "" : " (column " + at.getColumnNr() + ")") + ": " + message);
        return new Bound<>(null, problems);
    }
}
