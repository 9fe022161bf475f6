package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;
import io.sluice.algorithms.internal.LowestKeyIndex;
import io.sluice.algorithms.internal.SnapshotStrategy;

import java.util.List;

/**
 * {@code least-connections}: the available backend with the fewest requests in flight per unit of
 * weight, HAProxy's weighted {@code leastconn}.
 *
 * <p>Each pick scans every available backend for the lowest {@code (inFlight + 1) / weight}, where
 * {@code inFlight} is {@link io.sluice.algorithms.BackendLoad#inFlight()} (requests started and
 * not yet ended) and {@code weight} the effective weight, so slow start's reduced weights make a
 * warming backend look busier. This is the key HAProxy's {@code lb_fwlc.c} sorts servers by,
 * {@code (inflight + 1) * SRV_EWGHT_MAX / eweight}, except that HAProxy keys idle servers 0
 * regardless of weight and here an idle heavier backend wins. Example: a (w 1, 1 in flight) scores
 * 2, b (w 3, 3 in flight) 4/3, c (w 2, 2 in flight) 3/2: b is picked.
 *
 * <p>Ties are broken uniformly at random, from {@link Environment#random()}, so equally loaded
 * backends share the traffic and a seeded simulation reproduces. The scores live in a tree that
 * request starts and ends update (as HAProxy's leastconn tree), so a pick is O(log N) and so is
 * each update. No parameters. An empty available set picks null; a single backend is always picked.
 */
public final class LeastConnectionsProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "least-connections";

    /** Used by {@link java.util.ServiceLoader}. */
    public LeastConnectionsProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "The backend with the lowest (in-flight + 1) / weight, as HAProxy's weighted leastconn;"
                + " O(log N) tree, random fair tie-break.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        LowestKeyIndex.Owner owner = new LowestKeyIndex.Owner();
        return new SnapshotStrategy(NAME, NAME, env,
                (available, endpoints, e) -> new LeastConnectionsPicker(available, e.random(), owner));
    }
}
