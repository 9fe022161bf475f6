package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.internal.SnapshotStrategy;

import java.util.List;

/**
 * A selection rule: which endpoints a pick compares and how it settles ties, whatever the load
 * signal. The other half of a load-aware strategy is the {@link LoadMetric}. Immutable.
 */
interface Chooser {
    /**
     * A picker over {@code endpoints} (at least two; the strategy answers smaller sets itself)
     * that compares them with {@code gauge}, a gauge of the same endpoints in the same order.
     * The picker draws randomness from {@code env.random()} and reads {@code env.clock()} at most
     * once per pick, and only when the gauge's {@link LoadMetric.Gauge#time()} requires it.
     */
    Picker picker(List<Endpoint> endpoints, LoadMetric.Gauge gauge, Environment env);

    /**
     * The load-aware strategy {@code name}: this rule comparing endpoints by {@code metric}. It
     * balances over {@link io.sluice.algorithms.EndpointSet#available()}; nothing available picks
     * null and a single endpoint is always picked (no clock read, no random draw).
     */
    default Strategy strategy(String name, LoadMetric metric, Environment env) {
        return new SnapshotStrategy(name, name + "{" + this + " on " + metric + "}", env,
                (available, endpoints, e) -> picker(available, metric.gauge(available), e));
    }
}
