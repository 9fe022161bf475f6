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
        // The cursor starts at the seeded source's first draw, new SplittableRandom(42).nextInt()
        // = -491277234, masked to 1656206414; 1656206414 mod 5 = 4 ("e"); from there list order.
        assertThat((new SplittableRandom(42).nextInt() & Integer.MAX_VALUE) % 5).isEqualTo(4);
        assertThat(Fleet.ids(picker, 12)).containsExactly("e", "a", "b", "c", "d", "e", "a", "b", "c", "d", "e", "a");
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

    /**
     * grpc-java's rule: one cursor across rebuilds. Positions 0, 1 over a, b, c, d give a b;
     * without d, positions 2, 3, 4 over three give c a b; with d back, 5, 6, 7 give b c d. No
     * rebuild restarts the cycle.
     */
    @Test
    void oneCursorServesEveryRebuild() {
        Environment env = Fleet.seeded(5);
        List<Endpoint> list = Fleet.endpoints(env, "a", "b", "c", "d");
        StripedCursor cursor = new StripedCursor(0);
        List<String> seen = new ArrayList<>(Fleet.ids(new RoundRobinPicker(list, cursor), 2));
        seen.addAll(Fleet.ids(new RoundRobinPicker(list.subList(0, 3), cursor), 3));
        seen.addAll(Fleet.ids(new RoundRobinPicker(list, cursor), 3));
        assertThat(seen).containsExactly("a", "b", "c", "a", "b", "b", "c", "d");
    }

    /** The strategy draws its start once: a rebuilt picker over the same set goes on where the last stopped. */
    @Test
    void theStrategyDoesNotRedrawItsStartAtARebuild() {
        for (long seed = 0; seed < 10; seed++) {
            Environment env = Fleet.seeded(seed);
            List<Endpoint> list = Fleet.endpoints(env, "a", "b", "c", "d", "e");
            io.sluice.algorithms.Strategy strategy = Fleet.strategy(NAME, env);
            List<String> before = Fleet.ids(strategy.newPicker(EndpointSet.of(list)), 3);
            List<String> after = Fleet.ids(strategy.newPicker(EndpointSet.of(list)), 3);
            int last = list.indexOf(list.stream().filter(e -> e.id().equals(before.get(2))).findFirst().orElseThrow());
            assertThat(after.get(0)).as("seed %d", seed).isEqualTo(list.get((last + 1) % 5).id());
        }
    }

    /** A retry moves on from the cursor to the next untried backend, in list order. */
    @Test
    void aRetryMovesOnToTheNextUntried() {
        Environment env = Fleet.seeded(5);
        List<Endpoint> list = Fleet.endpoints(env, "a", "b", "c", "d");
        Picker picker = new RoundRobinPicker(list, new StripedCursor(1));
        io.sluice.algorithms.Tried tried = io.sluice.algorithms.Tried.of(list.get(1)).with(list.get(2));
        assertThat(picker.pick(RequestContext.NONE, tried).id()).isEqualTo("d"); // position 1 is b: b, c tried
        assertThat(picker.pick(RequestContext.NONE, tried).id()).isEqualTo("d"); // position 2 is c
        assertThat(picker.pick(RequestContext.NONE, tried).id()).isEqualTo("d"); // position 3 is d
        assertThat(picker.pick(RequestContext.NONE, tried).id()).isEqualTo("a"); // position 4 is a
        tried = tried.with(list.get(0)).with(list.get(3));
        assertThat(picker.pick(RequestContext.NONE, tried)).isNull();
    }

    @Test
    void cursorOverflowKeepsPicking() {
        Environment env = Fleet.seeded(3);
        List<Endpoint> list = Fleet.endpoints(env, "a", "b", "c");
        // Start 3 before the int wrap: see StripedCursorTest for the arithmetic.
        Picker picker = new RoundRobinPicker(list, new StripedCursor(Integer.MAX_VALUE - 2));
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
