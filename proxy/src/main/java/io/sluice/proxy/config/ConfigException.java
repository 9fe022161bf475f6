package io.sluice.proxy.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found in it, each naming its YAML path:
 * {@code clusters[0].backends[1].weight: must be an integer >= 1, got 0}.
 */
public final class ConfigException extends Exception {
    private final List<String> errors;

    public ConfigException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    /** Every problem, one a line, in file order. */
    public List<String> errors() {
        return errors;
    }
}
