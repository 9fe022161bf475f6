package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code response-time-weighted}: like NGINX Plus's {@code least_time}. Scans every backend and
 * sends the request to the lowest {@code ewmaLatency * (inFlight + 1) / weight}, ties broken
 * uniformly at random; an unmeasured backend costs 0, so it is tried at once. O(n) per pick: for
 * clusters of tens of backends. No parameters; the EWMA decay time is set on
 * {@link io.sluice.algorithms.LoadBalancer#create(Strategy, Environment, long)}.
 */
public final class ResponseTimeWeightedProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "response-time-weighted";

    /** Needed by {@link java.util.ServiceLoader}. */
    public ResponseTimeWeightedProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "full scan for the lowest EWMA latency x (in flight + 1) / weight, random tie-break"
                + " (like NGINX Plus least_time)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return new LoadAwareStrategy(NAME, FullScan.INSTANCE, ResponseTime.INSTANCE, env);
    }
}
