package io.sluice.algorithms.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A key-spraying client: a million distinct keys, and the table stays at its bound. */
class KeyTableMemoryTest {

    @Test
    void aMillionDistinctKeysStayWithinTheBound() {
        int bound = 10_000;
        KeyedRateLimiter k = KeyedRateLimiter.create(TokenBucketSpec.perSecond(10, 10), bound);
        Runtime rt = Runtime.getRuntime();
        long now = 0;
        for (int i = 0; i < 1_000_000; i++) {
            now += 1_000;
            // Every key takes its whole burst, so none is at rest: each new one must evict.
            k.tryAcquire("spray-" + i, 10, now);
            if ((i & 0xffff) == 0) {
                assertThat(k.size()).isLessThanOrEqualTo(bound);
            }
        }
        assertThat(k.size()).isEqualTo(bound);
        KeyedRateLimiter.KeyedStats st = k.stats();
        assertThat(st.granted()).isEqualTo(1_000_000);
        assertThat(st.evicted() + st.purged()).isEqualTo(1_000_000 - bound);
        // Memory: the table holds exactly `bound` entries, so what it retains is bound x (entry
        // + key + limiter), a few hundred bytes each: a few MB, whatever the number of keys seen.
        System.gc();
        long used = rt.totalMemory() - rt.freeMemory();
        assertThat(used).as("heap after a million keys (bounded table)").isLessThan(256L << 20);
    }
}
