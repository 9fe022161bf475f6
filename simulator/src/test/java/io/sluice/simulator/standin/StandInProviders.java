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

    /** {@code test-random}: stands in for {@code random}. */
    public static final class Random implements StrategyProvider {
        @Override
        public String name() {
            return "test-random";
        }

        @Override
        public String description() {
            return "TEST-ONLY stand-in for random";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of();
        }

        @Override
        public Strategy create(Parameters params, Environment env) {
            return StandInStrategies.random(env);
        }
    }

    /** {@code test-round-robin}: stands in for {@code round-robin}. */
    public static final class RoundRobin implements StrategyProvider {
        @Override
        public String name() {
            return "test-round-robin";
        }

        @Override
        public String description() {
            return "TEST-ONLY stand-in for round-robin";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of();
        }

        @Override
        public Strategy create(Parameters params, Environment env) {
            return StandInStrategies.roundRobin();
        }
    }

    /** {@code test-power-of-d}: stands in for {@code p2c-least-request} (d = 2). */
    public static final class PowerOfD implements StrategyProvider {
        @Override
        public String name() {
            return "test-power-of-d";
        }

        @Override
        public String description() {
            return "TEST-ONLY stand-in for p2c-least-request, with d choices";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.integer("d", 2, 1, 16, "choices per pick"));
        }

        @Override
        public Strategy create(Parameters params, Environment env) {
            return StandInStrategies.powerOfD(env, params.getInt("d"));
        }
    }

    /** {@code test-mod-hash}: a trivial hashing strategy for affinity tests. */
    public static final class ModHash implements StrategyProvider {
        @Override
        public String name() {
            return "test-mod-hash";
        }

        @Override
        public String description() {
            return "TEST-ONLY keyHash mod n";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of();
        }

        @Override
        public Strategy create(Parameters params, Environment env) {
            return StandInStrategies.modHash(env);
        }
    }

    /** {@code test-least-utilisation}: reads the server-reported utilisation, for staleness tests. */
    public static final class LeastUtilisation implements StrategyProvider {
        @Override
        public String name() {
            return "test-least-utilisation";
        }

        @Override
        public String description() {
            return "TEST-ONLY lowest reported utilisation";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of();
        }

        @Override
        public Strategy create(Parameters params, Environment env) {
            return StandInStrategies.leastUtilisation();
        }
    }

    /** {@code test-probing}: probes through the environment's prober, for prober wiring tests. */
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
