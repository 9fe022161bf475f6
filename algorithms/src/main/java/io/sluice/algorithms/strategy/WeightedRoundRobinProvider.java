package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;
import io.sluice.algorithms.internal.SnapshotStrategy;

import java.util.List;

/**
 * {@code weighted-round-robin}: NGINX's smooth weighted round robin
 * ({@code ngx_http_upstream_round_robin.c}), deterministic and spread out.
 *
 * <p>The rule, per pick with total weight {@code W}: every backend's {@code current} grows by its
 * weight; the backend with the largest {@code current} (first in list order on a tie) is chosen
 * and its {@code current} drops by {@code W}. Over one period of {@code W} picks each backend is
 * chosen exactly {@code w_i} times, interleaved: weights a:5, b:1, c:1 give {@code a a b a c a a}
 * rather than {@code a a a a a b c}.
 *
 * <p>Pickers must be lock-free, so instead of updating every {@code current} on each pick the
 * picker precomputes one period when it is built and walks it with a per-thread cursor that the
 * strategy keeps across rebuilds, from a random start drawn once from {@link Environment#random()}
 * (so proxies of a fleet are not in lockstep and a seeded simulation reproduces). Effective weights, which slow start makes
 * fractional, are quantised: whole numbers exactly, fractions to 0.1 % of the largest weight, and
 * the period is capped at 65 536 slots by rescaling (each weight then rounded to the nearest slot
 * of a period of 32 768 to 65 536 slots, and never below one slot). Equal weights are plain {@code round-robin}. Above 32 768 backends the strategy
 * falls back to {@code weighted-random}'s alias table.
 *
 * <p>No parameters. An empty available set picks null; a single backend is always picked.
 */
public final class WeightedRoundRobinProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "weighted-round-robin";

    /** Used by {@link java.util.ServiceLoader}. */
    public WeightedRoundRobinProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "NGINX's smooth weighted round robin: each backend in proportion to weight, interleaved;"
                + " precomputed period, random start.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        StripedCursor cursor = RoundRobinPicker.cursor(env);
        return new SnapshotStrategy(NAME, NAME, env,
                (available, endpoints, e) -> WeightedRoundRobinPicker.over(available, e, cursor));
    }
}
