package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.Backend;
import io.sluice.algorithms.RequestContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WeightedRandomTest {
    private static final String NAME = "weighted-random";

    @Test
    void sharesFollowWeights() {
        Environment env = Fleet.seeded(42);
        List<Endpoint> list = Fleet.weighted(env, 1, 2, 3, 4);
        int picks = 100_000;
        long[] counts = Fleet.counts(Fleet.picker(NAME, env, list), list, picks);
        // Backend i's count is Binomial(N = 100 000, p_i = w_i / 10): means 10 000, 20 000, 30 000,
        // 40 000; sigma_i = sqrt(N p_i (1 - p_i)) = 94.9, 126.5, 144.9, 154.9. Tolerance 5 sigma_i
        // (two-sided tail 5.7e-7 each); fixed seed, so deterministic.
        for (int i = 0; i < 4; i++) {
            double p = (i + 1) / 10.0;
            double sigma = Math.sqrt(picks * p * (1 - p));
            assertThat(Math.abs(counts[i] - picks * p)).as("backend %d", i).isLessThan(5 * sigma);
        }
    }

    @Test
    void equalWeightsTakeTheUniformFastPath() {
        Environment env = Fleet.seeded(1);
        assertThat(Fleet.picker(NAME, env, Fleet.weighted(env, 2, 2, 2))).isInstanceOf(RandomPicker.class);
        assertThat(Fleet.picker(NAME, env, Fleet.weighted(env, 2, 2, 3))).isInstanceOf(WeightedRandomPicker.class);
    }

    @Test
    void weightChangeTakesEffectThroughTheNextPicker() {
        Environment env = Fleet.seeded(8);
        LoadBalancer lb = LoadBalancer.create(Fleet.strategy(NAME, env), env);
        Backend a = Backend.of("a", "a:80");
        Backend b = Backend.of("b", "b:80");
        lb.setBackends(List.of(a, b));
        lb.putBackend(b.withWeight(9));
        int picks = 20_000;
        int bs = 0;
        for (int i = 0; i < picks; i++) {
            if (lb.pick(RequestContext.NONE).id().equals("b")) {
                bs++;
            }
        }
        // Binomial(20 000, 0.9): mean 18 000, sigma = sqrt(20 000 * 0.9 * 0.1) = 42.4, 5 sigma = 212.
        assertThat(Math.abs(bs - 18_000)).isLessThan(212);
    }

    @Test
    void emptySetPicksNull() {
        assertThat(Fleet.strategy(NAME, Fleet.seeded(1)).newPicker(EndpointSet.empty()).pick(RequestContext.NONE))
                .isNull();
    }

    @Test
    void oneBackendIsAlwaysPicked() {
        Environment env = Fleet.seeded(1);
        assertThat(Fleet.ids(Fleet.picker(NAME, env, Fleet.weighted(env, 0.25)), 5)).containsOnly("b0");
    }
}
