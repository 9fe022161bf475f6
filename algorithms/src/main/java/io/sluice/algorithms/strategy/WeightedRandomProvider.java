package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;
import io.sluice.algorithms.internal.SnapshotStrategy;

import java.util.List;

/**
 * {@code weighted-random}: a random available backend per request, with probability proportional
 * to its effective weight.
 *
 * <p>{@code P(i) = w_i / sum_j w_j}, sampled in O(1) per pick with Walker's alias method in Vose's
 * numerically stable form (M. D. Vose, IEEE TSE 17(9), 1991), built in O(n) when the picker is.
 * Example: weights a:1, b:2, c:3, d:4 give shares 10 %, 20 %, 30 %, 40 %; over 100 000 picks d
 * gets 40 000 &plusmn; 155 (one binomial standard deviation). Effective weights are doubles, so
 * slow start's fractional ramps are followed exactly, without quantising.
 *
 * <p>When every weight is equal the picker is plain uniform {@code random} (one draw, no table).
 * No parameters. An empty available set picks null; a single backend is always picked.
 */
public final class WeightedRandomProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "weighted-random";

    /** Used by {@link java.util.ServiceLoader}. */
    public WeightedRandomProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "A random available backend with probability proportional to weight; O(1) per pick by"
                + " Vose's alias method (1991).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return new SnapshotStrategy(NAME, NAME, env, (available, endpoints, e) -> WeightedRandomPicker.over(available, e));
    }
}
