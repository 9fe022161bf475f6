package io.sluice.config.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Map;

/**
 * {@code strategy:} a strategy name ({@code strategy: round-robin}) or a mapping with its parameters
 * and wrappers. In a scenario's {@code strategies:} list an entry may also carry a {@code label}.
 *
 * @param name     a registered strategy name ({@code ./sluice strategies} lists them)
 * @param label    scenarios only: what tables and reports call this entry; the name by default
 * @param params   parameters by name: numbers, true/false, text or durations like 10s
 * @param wrappers wrappers around the strategy, the first one innermost
 */
public record StrategySection(String name, String label, Map<String, Object> params, List<WrapperSection> wrappers) {
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public StrategySection {
    }

    /** The short form: a bare name. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static StrategySection ofName(String name) {
        return new StrategySection(name, null, null, null);
    }
}
