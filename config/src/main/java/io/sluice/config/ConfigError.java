package io.sluice.config;

import java.util.Objects;

/**
 * One problem in a config or scenario file: where it is and what is wrong, e.g.
 * {@code sluice.yaml:14: clusters[0].retries.max-retries: 99 is out of range; a whole number from 0 to 10}.
 *
 * @param source  the file as the user named it ({@code sluice.yaml}, {@code builtin:backend-crash})
 * @param line    1-based line of the key (or of the nearest enclosing key when the key is missing)
 * @param path    the YAML path: keys joined by dots, list indexes in brackets; empty for the whole file
 * @param message what is wrong and what is allowed
 */
public record ConfigError(String source, int line, String path, String message) {
    public ConfigError {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code source:line: path: message}; without the path for a problem of the whole file. */
    @Override
    public String toString() {
        return source + ":" + line + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
