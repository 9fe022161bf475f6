package io.sluice.algorithms.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link GlobalShare} and the {@link GlobalRateLimiter} over it, on a virtual clock. */
class GlobalRateLimiterTest {
    private static final long SEC = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void demandSharesFollowTheOfferedRatesAndSumToOne() {
        // The worked example of GlobalShare.demandShare: 1200, 600 and 200/s offered.
        double a = GlobalShare.demandShare(1200, 800, 3);
        double b = GlobalShare.demandShare(600, 1400, 3);
        double c = GlobalShare.demandShare(200, 1800, 3);
        assertThat(a).isCloseTo(0.587, within(0.001));
        assertThat(b).isCloseTo(0.302, within(0.001));
        assertThat(c).isCloseTo(0.112, within(0.001));
        assertThat(a + b + c).isCloseTo(1.0, within(1e-12));
        // No demand anywhere: an even share; alone: the whole limit; idle here: the even part only.
        assertThat(GlobalShare.demandShare(0, 0, 4)).isEqualTo(0.25);
        assertThat(GlobalShare.demandShare(0, 500, 1)).isEqualTo(1.0);
        assertThat(GlobalShare.demandShare(0, 500, 2)).isCloseTo(GlobalShare.EVEN_PART / 2, within(1e-12));
        assertThatThrownBy(() -> GlobalShare.demandShare(1, 1, 0)).hasMessageContaining("instances must be >= 1");
    }

    @Test
    void movingTheShareKeepsTheTokensSoFrequentMovesMintNothing() {
        // 1000/s, burst 100, half of it: 500/s and a bucket of 50.
        GlobalShare g = GlobalShare.of(RateLimit.tokenBucket(1000, SEC, 100), 0.5, 0);
        assertThat(drain(g, 0)).isEqualTo(50);
        // Every 10 ms the share flips between 0.4 and 0.6 (mean 0.5): over 1 s the bucket grants
        // what the rates earned, 0.5 x 1000 = 500 (+-1 for the last partial permit), never a fresh bucket.
        long granted = 0;
        for (int step = 1; step <= 100; step++) {
            long now = step * 10 * MS;
            g.setShare(step % 2 == 0 ? 0.4 : 0.6, now);
            granted += drain(g, now);
        }
        assertThat(granted).isBetween(499L, 501L);
    }

    @Test
    void noArrivalPatternGetsMoreThanBurstPlusRateTimesTimeAcrossShareMoves() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            GlobalShare g = GlobalShare.of(RateLimit.tokenBucket(1000, SEC, 50), 1.0, 0);
            long now = 0;
            double earned = 0; // integral of the rate, permits
            double maxBurst = 50;
            long granted = 0;
            double share = 1.0;
            for (int i = 0; i < 20_000; i++) {
                long dt = random.nextLong(2 * MS);
                earned += 1000 * share * dt / 1e9;
                now += dt;
                if (random.nextInt(50) == 0) {
                    share = 0.05 + 0.95 * random.nextDouble();
                    g.setShare(share, now);
                }
                if (g.tryAcquire(1, now) == 0) {
                    granted++;
                }
            }
            assertThat((double) granted).as("seed " + seed).isLessThanOrEqualTo(maxBurst + earned + 0.05);
        }
    }

    @Test
    void aRefusalSaysHowLongUntilThePermit() {
        GlobalShare g = GlobalShare.of(RateLimit.tokenBucket(100, SEC, 1), 1.0, 0);
        assertThat(g.tryAcquire(1, 0)).isZero();
        long wait = g.tryAcquire(1, 0);
        assertThat(wait).isBetween(9_999_999L, 10_000_001L);
        assertThat(g.tryAcquire(1, wait)).isZero();
        assertThat(g.tryAcquire(2, wait)).isEqualTo(RateLimiter.NEVER);
    }

    @Test
    void usageIsPerKeyAndPerSecondAndIdleKeysAreForgotten() {
        GlobalRateLimiter g = GlobalRateLimiter.create(RateLimit.tokenBucket(100, SEC, 10), 100, 0);
        for (int i = 0; i < 30; i++) {
            g.tryAcquire("a", 1, 0);
        }
        g.tryAcquire("b", 1, 0);
        Map<String, GlobalRateLimiter.Usage> u = g.takeUsage(SEC / 2);
        assertThat(u.get("a")).isEqualTo(new GlobalRateLimiter.Usage(60, 20)); // 30 and 10 in half a second
        assertThat(u.get("b")).isEqualTo(new GlobalRateLimiter.Usage(2, 2));
        assertThat(g.size()).isEqualTo(2);
        // Nothing offered for a period and the buckets full again: forgotten.
        assertThat(g.takeUsage(2 * SEC)).isEmpty();
        assertThat(g.size()).isZero();
    }

    @Test
    void sharesAreSetPerKeyAndNewKeysStartAtTheDefault() {
        GlobalRateLimiter g = GlobalRateLimiter.create(RateLimit.tokenBucket(1000, SEC, 100), 100, 0);
        g.setDefaultShare(0.25);
        assertThat(drain(g, "a", 0)).isEqualTo(25);
        g.setShare("a", 0.5, 0);
        assertThat(g.share("a")).isEqualTo(0.5);
        // 100 ms at 500/s.
        assertThat(drain(g, "a", 100 * MS)).isEqualTo(50);
        assertThat(g.share("never-seen")).isEqualTo(0.25);
        assertThatThrownBy(() -> g.setDefaultShare(0)).hasMessageContaining("(0, 1]");
    }

    @Test
    void keysBeyondTheBoundShareOneOverflowBudget() {
        GlobalRateLimiter g = GlobalRateLimiter.create(RateLimit.tokenBucket(1000, SEC, 10), 3, 0);
        long granted = 0;
        for (int k = 0; k < 1000; k++) {
            if (g.tryAcquire("spray-" + k, 1, 0) == 0) {
                granted++;
            }
        }
        // Three keys held, one request each; the other 997 share one bucket of 10.
        assertThat(g.size()).isEqualTo(3);
        assertThat(granted).isEqualTo(13);
        assertThat(g.takeUsage(SEC)).containsKey(GlobalRateLimiter.OVERFLOW_KEY).hasSize(4);
    }

    private static long drain(GlobalShare g, long now) {
        long n = 0;
        while (g.tryAcquire(1, now) == 0) {
            n++;
        }
        return n;
    }

    private static long drain(GlobalRateLimiter g, String key, long now) {
        long n = 0;
        while (g.tryAcquire(key, 1, now) == 0) {
            n++;
        }
        return n;
    }
}
