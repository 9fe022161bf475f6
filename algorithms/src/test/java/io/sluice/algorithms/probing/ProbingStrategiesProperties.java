package io.sluice.algorithms.probing;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.VirtualClock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The picker contract for prequal and join-idle-queue over random fleets, healths and traffic:
 * a pick is null exactly when nothing is available, and otherwise one of the available endpoints.
 */
class ProbingStrategiesProperties {

    private static List<Endpoint> fleet(List<HealthState> healths, Environment env) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < healths.size(); i++) {
            Endpoint e = Endpoint.healthy(Backend.of("b" + i, "b" + i + ":80", 1 + i % 3), env);
            list.add(healths.get(i) == HealthState.HEALTHY ? e : e.withHealth(healths.get(i), 0));
        }
        return list;
    }

    private static void checkContract(Strategy strategy, List<HealthState> healths, Environment env, long seed,
                                      VirtualClock clock) {
        EndpointSet set = EndpointSet.of(fleet(healths, env));
        Picker picker = strategy.newPicker(set);
        SplittableRandom traffic = new SplittableRandom(seed);
        List<Endpoint> started = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Endpoint e = picker.pick(RequestContext.NONE);
            if (set.available().isEmpty()) {
                assertThat(e).isNull();
                continue;
            }
            assertThat(set.available()).contains(e);
            e.load().onRequestStart();
            started.add(e);
            // End a random earlier request now and then, so backends go idle and busy again.
            if (traffic.nextInt(3) == 0) {
                Endpoint done = started.remove(traffic.nextInt(started.size()));
                done.load().onRequestEnd(clock.getAsLong(), traffic.nextLong(1, 50_000_000L), traffic.nextBoolean());
            }
            clock.advanceNanos(traffic.nextLong(0, 5_000_000L));
        }
    }

    @Property(tries = 150)
    void prequalPicksOnlyAvailableBackends(@ForAll @Size(max = 24) List<HealthState> healths,
                                           @ForAll @DoubleRange(min = 0, max = 16) double probeRate,
                                           @ForAll @IntRange(min = 1, max = 32) int poolSize,
                                           @ForAll @IntRange(min = 1, max = 5) int reuseBudget,
                                           @ForAll @DoubleRange(min = 0, max = 1) double qRif,
                                           @ForAll long seed) {
        VirtualClock clock = new VirtualClock();
        Environment env = Environment.virtual(clock, seed);
        Strategy prequal = StrategyRegistry.standard().create("prequal", Map.of("probe-rate", probeRate,
                "pool-size", poolSize, "reuse-budget", reuseBudget, "q-rif", qRif, "max-probe-age", "20ms"), env);
        checkContract(prequal, healths, env, seed, clock);
    }

    @Property(tries = 150)
    void joinIdleQueuePicksOnlyAvailableBackends(@ForAll @Size(max = 24) List<HealthState> healths,
                                                 @ForAll boolean p2c, @ForAll long seed) {
        VirtualClock clock = new VirtualClock();
        Environment env = Environment.virtual(clock, seed);
        Strategy jiq = StrategyRegistry.standard().create("join-idle-queue",
                Map.of("fallback", p2c ? "p2c" : "random"), env);
        checkContract(jiq, healths, env, seed, clock);
    }
}
