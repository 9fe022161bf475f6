package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.WrapperProvider;

import java.util.List;

/**
 * Registers the {@code slow-start} wrapper (Envoy's slow start mode): a backend that just became
 * healthy ramps from {@code min-weight-percent} of its weight to all of it over {@code window};
 * effective weight = weight * max(min-weight-percent / 100, (time healthy / window) ^ (1 / aggression)).
 * Parameters: {@code window} (default 30s), {@code aggression} (default 1.0, linear),
 * {@code min-weight-percent} (default 10). Backends present when the load balancer first got its
 * membership do not ramp. Effective for weight-aware inner strategies only.
 */
public final class SlowStartWrapperProvider implements WrapperProvider {
    static final String NAME = "slow-start";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.duration("window", "30s", "1ms", "24h", "how long a newly healthy backend ramps up"),
            ParameterSpec.number("aggression", 1.0, 0.01, 100.0,
                    "shape of the ramp: 1 linear, above 1 faster at first, below 1 slower at first"),
            ParameterSpec.number("min-weight-percent", 10.0, 0.0, 100.0,
                    "the least share of its weight a ramping backend gets, in percent"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Envoy slow start: newly healthy backends ramp their weight up over a window along the"
                + " aggression curve.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    /** The ramp moves with time: clusters using slow start rebuild their picker on a timer. */
    @Override
    public boolean changesWithTime() {
        return true;
    }

    @Override
    public Strategy wrap(Strategy inner, Parameters params, Environment env) {
        return new SlowStart(inner, env, params.getNanos("window"), params.getDouble("aggression"),
                params.getDouble("min-weight-percent"));
    }
}
