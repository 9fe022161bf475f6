package io.sluice.algorithms;

import java.util.Objects;

/**
 * A setting refused by a configuration builder: which setting, and the problem in words a user
 * reads in a config error, e.g. setting {@code max-retries}, problem
 * {@code 99 is out of range; a whole number from 0 to 10}. The message joins them with a colon.
 * The config module reports {@link #problem()} at the setting's own YAML path and line.
 */
public final class SettingException extends IllegalArgumentException {
    private final String setting;
    private final String problem;

    public SettingException(String setting, String problem) {
        super(Objects.requireNonNull(setting, "setting") + ": " + Objects.requireNonNull(problem, "problem"));
        this.setting = setting;
        this.problem = problem;
    }

    /** The setting's name as a config file writes it, e.g. {@code max-retries}. */
    public String setting() {
        return setting;
    }

    /** What is wrong and what is allowed, without the setting's name. */
    public String problem() {
        return problem;
    }
}
