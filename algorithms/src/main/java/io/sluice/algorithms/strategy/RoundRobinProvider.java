package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;
import io.sluice.algorithms.internal.SnapshotStrategy;

import java.util.List;

/**
 * {@code round-robin}: each available backend in turn, ignoring weights and load.
 *
 * <p>Pick {@code i} (counting from 0) goes to available endpoint {@code (start + i) mod n}, where
 * {@code start} is drawn with {@link Environment#random()} once, when the strategy is created; the
 * cursor then carries on across picker rebuilds (grpc-java's rule), so a health change does not
 * restart the cycle at a random place. Example: three backends [a, b, c] and start 2 give
 * c a b c a b ...
 * A single thread sees exactly that cycle; concurrent threads each advance their own cursor
 * stripe, so no contended atomic counter sits on the pick path, and every backend's count stays
 * within the number of picking threads of the mean.
 *
 * <p>No parameters. An empty available set picks null; a single backend is always picked.
 */
public final class RoundRobinProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "round-robin";

    /** Used by {@link java.util.ServiceLoader}. */
    public RoundRobinProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Each available backend in turn from a random start; ignores weights and load.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        StripedCursor cursor = RoundRobinPicker.cursor(env);
        return new SnapshotStrategy(NAME, NAME, env, (available, endpoints, e) -> new RoundRobinPicker(available, cursor));
    }
}
