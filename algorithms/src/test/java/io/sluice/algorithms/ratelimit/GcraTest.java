package io.sluice.algorithms.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GcraTest {
    private static final long MS = 1_000_000L;

    /** The worked example of {@link GcraSpec}: T = 100 ms, tau = 400 ms. */
    @Test
    void grantsTheBurstThenOnePerEmissionInterval() {
        RateLimiter l = RateLimit.gcra(100 * MS, 400 * MS).newLimiter(0);
        assertThat(l.limit().burst()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(l.tryAcquire(1, 0)).isZero();
        }
        assertThat(l.tryAcquire(1, 0)).isEqualTo(100 * MS);
        assertThat(l.tryAcquire(1, 100 * MS - 1)).isEqualTo(1);
        assertThat(l.tryAcquire(1, 100 * MS)).isZero();
        assertThat(l.tryAcquire(1, 150 * MS)).isEqualTo(50 * MS);
    }

    @Test
    void zeroToleranceSpacesEveryRequest() {
        RateLimiter l = RateLimit.gcra(10 * MS, 0).newLimiter(0);
        assertThat(l.limit().burst()).isEqualTo(1);
        assertThat(l.tryAcquire(1, 0)).isZero();
        assertThat(l.tryAcquire(1, 5 * MS)).isEqualTo(5 * MS);
        assertThat(l.tryAcquire(1, 10 * MS)).isZero();
        assertThat(l.tryAcquire(2, 100 * MS)).isEqualTo(RateLimiter.NEVER);
    }

    @Test
    void aMultiPermitRequestWaitsForItsWholeCost() {
        RateLimiter l = RateLimit.gcra(100 * MS, 400 * MS).newLimiter(0);
        assertThat(l.tryAcquire(4, 0)).isZero();
        assertThat(l.tryAcquire(3, 0)).isEqualTo(200 * MS);
        assertThat(l.availablePermits(0)).isEqualTo(1);
    }

    @Test
    void aRequestLargerThanTheBurstIsNeverGranted() {
        RateLimiter l = RateLimit.gcra(100 * MS, 400 * MS).newLimiter(0);
        assertThat(l.tryAcquire(6, 0)).isEqualTo(RateLimiter.NEVER);
        assertThat(l.tryAcquire(Integer.MAX_VALUE, 0)).isEqualTo(RateLimiter.NEVER);
    }

    @Test
    void anIdleLimiterIsAtRestAndFull() {
        RateLimiter l = RateLimit.gcra(100 * MS, 400 * MS).newLimiter(0);
        l.tryAcquire(5, 0);
        assertThat(l.atRest(400 * MS)).isFalse();
        assertThat(l.atRest(500 * MS)).isTrue();
        assertThat(l.availablePermits(10_000 * MS)).isEqualTo(5);
    }

    /** 3 per second cannot be a whole number of ns apart: T is rounded up so the limit is never exceeded. */
    @Test
    void fromRateRoundsTheIntervalUp() {
        GcraSpec g = GcraSpec.fromRate(3, 1_000 * MS, 4);
        assertThat(g.emissionIntervalNanos()).isEqualTo(333_333_334L);
        assertThat(g.toleranceNanos()).isEqualTo(3 * 333_333_334L);
        assertThat(g.burst()).isEqualTo(4);
    }

    @Test
    void clockNearLongMaxWorks() {
        long t0 = Long.MAX_VALUE - 1_000 * MS;
        RateLimiter l = RateLimit.gcra(100 * MS, 0).newLimiter(t0);
        assertThat(l.tryAcquire(1, t0)).isZero();
        assertThat(l.tryAcquire(1, t0 + 40 * MS)).isEqualTo(60 * MS);
    }

    @Test
    void rejectsBadSpecsNamingTheValueAndRange() {
        assertThatThrownBy(() -> RateLimit.gcra(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("emission interval").hasMessageContaining("[1ns, 24h]");
        assertThatThrownBy(() -> RateLimit.gcra(MS, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tolerance").hasMessageContaining("got -1ns");
        assertThatThrownBy(() -> GcraSpec.fromRate(0, MS, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permits 0");
    }
}
