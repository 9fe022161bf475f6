package io.sluice.algorithms.ratelimit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four threads acquire from one limiter at once. The clock is virtual (an atomic counter the
 * threads advance), so the budget is known exactly and nothing depends on wall-clock speed.
 */
class RateLimiterConcurrencyTest {
    private static final int THREADS = 4;
    private static final long MS = 1_000_000L;

    static Stream<RateLimit> limits() {
        // Both are 100 permits per second with a burst of 50.
        return Stream.of(RateLimit.tokenBucket(100, 1_000 * MS, 50), RateLimit.gcra(10 * MS, 490 * MS));
    }

    private static long runThreads(Callable<Long> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(body));
            }
            long total = 0;
            for (Future<Long> f : futures) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            return total;
        } finally {
            pool.shutdown();
        }
    }

    /** With the clock frozen there is no refill: exactly the burst is granted, not one permit more or less. */
    @ParameterizedTest
    @MethodSource("limits")
    void frozenClockGrantsExactlyTheBurst(RateLimit limit) throws Exception {
        RateLimiter l = limit.newLimiter(0);
        CountDownLatch start = new CountDownLatch(1);
        long granted = runThreads(() -> {
            start.countDown();
            start.await();
            long mine = 0;
            for (int i = 0; i < 20_000; i++) {
                if (l.tryAcquire(1, 0) == 0) {
                    mine++;
                }
            }
            return mine;
        });
        assertThat(granted).isEqualTo(limit.burst());
    }

    /**
     * The threads advance a shared clock by 10 us per attempt. Whatever the interleaving, grants up
     * to time T never exceed burst + 100/s * T, and since the limiter is never starved by the
     * clock, they come close to it.
     */
    @ParameterizedTest
    @MethodSource("limits")
    void advancingClockNeverExceedsBurstPlusRateTimesElapsed(RateLimit limit) throws Exception {
        RateLimiter l = limit.newLimiter(0);
        AtomicLong clock = new AtomicLong();
        CountDownLatch start = new CountDownLatch(THREADS);
        long granted = runThreads(() -> {
            start.countDown();
            start.await();
            long mine = 0;
            for (int i = 0; i < 25_000; i++) {
                long now = clock.addAndGet(10_000);
                if (l.tryAcquire(1, now) == 0) {
                    mine++;
                }
            }
            return mine;
        });
        long elapsed = clock.get();
        long budget = limit.burst() + elapsed * 100 / (1_000 * MS);
        assertThat(granted).isLessThanOrEqualTo(budget);
        assertThat(granted).isGreaterThanOrEqualTo(budget - 2);
    }
}
