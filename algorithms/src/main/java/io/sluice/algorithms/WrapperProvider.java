package io.sluice.algorithms;

import java.util.List;

/**
 * The service-provider interface of wrappers: behaviour that wraps any strategy (slow start, zone
 * preference, panic threshold). Registered and listed like {@link StrategyProvider}s, through
 * {@code META-INF/services/io.sluice.algorithms.WrapperProvider}.
 */
public interface WrapperProvider {
    /** Unique name, e.g. {@code slow-start}. */
    String name();

    /** One line on what it does and where it comes from. */
    String description();

    /** Declared parameters with defaults and ranges. */
    List<ParameterSpec> parameters();

    /** {@code inner} wrapped with this behaviour. */
    Strategy wrap(Strategy inner, Parameters params, Environment env);

    /**
     * Whether the pickers this wrapper builds change with time alone (slow start's ramp), so a
     * cluster using it rebuilds its picker on a timer ({@code io.sluice.algorithms.policy.PickerRefresh}).
     * False unless a wrapper says so.
     */
    default boolean changesWithTime() {
        return false;
    }
}
