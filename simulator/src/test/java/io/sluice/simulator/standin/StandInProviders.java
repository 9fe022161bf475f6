package io.sluice.simulator.standin;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;
import io.sluice.algorithms.WrapperProvider;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * {@code test-ticking}: a wrapper that says it changes with time and counts the pickers it
     * builds in {@link #BUILDS}, for picker-refresh tests.
     */
    public static final class Ticking implements WrapperProvider {
        /** Pickers built through any test-ticking wrapper; tests reset it first. */
        public static final AtomicInteger BUILDS = new AtomicInteger();

        @Override
        public String name() {
            return "test-ticking";
        }

        @Override
        public String description() {
            return "TEST-ONLY counts picker builds and changes with time";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of();
        }

        @Override
        public boolean changesWithTime() {
            return true;
        }

        @Override
        public Strategy wrap(Strategy inner, Parameters params, Environment env) {
            return new Strategy() {
                @Override
                public String name() {
                    return inner.name();
                }

                @Override
                public io.sluice.algorithms.Picker newPicker(io.sluice.algorithms.EndpointSet endpoints) {
                    BUILDS.incrementAndGet();
                    return inner.newPicker(endpoints);
                }
            };
        }
    }
}
