package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;
import io.sluice.algorithms.internal.SnapshotStrategy;

import java.util.List;

/**
 * {@code random}: a uniformly random available backend per request, ignoring weights and load.
 *
 * <p>Each of {@code n} backends gets probability {@code 1/n} per pick, independently; over
 * {@code N} picks a backend's count is Binomial(N, 1/n): mean {@code N/n}, standard deviation
 * {@code sqrt(N (1/n)(1 - 1/n))}. Example: 4 backends, 100 000 picks: 25 000 &plusmn; 137 each.
 * Unlike round robin it needs no shared state at all, at the cost of that binomial noise.
 *
 * <p>No parameters. Randomness comes from {@link Environment#random()}, so a seeded environment
 * reproduces the sequence. An empty available set picks null; a single backend is always picked.
 */
public final class RandomProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "random";

    /** Used by {@link java.util.ServiceLoader}. */
    public RandomProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "A uniformly random available backend per request; ignores weights and load.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return new SnapshotStrategy(NAME, NAME, env, (available, endpoints, e) -> RandomPicker.over(available, e));
    }
}
