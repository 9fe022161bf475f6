package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RandomTest {
    private static final String NAME = "random";

    @Test
    void sharesAreUniform() {
        Environment env = Fleet.seeded(42);
        List<Endpoint> list = Fleet.endpoints(env, "a", "b", "c", "d");
        int picks = 100_000;
        long[] counts = Fleet.counts(Fleet.picker(NAME, env, list), list, picks);
        // Each count is Binomial(N = 100 000, p = 1/4): mean 25 000, sigma = sqrt(N p (1 - p)) =
        // sqrt(18 750) = 136.9. Tolerance 5 sigma = 685 (two-sided tail 5.7e-7 per backend); the
        // seed is fixed, so the test is deterministic.
        double sigma = Math.sqrt(picks * 0.25 * 0.75);
        for (long c : counts) {
            assertThat(Math.abs(c - picks / 4.0)).isLessThan(5 * sigma);
        }
    }

    @Test
    void weightsAreIgnored() {
        Environment env = Fleet.seeded(42);
        List<Endpoint> list = Fleet.weighted(env, 1, 9);
        int picks = 20_000;
        long[] counts = Fleet.counts(Fleet.picker(NAME, env, list), list, picks);
        // Binomial(20 000, 1/2): sigma = 70.7, 5 sigma = 354; weights would give 2 000 : 18 000.
        assertThat(Math.abs(counts[0] - picks / 2.0)).isLessThan(5 * Math.sqrt(picks * 0.25));
    }

    @Test
    void seededSequenceReproduces() {
        List<String> first = Fleet.ids(Fleet.picker(NAME, Fleet.seeded(5), Fleet.endpoints(Fleet.seeded(5), "a", "b", "c")), 30);
        List<String> second = Fleet.ids(Fleet.picker(NAME, Fleet.seeded(5), Fleet.endpoints(Fleet.seeded(5), "a", "b", "c")), 30);
        assertThat(first).isEqualTo(second).contains("a", "b", "c");
    }

    @Test
    void emptySetPicksNull() {
        assertThat(Fleet.strategy(NAME, Fleet.seeded(1)).newPicker(EndpointSet.empty()).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void oneBackendIsAlwaysPicked() {
        Environment env = Fleet.seeded(1);
        assertThat(Fleet.ids(Fleet.picker(NAME, env, Fleet.endpoints(env, "only")), 5)).containsOnly("only");
    }

    @Test
    void unhealthyBackendsAreNeverPicked() {
        Environment env = Fleet.seeded(1);
        List<Endpoint> list = new ArrayList<>(Fleet.endpoints(env, "a", "b", "c"));
        list.set(0, list.get(0).withHealth(HealthState.UNHEALTHY, 0));
        assertThat(Fleet.ids(Fleet.picker(NAME, env, list), 200)).containsOnly("b", "c");
    }

    @Test
    void worksOnTheSharedSystemEnvironmentFromManyThreads() throws Exception {
        Environment env = Environment.system();
        Picker picker = Fleet.picker(NAME, env, Fleet.endpoints(env, "a", "b"));
        Thread[] threads = new Thread[3];
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (picker.pick(RequestContext.NONE) == null) {
                        failures.add(new AssertionError("null pick"));
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
    }
}
