package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code p2c-utilisation}: Netflix's edge balancing ("Rethinking Netflix's Edge Load Balancing",
 * 2018). Two distinct backends drawn in proportion to weight ({@code sampling: weighted}, the
 * default) or uniformly ({@code sampling: uniform}) and compared on the utilisation they reported
 * ({@link io.sluice.algorithms.BackendLoad#reportUtilisation}); when either report is missing or
 * older than {@code stale-after}, or the two are equal, both are compared on requests in flight
 * per unit of weight instead (see {@code ReportedUtilisation}).
 *
 * <p>Parameters: {@code stale-after} (duration, default 5s, 1ms..1h), {@code sampling}.
 */
public final class P2cUtilisationProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "p2c-utilisation";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.duration("stale-after", "5s", "1ms", "1h",
                    "a utilisation report older than this is ignored and in-flight requests decide"),
            Sampling.SPEC);

    /** Needed by {@link java.util.ServiceLoader}. */
    public P2cUtilisationProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Power of two distinct choices, drawn in proportion to weight (or uniformly), on server-reported"
                + " utilisation, falling back to in-flight requests when a report is stale (Netflix edge).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return PowerOfChoices.twoDistinct(Sampling.of(params.getString(Sampling.PARAMETER)))
                .strategy(NAME, new ReportedUtilisation(params.getNanos("stale-after")), env);
    }
}
