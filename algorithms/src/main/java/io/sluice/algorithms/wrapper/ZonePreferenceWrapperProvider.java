package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.WrapperProvider;

import java.util.List;

/**
 * Registers the {@code zone-preference} wrapper: route only to available backends of
 * {@code local-zone} (default {@value Backend#DEFAULT_ZONE}) while at least
 * {@code min-healthy-percent} (default 70) of that zone's members are available, and to every
 * available backend otherwise (an all-or-nothing spill, not a proportional one).
 */
public final class ZonePreferenceWrapperProvider implements WrapperProvider {
    static final String NAME = "zone-preference";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.text("local-zone", Backend.DEFAULT_ZONE, "the zone this load balancer runs in"),
            ParameterSpec.number("min-healthy-percent", 70.0, 0.0, 100.0,
                    "stay in the local zone while at least this percentage of its backends is available"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Prefer the local zone's backends while enough of them are healthy; otherwise use every zone.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public Strategy wrap(Strategy inner, Parameters params, Environment env) {
        return new ZonePreference(inner, params.getString("local-zone"), params.getDouble("min-healthy-percent"));
    }
}
