package io.sluice.simulator.scenario;

/**
 * A scenario shipped in the jar, as {@code ./sluice simulate --list} shows it.
 *
 * @param name    what to pass to {@code ./sluice simulate}
 * @param summary the first sentence of its description
 */
public record BuiltinScenario(String name, String summary) {
}
