package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every strategy of this package keeps, over random backend sets: weights, loads,
 * latency samples, utilisation reports, health. A pick never throws, answers null exactly when no
 * backend is available, and otherwise answers an available one.
 */
class LoadAwareProperties {
    private static final List<String> NAMES =
            List.of("p2c-least-request", "p2c-peak-ewma", "response-time-weighted", "p2c-utilisation");

    /** One backend's configuration and state for a generated case. */
    record Shape(int weight, int inFlight, long latencyMicros, double utilisation, HealthState health) {
    }

    @Provide
    Arbitrary<Shape> shapes() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 100),
                Arbitraries.integers().between(-1, 50),
                Arbitraries.longs().between(0, 5_000_000),
                Arbitraries.oneOf(Arbitraries.doubles().between(-0.5, 1.5), Arbitraries.just(Double.NaN)),
                Arbitraries.of(HealthState.class).injectDuplicates(0.7)).as(Shape::new);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of(NAMES);
    }

    @Property(tries = 200)
    void pickAnswersAnAvailableBackendOrNullWhenNone(@ForAll("names") String name,
                                                      @ForAll @Size(max = 25) List<@From("shapes") Shape> shapes,
                                                      @ForAll long seed) {
        long[] now = {1_000_000_000L};
        Environment env = Environment.virtual(() -> now[0], seed);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            Shape s = shapes.get(i);
            Endpoint e = Endpoint.healthy(Backend.of("b" + i, "h:" + i, s.weight()), env).withHealth(s.health(), 0);
            if (s.inFlight() < 0) {
                e.load().onRequestEnd(now[0], 1, true);
            }
            for (int k = 0; k < s.inFlight(); k++) {
                e.load().onRequestStart();
            }
            if (s.latencyMicros() > 0) {
                e.load().onRequestStart();
                e.load().onRequestEnd(now[0], s.latencyMicros() * 1000, true);
            }
            if (!Double.isNaN(s.utilisation())) {
                e.load().reportUtilisation(s.utilisation(), now[0] - 3_000_000_000L * (i % 3));
            }
            endpoints.add(e);
        }
        Strategy strategy = StrategyRegistry.standard().create(name, Map.of(), env);
        EndpointSet set = EndpointSet.of(endpoints);
        Picker picker = strategy.newPicker(set);
        Set<String> available = set.available().stream().map(Endpoint::id).collect(Collectors.toSet());
        for (int p = 0; p < 20; p++) {
            now[0] += 700_000_000L;
            Endpoint picked = picker.pick(RequestContext.NONE);
            if (available.isEmpty()) {
                assertThat(picked).isNull();
            } else {
                assertThat(picked).isNotNull();
                assertThat(available).contains(picked.id());
            }
        }
    }

    /**
     * response-time-weighted keeps its backends in a tree of order keys instead of scanning: after
     * random samples at random times and random in-flight changes (made after the picker was built,
     * so they reach it through the load listeners), its pick costs, now, exactly the least of the
     * available backends' costs (up to rounding in the keys' logarithms, 1e-9 relative).
     */
    @Property(tries = 200)
    void responseTimeWeightedPicksALowestCostAsTheLoadsChange(@ForAll @Size(min = 1, max = 40) List<@From("shapes") Shape> shapes,
                                                              @ForAll long seed) {
        long[] now = {1_000_000_000L};
        Environment env = Environment.virtual(() -> now[0], seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            endpoints.add(Endpoint.healthy(Backend.of("b" + i, "h:" + i, shapes.get(i).weight()), env)
                    .withHealth(shapes.get(i).health(), 0));
        }
        EndpointSet set = EndpointSet.of(endpoints);
        Picker picker = StrategyRegistry.standard().create("response-time-weighted", Map.of(), env).newPicker(set);
        for (int step = 0; step < 60; step++) {
            now[0] += random.nextLong(0, 3_000_000_000L);
            Endpoint e = endpoints.get(random.nextInt(endpoints.size()));
            if (e.load().inFlight() > 0 && random.nextBoolean()) {
                e.load().onRequestEnd(now[0], random.nextLong(1, 200_000_000L), true);
            } else {
                e.load().onRequestStart();
            }
            Endpoint picked = picker.pick(RequestContext.NONE);
            if (set.available().isEmpty()) {
                assertThat(picked).isNull();
                continue;
            }
            double least = Double.POSITIVE_INFINITY;
            for (Endpoint a : set.available()) {
                least = Math.min(least, cost(a, now[0]));
            }
            assertThat(cost(picked, now[0])).isCloseTo(least, org.assertj.core.api.Assertions.withinPercentage(1e-7));
        }
    }

    /** The cost of PeakEwmaLoad, written out: ewma(now) x (in flight + 1) / weight, Finagle's rows for the unmeasured. */
    private static double cost(Endpoint e, long now) {
        double latency = e.load().latencyNanos(now);
        int inFlight = Math.max(0, e.load().inFlight());
        if (latency == 0) {
            return inFlight == 0 ? 0 : (PeakEwmaLoad.PENALTY + inFlight) / e.weight();
        }
        return latency * (inFlight + 1) / e.weight();
    }

    @Test
    void allFourAreRegisteredByName() {
        StrategyRegistry registry = StrategyRegistry.standard();
        assertThat(registry.strategyNames()).containsAll(NAMES);
        for (String name : NAMES) {
            assertThat(registry.create(name, Environment.virtual(() -> 0L, 1)).name()).isEqualTo(name);
            assertThat(registry.strategy(name).description()).isNotBlank();
        }
    }
}
