package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code response-time-weighted}: like NGINX Plus's {@code least_time}. Sends the request to the
 * backend of lowest {@code ewmaLatency * (inFlight + 1) / weight}, ties broken uniformly at random.
 * NGINX scans; here the backends sit in a tree ordered by a key with the cost's order that does
 * not change with time (see {@code PeakEwmaLoad.orderKey}), updated at every request start and
 * end, so a pick is O(log N) with no clock read (see {@code LowestCost}).
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
        return "The lowest EWMA latency x (in-flight + 1) / weight, random tie-break (like NGINX Plus least_time);"
                + " O(log N) tree updated on each request start and end.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return new LowestCost().strategy(NAME, PeakEwmaLoad.INSTANCE, env);
    }
}
