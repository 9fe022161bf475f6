package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code p2c-peak-ewma}: Finagle's and Linkerd's {@code P2CPeakEwma}. Two distinct backends drawn
 * in proportion to weight ({@code sampling: weighted}, the default) or uniformly as Finagle does
 * ({@code sampling: uniform}); the one with the lower {@code peakEwma(now) * (inFlight + 1) / weight}
 * wins, ties to the first drawn; an unmeasured backend with requests out is penalised as in
 * Finagle (see {@code PeakEwmaLoad}). Uniform draws cap any backend's share at 2/N whatever its
 * weight; weighted draws raise the cap to about twice its weight share (derivation on
 * {@code PowerOfChoices}). The EWMA decay time belongs to each backend's
 * {@link io.sluice.algorithms.BackendLoad} and is set on
 * {@link io.sluice.algorithms.LoadBalancer#create(Strategy, Environment, long)}.
 */
public final class P2cPeakEwmaProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "p2c-peak-ewma";

    /** Needed by {@link java.util.ServiceLoader}. */
    public P2cPeakEwmaProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Power of two distinct choices, drawn in proportion to weight (or uniformly), on peak-EWMA"
                + " latency x (in-flight + 1) / weight (Finagle/Linkerd P2CPeakEwma).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(Sampling.SPEC);
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return PowerOfChoices.twoDistinct(Sampling.of(params.getString(Sampling.PARAMETER)))
                .strategy(NAME, PeakEwmaLoad.INSTANCE, env);
    }
}
