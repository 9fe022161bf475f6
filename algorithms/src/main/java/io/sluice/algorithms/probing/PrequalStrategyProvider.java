package io.sluice.algorithms.probing;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * Registers {@code prequal}: probe backends for requests in flight (RIF) and latency, keep a small
 * pool of recent answers, and send each request to the fastest backend that is not "hot" (RIF above
 * the {@code q-rif} quantile of the pool), per Wydrowski et al., "Load is not what you should
 * balance: Introducing Prequal", NSDI 2024. Probes go through {@link Environment#prober()}.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code probe-rate} (default 3, 0..16): probes sent per pick, may be fractional.</li>
 *   <li>{@code pool-size} (default 16, the paper's): probe answers kept.</li>
 *   <li>{@code max-probe-age} (default 1s): answers older than this are dropped.</li>
 *   <li>{@code reuse-budget} (default 2): picks one answer may serve. At 3 probes a pick the pool
 *       is refilled three times faster than budget 1 would spend it; 2 rides out lost and slow
 *       answers.</li>
 *   <li>{@code q-rif} (default 0.84): the RIF quantile above which a backend is hot.</li>
 * </ul>
 */
public final class PrequalStrategyProvider implements StrategyProvider {
    static final String NAME = "prequal";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.number("probe-rate", 3.0, 0.0, 16.0,
                    "probes sent to random backends per pick; fractional rates probe on that share of picks"),
            ParameterSpec.integer("pool-size", 16, 1, 1024, "probe answers kept in the pool"),
            ParameterSpec.duration("max-probe-age", "1s", "1us", "1h", "answers older than this are dropped"),
            ParameterSpec.integer("reuse-budget", 2, 1, 1_000_000, "picks one probe answer may serve"),
            ParameterSpec.number("q-rif", 0.84, 0.0, 1.0,
                    "a backend is hot when its requests in flight are above this quantile of the pool's"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Prequal (Wydrowski et al., NSDI 2024): asynchronous reusable probes of requests in flight"
                + " and latency; the fastest backend that is not hot. Simulator only: the proxy has no prober.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return new Prequal(env, params.getDouble("probe-rate"), params.getInt("pool-size"),
                params.getNanos("max-probe-age"), params.getInt("reuse-budget"), params.getDouble("q-rif"));
    }
}
