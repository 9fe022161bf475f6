package io.sluice.simulator.scenario;

/**
 * An invalid scenario: the message names the YAML path of the bad field ({@code backends[1].servers}),
 * the value and what is allowed, or the scenario that could not be found. An
 * {@link IllegalArgumentException}, so the command line prints it as one line.
 */
public final class ScenarioException extends IllegalArgumentException {
    public ScenarioException(String message) {
        super(message);
    }

    public ScenarioException(String message, Throwable cause) {
        super(message, cause);
    }
}
