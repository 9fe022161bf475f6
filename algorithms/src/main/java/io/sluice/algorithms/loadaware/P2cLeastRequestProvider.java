package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code p2c-least-request}: Envoy's {@code LEAST_REQUEST}. Draws {@code choices} backends at
 * random with replacement and sends the request to the one with the fewest requests in flight,
 * ties to the first drawn. When weights differ the draws are proportional to weight and the
 * comparison is on {@code inFlight^bias / weight}: a lock-free stand-in for Envoy's
 * {@code weight / (active + 1)^bias} schedule with the same long-run shares when idle and the same
 * balance point under load (the derivation is on {@code ActiveRequests}).
 *
 * <p>Parameters: {@code choices} (d, default 2, 2..16), {@code active-request-bias} (default 1.0,
 * 0..10; used only when weights differ, as in Envoy), {@code sampling} ({@code weighted}, the
 * default, or {@code uniform}: draws that ignore weight, compared on {@code (inFlight + 1)^bias /
 * weight} instead; see {@code ActiveRequests}).
 */
public final class P2cLeastRequestProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "p2c-least-request";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.integer("choices", 2, 2, 16,
                    "backends drawn at random (with replacement) per request; the least loaded wins"),
            ParameterSpec.number("active-request-bias", 1.0, 0.0, 10.0,
                    "how strongly in-flight requests outweigh configured weights when weights differ;"
                            + " 0 ignores load (weighted random)"),
            Sampling.SPEC);

    /** Needed by {@link java.util.ServiceLoader}. */
    public P2cLeastRequestProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Power of d choices on requests in flight, candidates drawn in proportion to weight (or"
                + " uniformly), with Envoy's active-request bias for unequal weights (Envoy LEAST_REQUEST).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        Sampling sampling = Sampling.of(params.getString(Sampling.PARAMETER));
        return PowerOfChoices.withReplacement(params.getInt("choices"), sampling)
                .strategy(NAME, new ActiveRequests(params.getDouble("active-request-bias"), sampling), env);
    }
}
