package io.sluice.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomStreamsTest {
    @Test
    void sameSeedAndComponentGiveTheSameStream() {
        SplittableRandom a = RandomStreams.stream(42, "backend-s-0");
        SplittableRandom b = RandomStreams.stream(42, "backend-s-0");
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextLong()).isEqualTo(b.nextLong());
        }
    }

    @Test
    void componentsAndSeedsGetDistinctSeeds() {
        Set<Long> seeds = new HashSet<>();
        for (long run = 0; run < 20; run++) {
            for (int c = 0; c < 50; c++) {
                seeds.add(RandomStreams.seed(run, "backend-s-" + c));
            }
        }
        assertThat(seeds).hasSize(20 * 50);
    }

    @Test
    void neighbouringSeedsGiveUnrelatedFirstDraws() {
        // With the inner mix, seeds 1 and 2 differ in about half their 64 bits (a plain XOR would
        // differ in 2). Expected 32, standard deviation 4: at least 16 is 4 sigma away.
        long a = RandomStreams.seed(1, "network");
        long b = RandomStreams.seed(2, "network");
        assertThat(Long.bitCount(a ^ b)).isGreaterThanOrEqualTo(16);
    }
}
