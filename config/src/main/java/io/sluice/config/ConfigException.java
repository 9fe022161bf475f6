package io.sluice.config;

import java.util.List;

/**
 * A config or scenario file that cannot be used, with every problem found in it, in file order,
 * one a line of the message: {@code sluice.yaml:14: clusters[0].retries.max-retries: 99 is out of
 * range; a whole number from 0 to 10}. An {@link IllegalArgumentException}, so the command line
 * prints it and exits non-zero.
 */
public final class ConfigException extends IllegalArgumentException {
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(String.join("\n", errors.stream().map(ConfigError::toString).toList()));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** Every problem, in file order. */
    public List<ConfigError> errors() {
        return errors;
    }

    /** Every problem as a line: {@code source:line: path: message}. */
    public List<String> lines() {
        return errors.stream().map(ConfigError::toString).toList();
    }
}
