package io.sluice.algorithms.probing;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;
import java.util.Locale;

/**
 * Registers {@code join-idle-queue}: backends that go idle join a queue, and a request goes to the
 * backend idle the longest, else to a random one (Lu et al., "Join-Idle-Queue", Performance 2011).
 *
 * <p>Parameter {@code fallback} (default {@code random}, the paper's rule): what to do when no
 * backend is idle; {@code p2c} takes the less loaded of two random backends instead.
 */
public final class JoinIdleQueueStrategyProvider implements StrategyProvider {
    static final String NAME = "join-idle-queue";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.choice("fallback", "random", List.of("random", "p2c"),
                    "where a request goes when no backend is idle: a random backend (the paper), or the less"
                            + " loaded of two random ones"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Join-Idle-Queue (Lu et al., Performance 2011): the backend idle the longest, else a random"
                + " one.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        JoinIdleQueue.Fallback fallback =
                JoinIdleQueue.Fallback.valueOf(params.getString("fallback").toUpperCase(Locale.ROOT));
        return new JoinIdleQueue(env, fallback);
    }
}
