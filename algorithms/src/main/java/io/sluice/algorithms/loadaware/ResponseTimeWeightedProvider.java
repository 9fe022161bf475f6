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
 * uniformly at random. O(n) per pick: for clusters of tens of backends.
 *
 * <p>The load signal is {@code p2c-peak-ewma}'s ({@code PeakEwmaLoad}), the only latency average a
 * {@link io.sluice.algorithms.BackendLoad} keeps, so a slow response raises the cost at once and
 * fast ones lower it gradually; the two strategies differ only in the selection rule (every
 * backend here, two random ones there). Worked example: A (weight 1) averages 10 ms with 3 in
 * flight, B (weight 2) 30 ms with 1: A costs 40 ms, B 30 ms: B wins despite being slower, because
 * it has room. An idle unmeasured backend costs 0, so it is tried at once; as soon as it has a
 * request out it takes Finagle's penalty. Without the penalty a full scan would hand a new backend
 * <em>every</em> request until its first answer returned: a burst of the arrival rate times its
 * first response time, on an unknown backend.
 *
 * <p>No parameters; the EWMA decay time is set on
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
        return "Full scan for the lowest EWMA latency x (in-flight + 1) / weight, random tie-break (like"
                + " NGINX Plus least_time).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return FullScan.INSTANCE.strategy(NAME, PeakEwmaLoad.INSTANCE, env);
    }
}
