package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.internal.Endpoints;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WeightedRoundRobinTest {
    private static final String NAME = "weighted-round-robin";
    private static final List<String> NGINX_5_1_1 = List.of("a", "a", "b", "a", "c", "a", "a");

    private static List<Endpoint> fiveOneOne(Environment env) {
        return List.of(
                Endpoint.healthy(Backend.of("a", "a:80", 5), env),
                Endpoint.healthy(Backend.of("b", "b:80", 1), env),
                Endpoint.healthy(Backend.of("c", "c:80", 1), env));
    }

    @Test
    void goldenNginxSequenceFromSlotZero() {
        Environment env = Fleet.seeded(42);
        List<Endpoint> list = fiveOneOne(env);
        Picker picker = new WeightedRoundRobinPicker(list, SmoothWeightedSchedule.of(Endpoints.weights(list)),
                new StripedCursor(0));
        List<String> expected = new ArrayList<>(NGINX_5_1_1);
        expected.addAll(NGINX_5_1_1);
        assertThat(Fleet.ids(picker, 14)).isEqualTo(expected);
    }

    @Test
    void goldenSequenceUnderSeed42IsTheNginxCycleFromTheSeededSlot() {
        Environment env = Fleet.seeded(42);
        Picker picker = Fleet.picker(NAME, env, fiveOneOne(env));
        // The cursor starts at the seeded source's first draw, masked non-negative, modulo the period 7.
        int start = (new SplittableRandom(42).nextInt() & Integer.MAX_VALUE) % 7;
        assertThat(start).isEqualTo(2);
        assertThat(Fleet.ids(picker, 8)).containsExactly("b", "a", "c", "a", "a", "a", "a", "b");
        List<String> rotated = new ArrayList<>(NGINX_5_1_1);
        Collections.rotate(rotated, -start);
        Picker again = Fleet.picker(NAME, Fleet.seeded(42), fiveOneOne(env));
        assertThat(Fleet.ids(again, 7)).isEqualTo(rotated);
    }

    @Test
    void unequalWeightsGetExactSharesPerPeriod() {
        Environment env = Fleet.seeded(9);
        List<Endpoint> list = Fleet.weighted(env, 4, 1, 2, 3);
        // Period 10: counts equal the weights over every 10 consecutive picks, from any start.
        Picker picker = Fleet.picker(NAME, env, list);
        for (int period = 0; period < 5; period++) {
            assertThat(Fleet.counts(picker, list, 10)).containsExactly(4, 1, 2, 3);
        }
    }

    @Test
    void equalWeightsArePlainRoundRobin() {
        Environment env = Fleet.seeded(9);
        Picker picker = Fleet.picker(NAME, env, Fleet.weighted(env, 3, 3, 3));
        assertThat(picker).isInstanceOf(RoundRobinPicker.class);
        // Weights within the 0.1 % resolution quantise equal, so they take the same path.
        Picker close = Fleet.picker(NAME, env, Fleet.weighted(env, 1.0, 1.0001, 0.99995));
        assertThat(close).isInstanceOf(RoundRobinPicker.class);
    }

    @Test
    void emptySetPicksNull() {
        assertThat(Fleet.strategy(NAME, Fleet.seeded(1)).newPicker(EndpointSet.empty()).pick(RequestContext.NONE))
                .isNull();
    }

    @Test
    void allUnhealthyPicksNull() {
        Environment env = Fleet.seeded(1);
        List<Endpoint> down = new ArrayList<>();
        for (Endpoint e : fiveOneOne(env)) {
            down.add(e.withHealth(HealthState.DRAINING, 0));
        }
        assertThat(Fleet.picker(NAME, env, down).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void oneBackendIsAlwaysPicked() {
        Environment env = Fleet.seeded(1);
        assertThat(Fleet.ids(Fleet.picker(NAME, env, Fleet.weighted(env, 7)), 4)).containsOnly("b0");
    }

    @Test
    void fractionalWeightsFollowSlowStartRamps() {
        Environment env = Fleet.seeded(2);
        // A full backend beside one at 37 % of its weight: quantised 100 : 37, period 137.
        List<Endpoint> list = Fleet.weighted(env, 1.0, 0.37);
        Picker picker = Fleet.picker(NAME, env, list);
        assertThat(Fleet.counts(picker, list, 137)).containsExactly(100, 37);
    }

    @Test
    void aTinyWeightStillGetsOneSlotPerPeriod() {
        Environment env = Fleet.seeded(2);
        List<Endpoint> list = Fleet.weighted(env, 2.0, 1e-9);
        assertThat(Fleet.counts(Fleet.picker(NAME, env, list), list, 1001)).containsExactly(1000, 1);
    }

    @Test
    void hugeTotalsKeepSharesWithinTheRescaledResolution() {
        Environment env = Fleet.seeded(2);
        List<Endpoint> list = Fleet.weighted(env, 100_000, 1, 3);
        Picker picker = Fleet.picker(NAME, env, list);
        assertThat(picker).isInstanceOf(WeightedRoundRobinPicker.class);
        int period = ((WeightedRoundRobinPicker) picker).period();
        assertThat(period).isEqualTo(65_533);
        long[] counts = Fleet.counts(picker, list, period);
        // Rescaled weights 65 530 : 1 : 2 (SmoothWeightedScheduleTest): each within one slot of
        // its exact share of the period, period * w / 100 004.
        assertThat(counts).containsExactly(65_530, 1, 2);
        for (int i = 0; i < 3; i++) {
            double exact = period * Endpoints.weights(list)[i] / 100_004.0;
            assertThat(Math.abs(counts[i] - exact)).isLessThan(1.0);
        }
    }

    @Test
    void weightChangeTakesEffectThroughTheNextPicker() {
        Environment env = Fleet.seeded(4);
        LoadBalancer lb = LoadBalancer.create(Fleet.strategy(NAME, env), env);
        Backend a = Backend.of("a", "a:80");
        Backend b = Backend.of("b", "b:80");
        lb.setBackends(List.of(a, b));
        assertThat(countOf("b", lb, 20)).isEqualTo(10);
        lb.putBackend(b.withWeight(3));
        // New picker, period 4: b gets 3 of every 4.
        assertThat(countOf("b", lb, 20)).isEqualTo(15);
    }

    private static int countOf(String id, LoadBalancer lb, int picks) {
        int count = 0;
        for (int i = 0; i < picks; i++) {
            if (lb.pick(RequestContext.NONE).id().equals(id)) {
                count++;
            }
        }
        return count;
    }

    @Test
    void cursorOverflowKeepsWalkingTheSchedule() {
        Environment env = Fleet.seeded(3);
        List<Endpoint> list = fiveOneOne(env);
        // Integer.MAX_VALUE % 7 = 1, so the slots are 6, 0, 1, then the wrap restarts at 0.
        Picker picker = new WeightedRoundRobinPicker(list, SmoothWeightedSchedule.of(Endpoints.weights(list)),
                new StripedCursor(Integer.MAX_VALUE - 2));
        assertThat(Fleet.ids(picker, 6)).containsExactly("a", "a", "a", "a", "a", "b");
    }

    @Test
    void beyondTheScheduleLimitFallsBackToWeightedRandom() {
        Environment env = Fleet.seeded(3);
        double[] weights = new double[SmoothWeightedSchedule.MAX_WEIGHTS + 1];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1 + i % 2;
        }
        Picker picker = Fleet.picker(NAME, env, Fleet.weighted(env, weights));
        assertThat(picker).isInstanceOf(WeightedRandomPicker.class);
        assertThat(picker.pick(RequestContext.NONE)).isNotNull();
    }
}
