package io.sluice.algorithms.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyedRateLimiterTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final RateLimit TEN_PER_SECOND_BURST_2 = RateLimit.tokenBucket(10, S, 2);

    @Test
    void eachKeyHasItsOwnBudget() {
        KeyedRateLimiter k = KeyedRateLimiter.create(TEN_PER_SECOND_BURST_2, 100);
        assertThat(k.tryAcquire("a", 2, 0)).isZero();
        assertThat(k.tryAcquire("a", 1, 0)).isEqualTo(100 * MS);
        assertThat(k.tryAcquire("b", 2, 0)).isZero();
        assertThat(k.stats().granted()).isEqualTo(2);
        assertThat(k.stats().refused()).isEqualTo(1);
        assertThat(k.size()).isEqualTo(2);
    }

    @Test
    void whenFullTheLeastRecentlyUsedBusyKeyIsEvicted() {
        KeyedRateLimiter k = new StripedKeyedLimiter(TEN_PER_SECOND_BURST_2, 2, 1);
        k.tryAcquire("a", 2, 0);
        k.tryAcquire("b", 2, 0);
        k.tryAcquire("c", 1, 0);
        assertThat(k.size()).isEqualTo(2);
        assertThat(k.stats().evicted()).isEqualTo(1);
        assertThat(k.tryAcquire("b", 1, 0)).as("b kept its drained bucket").isPositive();
        assertThat(k.tryAcquire("a", 2, 0)).as("a lost its state and starts full").isZero();
    }

    @Test
    void limitersAtRestAreDroppedBeforeAnyBusyOne() {
        KeyedRateLimiter k = new StripedKeyedLimiter(TEN_PER_SECOND_BURST_2, 2, 1);
        k.tryAcquire("a", 1, 0);
        k.tryAcquire("b", 2, 150 * MS);
        // At 200 ms, a (least recently used) has refilled and is at rest; b has not.
        k.tryAcquire("c", 1, 200 * MS);
        assertThat(k.stats().purged()).isEqualTo(1);
        assertThat(k.stats().evicted()).isZero();
        assertThat(k.tryAcquire("b", 2, 200 * MS)).as("b's state survived").isPositive();
    }

    @Test
    void theKeyBoundHoldsUnderAFloodOfKeys() {
        KeyedRateLimiter k = KeyedRateLimiter.create(TEN_PER_SECOND_BURST_2, 64);
        for (int i = 0; i < 10_000; i++) {
            k.tryAcquire("client-" + i, 1, i);
            assertThat(k.size()).isLessThanOrEqualTo(64);
        }
        assertThat(k.stats().purged() + k.stats().evicted()).isEqualTo(10_000 - k.size());
    }

    @Test
    void purgeDropsOnlyLimitersAtRest() {
        KeyedRateLimiter k = KeyedRateLimiter.create(TEN_PER_SECOND_BURST_2, 100);
        k.tryAcquire("idle", 1, 0);
        k.tryAcquire("busy", 2, 100 * MS);
        assertThat(k.purgeAtRest(150 * MS)).isEqualTo(1);
        assertThat(k.size()).isEqualTo(1);
        assertThat(k.tryAcquire("busy", 2, 150 * MS)).isPositive();
    }

    @Test
    void aSingleKeyTableStillLimits() {
        KeyedRateLimiter k = KeyedRateLimiter.create(RateLimit.gcra(100 * MS, 0), 1);
        assertThat(k.tryAcquire("a", 1, 0)).isZero();
        assertThat(k.tryAcquire("a", 1, 0)).isEqualTo(100 * MS);
        assertThat(k.size()).isEqualTo(1);
    }

    @Test
    void rejectsABadKeyBound() {
        assertThatThrownBy(() -> KeyedRateLimiter.create(TEN_PER_SECOND_BURST_2, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-keys")
                .hasMessageContaining("[1, 100000000]").hasMessageContaining("got 0");
    }

    /** Four threads share eight keys with a frozen clock: each key grants exactly its burst. */
    @Test
    void concurrentClientsGetExactlyTheirBudgetPerKey() throws Exception {
        KeyedRateLimiter k = KeyedRateLimiter.create(RateLimit.tokenBucket(10, S, 25), 100);
        Map<String, LongAdder> granted = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> {
                start.countDown();
                start.await();
                for (int i = 0; i < 8_000; i++) {
                    String key = "client-" + (i % 8);
                    if (k.tryAcquire(key, 1, 0) == 0) {
                        granted.computeIfAbsent(key, x -> new LongAdder()).increment();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(granted).hasSize(8);
        assertThat(granted.values()).allSatisfy(a -> assertThat(a.sum()).isEqualTo(25));
        assertThat(k.stats().granted()).isEqualTo(200);
    }
}
