package io.sluice.algorithms.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    @Test
    void grantsTheBurstAtOnceThenOnePermitPerInterval() {
        RateLimiter l = TokenBucketSpec.perSecond(10, 5).newLimiter(0);
        for (int i = 0; i < 5; i++) {
            assertThat(l.tryAcquire(1, 0)).as("burst permit %d", i).isZero();
        }
        assertThat(l.tryAcquire(1, 0)).isEqualTo(100 * MS);
        for (long t = 100 * MS; t <= 1_000 * MS; t += 100 * MS) {
            assertThat(l.tryAcquire(1, t - 1)).as("just before %dms", t / MS).isEqualTo(1);
            assertThat(l.tryAcquire(1, t)).as("at %dms", t / MS).isZero();
        }
    }

    /** 3 per second: one permit is worth 1e9 / 3 ns, so an empty bucket needs ceil of it, 333_333_334 ns. */
    @Test
    void retryAfterIsExactForARateThatDoesNotDivideTheSecond() {
        RateLimiter l = TokenBucketSpec.perSecond(3, 1).newLimiter(0);
        assertThat(l.tryAcquire(1, 0)).isZero();
        long wait = l.tryAcquire(1, 0);
        assertThat(wait).isEqualTo(333_333_334L);
        assertThat(l.tryAcquire(1, wait - 1)).isEqualTo(1);
        assertThat(l.tryAcquire(1, wait)).isZero();
    }

    @Test
    void aLargerRequestWaitsForAllItsPermits() {
        RateLimiter l = TokenBucketSpec.perSecond(10, 5).newLimiter(0);
        assertThat(l.tryAcquire(4, 0)).isZero();
        assertThat(l.tryAcquire(3, 0)).isEqualTo(200 * MS);
        assertThat(l.tryAcquire(1, 0)).as("the refused request took nothing").isZero();
    }

    @Test
    void aRequestLargerThanTheBurstIsNeverGranted() {
        RateLimiter l = TokenBucketSpec.perSecond(10, 5).newLimiter(0);
        assertThat(l.tryAcquire(6, 0)).isEqualTo(RateLimiter.NEVER);
        assertThat(l.tryAcquire(6, 1_000 * S)).isEqualTo(RateLimiter.NEVER);
        assertThat(l.availablePermits(0)).isEqualTo(5);
    }

    @Test
    void zeroOrNegativePermitsAreRefusedAsAnError() {
        RateLimiter l = TokenBucketSpec.perSecond(10, 5).newLimiter(0);
        assertThatThrownBy(() -> l.tryAcquire(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> l.tryAcquire(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusedRequestTakesNothing() {
        RateLimiter l = TokenBucketSpec.perSecond(10, 2).newLimiter(0);
        l.tryAcquire(2, 0);
        assertThat(l.tryAcquire(1, 50 * MS)).isEqualTo(50 * MS);
        assertThat(l.availablePermits(50 * MS)).isZero();
        assertThat(l.tryAcquire(1, 100 * MS)).isZero();
    }

    @Test
    void aLongIdleRefillsToTheBurstOnlyAndDoesNotOverflow() {
        RateLimiter l = TokenBucketSpec.perSecond(1_000_000_000L, 7).newLimiter(0);
        l.tryAcquire(7, 0);
        assertThat(l.availablePermits(Long.MAX_VALUE / 2)).isEqualTo(7);
        assertThat(l.atRest(Long.MAX_VALUE / 2)).isTrue();
        assertThat(l.tryAcquire(7, Long.MAX_VALUE / 2)).isZero();
        assertThat(l.tryAcquire(1, Long.MAX_VALUE / 2)).isEqualTo(1);
    }

    @Test
    void anOlderClockReadingMintsNoPermitsAndCountsTheWaitFromTheStatesTime() {
        RateLimiter l = TokenBucketSpec.perSecond(10, 1).newLimiter(0);
        assertThat(l.tryAcquire(1, 10 * S)).isZero();
        // A racing thread read the clock earlier: nothing is refilled for it, and its wait covers
        // the gap to the state's time plus the refill.
        assertThat(l.tryAcquire(1, 10 * S - 30 * MS)).isEqualTo(130 * MS);
        assertThat(l.tryAcquire(1, 10 * S + 100 * MS)).isZero();
    }

    @Test
    void clockNearLongMaxWorks() {
        long t0 = Long.MAX_VALUE - S;
        RateLimiter l = TokenBucketSpec.perSecond(10, 1).newLimiter(t0);
        assertThat(l.tryAcquire(1, t0)).isZero();
        assertThat(l.tryAcquire(1, t0)).isEqualTo(100 * MS);
        assertThat(l.tryAcquire(1, t0 + 100 * MS)).isZero();
    }

    @Test
    void startsFullAndAtRest() {
        RateLimiter l = RateLimit.tokenBucket(1, S, 4).newLimiter(123);
        assertThat(l.availablePermits(123)).isEqualTo(4);
        assertThat(l.atRest(123)).isTrue();
        l.tryAcquire(1, 123);
        assertThat(l.atRest(123)).isFalse();
        assertThat(l.atRest(123 + S)).isTrue();
    }

    @Test
    void retryAfterSecondsRoundsUp() {
        assertThat(RateLimiter.retryAfterSeconds(0)).isZero();
        assertThat(RateLimiter.retryAfterSeconds(-5)).isZero();
        assertThat(RateLimiter.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(RateLimiter.retryAfterSeconds(S)).isEqualTo(1);
        assertThat(RateLimiter.retryAfterSeconds(S + 1)).isEqualTo(2);
        assertThat(RateLimiter.retryAfterSeconds(RateLimiter.NEVER)).isPositive();
    }

    @Test
    void rejectsBadSpecsNamingTheValueAndRange() {
        assertThatThrownBy(() -> RateLimit.tokenBucket(0, S, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permits").hasMessageContaining("[1, 1000000000]").hasMessageContaining("got 0");
        assertThatThrownBy(() -> RateLimit.tokenBucket(1, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period").hasMessageContaining("[1us, 24h]").hasMessageContaining("got 0ns");
        assertThatThrownBy(() -> RateLimit.tokenBucket(1, S, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("burst").hasMessageContaining("got 0");
        assertThatThrownBy(() -> RateLimit.tokenBucket(1, 86_400 * S, 1_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burst x period");
    }
}
