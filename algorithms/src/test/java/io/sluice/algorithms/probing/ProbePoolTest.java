package io.sluice.algorithms.probing;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.VirtualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbePoolTest {
    private static final long MS = 1_000_000L;
    private final VirtualClock clock = new VirtualClock();
    private final Environment env = Environment.virtual(clock, 1);

    private Endpoint endpoint(String id) {
        return Endpoint.healthy(Backend.of(id, id + ":80"), env);
    }

    private static Map<BackendLoad, Endpoint> members(Endpoint... endpoints) {
        Map<BackendLoad, Endpoint> map = new IdentityHashMap<>();
        for (Endpoint e : endpoints) {
            map.put(e.load(), e);
        }
        return map;
    }

    @Test
    void nearestRankQuantile() {
        // Worked examples of the class comment.
        assertThat(ProbePool.rifThreshold(new int[] {1, 2, 3, 9}, 4, 0.75)).isEqualTo(3);
        int[] sixteen = IntStream.rangeClosed(1, 16).toArray();
        assertThat(ProbePool.rifThreshold(sixteen, 16, 0.84)).isEqualTo(14); // rank ceil(13.44) = 14
        assertThat(ProbePool.rifThreshold(sixteen, 16, 0.0)).isEqualTo(1);   // rank clamped up to 1
        assertThat(ProbePool.rifThreshold(sixteen, 16, 1.0)).isEqualTo(16);
        assertThat(ProbePool.rifThreshold(new int[] {5}, 1, 0.84)).isEqualTo(5);
        // 0.84 * 25 = 21.000000000000004 in binary: the epsilon keeps the rank at 21, not 22.
        int[] twentyFive = IntStream.rangeClosed(1, 25).toArray();
        assertThat(ProbePool.rifThreshold(twentyFive, 25, 0.84)).isEqualTo(21);
    }

    @Test
    void aNewerAnswerReplacesTheOldOneOfTheSameBackend() {
        Endpoint a = endpoint("a");
        Endpoint b = endpoint("b");
        ProbePool pool = new ProbePool(16, 1000 * MS, 100, 0.5);
        // a RIF 9 (1 ms), b RIF 0 (5 ms): threshold = 1st of [0, 9] = 0, a is hot -> b.
        pool.onProbe(a, 9, MS, 0);
        pool.onProbe(b, 0, 5 * MS, 0);
        assertThat(pool.select(members(a, b), 0)).isSameAs(b);
        // a reports RIF 0 now: its entry is replaced, both are cold, a is faster.
        pool.onProbe(a, 0, MS, 1);
        assertThat(pool.size()).isEqualTo(2);
        assertThat(pool.select(members(a, b), 1)).isSameAs(a);
    }

    @Test
    void aLateAnswerDoesNotOverwriteNewerNews() {
        Endpoint a = endpoint("a");
        Endpoint b = endpoint("b");
        ProbePool pool = new ProbePool(16, 1000 * MS, 100, 0.5);
        pool.onProbe(b, 0, 5 * MS, 10);
        pool.onProbe(a, 9, MS, 10);   // fresh: a is hot
        pool.onProbe(a, 0, MS, 5);    // stamped earlier: dropped
        assertThat(pool.size()).isEqualTo(2);
        assertThat(pool.select(members(a, b), 10)).isSameAs(b);
    }

    @Test
    void aFullPoolEvictsSpentThenOldest() {
        Endpoint a = endpoint("a");
        Endpoint b = endpoint("b");
        Endpoint c = endpoint("c");
        Endpoint d = endpoint("d");
        ProbePool pool = new ProbePool(2, 1000 * MS, 1, 1.0);
        pool.onProbe(a, 0, 1 * MS, 0);
        pool.onProbe(b, 0, 2 * MS, 1);
        assertThat(pool.select(members(a, b, c, d), 1)).isSameAs(a); // a is now spent
        pool.onProbe(c, 0, 3 * MS, 2);                                // replaces spent a, not older-live b
        assertThat(pool.select(members(a, b, c, d), 2)).isSameAs(b);
        assertThat(pool.select(members(a, b, c, d), 2)).isSameAs(c);
        pool.onProbe(d, 0, 4 * MS, 3);                                // both spent: the older (b) goes
        pool.onProbe(a, 0, 5 * MS, 4);                                // c is spent, d live: c goes
        assertThat(pool.size()).isEqualTo(2);
        assertThat(pool.select(members(a, b, c, d), 4)).isSameAs(d);
        assertThat(pool.select(members(a, b, c, d), 4)).isSameAs(a);
        assertThat(pool.select(members(a, b, c, d), 4)).isNull();
    }

    @Test
    void whenEveryLiveSlotIsTakenTheOldestIsReplaced() {
        Endpoint a = endpoint("a");
        Endpoint b = endpoint("b");
        Endpoint c = endpoint("c");
        ProbePool pool = new ProbePool(2, 1000 * MS, 10, 1.0);
        pool.onProbe(a, 0, 1 * MS, 5);
        pool.onProbe(b, 0, 9 * MS, 3);
        pool.onProbe(c, 0, 8 * MS, 6); // b (t = 3) is the oldest
        assertThat(pool.select(members(b, c), 6)).isSameAs(c);
        assertThat(pool.select(members(a), 6)).isSameAs(a);
    }

    @Test
    void negativeAnswersAreClampedToZero() {
        Endpoint a = endpoint("a");
        Endpoint b = endpoint("b");
        ProbePool pool = new ProbePool(16, 1000 * MS, 10, 0.5);
        pool.onProbe(a, -5, -MS, 0);
        pool.onProbe(b, 0, 1, 0);
        assertThat(pool.select(members(a, b), 0)).isSameAs(a); // latency 0 < 1 ns, RIF 0 is cold
        pool.onProbe(null, 1, 1, 0);                             // a sink never throws
        assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void effectiveRifSaturates() {
        Probe p = new Probe(endpoint("a").load(), Integer.MAX_VALUE, 0, 0);
        assertThat(p.tryUse(2)).isTrue();
        assertThat(p.effectiveRequestsInFlight()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void invalidConfigurationIsRefused() {
        assertThatThrownBy(() -> new ProbePool(0, 1, 1, 0.5)).hasMessageContaining("size");
        assertThatThrownBy(() -> new ProbePool(1, -1, 1, 0.5)).hasMessageContaining("age");
        assertThatThrownBy(() -> new ProbePool(1, 1, 0, 0.5)).hasMessageContaining("budget");
        assertThatThrownBy(() -> new ProbePool(1, 1, 1, Double.NaN)).hasMessageContaining("quantile");
    }

    @Test
    void concurrentPicksNeverSpendMoreThanTheBudget() throws InterruptedException {
        // One probe with budget 1000, 8 threads selecting 500 times each: exactly 1000 succeed.
        Endpoint a = endpoint("a");
        ProbePool pool = new ProbePool(16, Long.MAX_VALUE / 2, 1000, 0.84);
        pool.onProbe(a, 0, MS, 0);
        Map<BackendLoad, Endpoint> members = members(a);
        AtomicInteger served = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 500; i++) {
                    if (pool.select(members, 0) != null) {
                        served.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(served.get()).isEqualTo(1000);
    }

    @Test
    void answersFromAnotherThreadWhilePicking() throws InterruptedException {
        // A writer thread keeps answering for 16 backends while 3 threads select: selections stay
        // within the members and the pool within its size.
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            eps.add(endpoint("e" + i));
        }
        Map<BackendLoad, Endpoint> members = members(eps.toArray(new Endpoint[0]));
        ProbePool pool = new ProbePool(8, Long.MAX_VALUE / 2, 2, 0.84);
        AtomicInteger outsiders = new AtomicInteger();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 50_000; i++) {
                pool.onProbe(eps.get(i % 16), i % 7, (i % 5) * MS, i);
            }
        });
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            readers.add(new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    Endpoint e = pool.select(members, 50_000);
                    if (e != null && !members.containsValue(e)) {
                        outsiders.incrementAndGet();
                    }
                }
            }));
        }
        writer.start();
        readers.forEach(Thread::start);
        writer.join();
        for (Thread r : readers) {
            r.join();
        }
        assertThat(outsiders.get()).isZero();
        assertThat(pool.size()).isLessThanOrEqualTo(8);
    }
}
