package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.WrapperProvider;

import java.util.List;

/**
 * Registers the {@code panic-threshold} wrapper (Envoy panic mode): when fewer than {@code percent}
 * (default 50, Envoy's default) percent of all members are available, balance over every member
 * that is not draining, healthy or not.
 */
public final class PanicThresholdWrapperProvider implements WrapperProvider {
    static final String NAME = "panic-threshold";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.number("percent", 50.0, 0.0, 100.0,
                    "below this percentage of available members, route to every member that is not draining"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Envoy panic threshold: with too few healthy backends, balance over all but the draining"
                + " ones.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public Strategy wrap(Strategy inner, Parameters params, Environment env) {
        return new PanicThreshold(inner, params.getDouble("percent"));
    }
}
