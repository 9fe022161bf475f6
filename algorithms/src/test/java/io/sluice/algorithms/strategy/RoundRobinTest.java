package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinTest {
    private static final String NAME = "round-robin";

    @Test
    void goldenSequenceUnderSeed42() {
        Environment env = Fleet.seeded(42);
        Picker picker = Fleet.picker(NAME, env, Fleet.endpoints(env, "a", "b", "c", "d", "e"));
        // The start is the seeded source's first draw, new SplittableRandom(42).nextInt(5) = 1 ("b");
        // from there it is list order, cyclically.
        assertThat(new SplittableRandom(42).nextInt(5)).isEqualTo(1);
        assertThat(Fleet.ids(picker, 12)).containsExactly("b", "c", "d", "e", "a", "b", "c", "d", "e", "a", "b", "c");
    }

    @Test
    void sameSeedSameSequenceAndTheStartVariesWithTheSeed() {
        Set<String> firsts = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            Environment a = Fleet.seeded(seed);
            Environment b = Fleet.seeded(seed);
            List<String> fromA = Fleet.ids(Fleet.picker(NAME, a, Fleet.endpoints(a, "a", "b", "c", "d")), 9);
            List<String> fromB = Fleet.ids(Fleet.picker(NAME, b, Fleet.endpoints(b, "a", "b", "c", "d")), 9);
            assertThat(fromA).isEqualTo(fromB);
            firsts.add(fromA.get(0));
        }
        // 20 seeds all starting on one of 4 backends would have probability 4 * (1/4)^20.
        assertThat(firsts).hasSizeGreaterThan(1);
    }

    @Test
    void everyWindowOfNPicksHoldsEachBackendOnce() {
        Environment env = Fleet.seeded(7);
        List<Endpoint> endpoints = Fleet.endpoints(env, "a", "b", "c", "d", "e", "f", "g");
        Picker picker = Fleet.picker(NAME, env, endpoints);
        List<String> ids = Fleet.ids(picker, 7 * 50);
        for (int from = 0; from + 7 <= ids.size(); from++) {
            assertThat(new HashSet<>(ids.subList(from, from + 7))).hasSize(7);
        }
    }

    @Test
    void emptySetPicksNull() {
        Picker picker = Fleet.strategy(NAME, Fleet.seeded(1)).newPicker(EndpointSet.empty());
        assertThat(picker.pick(RequestContext.NONE)).isNull();
    }

    @Test
    void allUnhealthyPicksNull() {
        Environment env = Fleet.seeded(1);
        List<Endpoint> down = new ArrayList<>();
        for (Endpoint e : Fleet.endpoints(env, "a", "b")) {
            down.add(e.withHealth(HealthState.UNHEALTHY, 0));
        }
        assertThat(Fleet.picker(NAME, env, down).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void oneBackendIsAlwaysPicked() {
        Environment env = Fleet.seeded(1);
        assertThat(Fleet.ids(Fleet.picker(NAME, env, Fleet.endpoints(env, "only")), 5)).containsOnly("only");
    }

    @Test
    void unhealthyBackendsAreSkipped() {
        Environment env = Fleet.seeded(3);
        List<Endpoint> list = new ArrayList<>(Fleet.endpoints(env, "a", "b", "c"));
        list.set(1, list.get(1).withHealth(HealthState.EJECTED, 0));
        assertThat(Fleet.ids(Fleet.picker(NAME, env, list), 10)).containsOnly("a", "c");
    }

    @Test
    void weightsAreIgnored() {
        Environment env = Fleet.seeded(3);
        List<Endpoint> list = Fleet.weighted(env, 1, 10, 100);
        assertThat(Fleet.counts(Fleet.picker(NAME, env, list), list, 300)).containsExactly(100, 100, 100);
    }

    @Test
    void cursorOverflowKeepsPicking() {
        Environment env = Fleet.seeded(3);
        List<Endpoint> list = Fleet.endpoints(env, "a", "b", "c");
        // Start 3 before the int wrap: see StripedCursorTest for the arithmetic.
        Picker picker = new RoundRobinPicker(list, Integer.MAX_VALUE - 2);
        assertThat(Fleet.ids(picker, 8)).containsExactly("c", "a", "b", "a", "b", "c", "a", "b");
    }

    @Test
    void concurrentPickersStayWithinTheStripeBound() throws Exception {
        int threads = 4;
        int picksPerThread = 100_000;
        Environment env = Fleet.seeded(11);
        List<Endpoint> list = Fleet.endpoints(env, "a", "b", "c", "d", "e", "f", "g");
        int n = list.size();
        Picker picker = Fleet.picker(NAME, env, list);

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<long[]>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    long[] counts = new long[n];
                    for (int i = 0; i < picksPerThread; i++) {
                        counts[list.indexOf(picker.pick(RequestContext.NONE))]++;
                    }
                    return counts;
                }));
            }
            long[] total = new long[n];
            for (Future<long[]> f : results) {
                long[] counts = f.get(60, TimeUnit.SECONDS);
                for (int i = 0; i < n; i++) {
                    total[i] += counts[i];
                }
            }
            // Bound: every cursor stripe starts at the same position and is advanced atomically, so
            // a stripe that handed out k positions gave each backend floor(k/n) or ceil(k/n) of
            // them, within 1 of k/n. At most `threads` stripes are in use (threads may share one),
            // so each backend's total is within `threads` of the mean 400 000 / 7 = 57 142.86.
            // A plain racy counter would lose updates and a broken stripe would skew far more.
            double mean = (double) threads * picksPerThread / n;
            long sum = 0;
            for (long c : total) {
                assertThat(Math.abs(c - mean)).isLessThanOrEqualTo(threads);
                sum += c;
            }
            assertThat(sum).isEqualTo((long) threads * picksPerThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
