package io.sluice.simulator.standin;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;
import java.util.List;

/** TEST-ONLY providers of the {@link StandInStrategies}, listed in the test class path's services file. */
public final class StandInProviders {
    private StandInProviders() {
    }

    /** {@code test-probing}: one probe per pick through the environment's prober, for prober wiring tests. */
    public static final class Probing implements StrategyProvider {
        @Override
        public String name() {
            return "test-probing";
        }

        @Override
        public String description() {
            return "TEST-ONLY lowest probed in-flight count";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of();
        }

        @Override
        public Strategy create(Parameters params, Environment env) {
            return StandInStrategies.probing(env);
        }
    }
}
