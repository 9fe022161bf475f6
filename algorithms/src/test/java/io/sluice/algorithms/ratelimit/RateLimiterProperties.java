package io.sluice.algorithms.ratelimit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterProperties {

    /** One attempt: after {@code gap} nanoseconds (a fraction of the period), ask for {@code permits}. */
    record Attempt(long gapPermille, int permits) {
    }

    @Provide
    Arbitrary<List<Attempt>> attempts() {
        return Combinators.combine(Arbitraries.longs().between(0, 2_500), Arbitraries.integers().between(1, 6))
                .as(Attempt::new).list().ofMinSize(1).ofMaxSize(150);
    }

    /**
     * Over any window [t_i, t_j] between two grants, a token bucket grants at most
     * burst + rate (t_j - t_i) permits, checked in exact integer arithmetic:
     * granted * period &lt;= burst * period + (t_j - t_i) * permits.
     */
    @Property(tries = 300)
    void tokenBucketNeverExceedsBurstPlusRateOverAnyWindow(@ForAll @IntRange(min = 1, max = 7) int permits,
                                                           @ForAll @LongRange(min = 1_000, max = 1_000_000_000)
                                                           long period,
                                                           @ForAll @IntRange(min = 1, max = 8) int burst,
                                                           @ForAll("attempts") List<Attempt> attempts) {
        RateLimiter l = RateLimit.tokenBucket(permits, period, burst).newLimiter(0);
        List<long[]> grants = run(l, period, attempts);
        for (int i = 0; i < grants.size(); i++) {
            long sum = 0;
            for (int j = i; j < grants.size(); j++) {
                sum += grants.get(j)[1];
                long window = grants.get(j)[0] - grants.get(i)[0];
                assertThat(sum * period).isLessThanOrEqualTo((long) burst * period + window * permits);
            }
        }
    }

    /** GCRA's bound: in any window of length t, granted * T &lt;= tau + T + t. */
    @Property(tries = 300)
    void gcraNeverExceedsItsBoundOverAnyWindow(@ForAll @LongRange(min = 1, max = 1_000_000_000) long t,
                                               @ForAll @IntRange(min = 0, max = 7) int extraBurst,
                                               @ForAll("attempts") List<Attempt> attempts) {
        long tau = extraBurst * t;
        RateLimiter l = RateLimit.gcra(t, tau).newLimiter(0);
        List<long[]> grants = run(l, t, attempts);
        for (int i = 0; i < grants.size(); i++) {
            long sum = 0;
            for (int j = i; j < grants.size(); j++) {
                sum += grants.get(j)[1];
                long window = grants.get(j)[0] - grants.get(i)[0];
                assertThat(sum * t).isLessThanOrEqualTo(tau + t + window);
            }
        }
    }

    /** Every refusal's wait is exact: refused one nanosecond earlier, granted at it. */
    @Property(tries = 300)
    void retryAfterIsExact(@ForAll boolean gcra,
                           @ForAll @IntRange(min = 1, max = 7) int permits,
                           @ForAll @LongRange(min = 1_000, max = 1_000_000_000) long period,
                           @ForAll @IntRange(min = 1, max = 8) int burst,
                           @ForAll("attempts") List<Attempt> attempts) {
        RateLimit limit = gcra ? GcraSpec.fromRate(permits, period, burst) : RateLimit.tokenBucket(permits, period, burst);
        RateLimiter l = limit.newLimiter(0);
        long now = 0;
        for (Attempt a : attempts) {
            now += period * a.gapPermille() / 1_000;
            long wait = l.tryAcquire(a.permits(), now);
            if (wait == RateLimiter.NEVER) {
                assertThat((long) a.permits()).isGreaterThan(limit.burst());
            } else if (wait > 0) {
                assertThat(l.tryAcquire(a.permits(), now + wait - 1)).as("one ns early").isPositive();
                assertThat(l.tryAcquire(a.permits(), now + wait)).as("on time").isZero();
                now += wait;
            }
        }
    }

    /**
     * A token bucket of one permit per T with burst b is GCRA(T, (b-1) T): on any sequence both
     * make the same decisions and answer the same waits.
     */
    @Property(tries = 300)
    void gcraEqualsTheTokenBucketItDescribes(@ForAll @LongRange(min = 1_000, max = 1_000_000_000) long t,
                                             @ForAll @IntRange(min = 1, max = 8) int burst,
                                             @ForAll("attempts") List<Attempt> attempts) {
        RateLimiter bucket = RateLimit.tokenBucket(1, t, burst).newLimiter(0);
        RateLimiter gcra = RateLimit.gcra(t, (burst - 1) * t).newLimiter(0);
        long now = 0;
        for (Attempt a : attempts) {
            now += t * a.gapPermille() / 1_000;
            assertThat(gcra.tryAcquire(a.permits(), now)).isEqualTo(bucket.tryAcquire(a.permits(), now));
            assertThat(gcra.availablePermits(now)).isEqualTo(bucket.availablePermits(now));
        }
    }

    /** Runs the attempts; returns the grants as (time, permits). */
    private static List<long[]> run(RateLimiter l, long period, List<Attempt> attempts) {
        List<long[]> grants = new ArrayList<>();
        long now = 0;
        for (Attempt a : attempts) {
            now += period * a.gapPermille() / 1_000;
            if (l.tryAcquire(a.permits(), now) == 0) {
                grants.add(new long[]{now, a.permits()});
            }
        }
        return grants;
    }
}
