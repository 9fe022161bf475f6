package io.sluice.simulator.engine;

import io.sluice.algorithms.Hashing;
import java.util.SplittableRandom;

/**
 * Independent, reproducible random streams derived from one run seed, one per named component
 * ({@code workload}, {@code backend-api-3}, {@code lb-0}, {@code network}...). Each component
 * draws only from its own stream, so adding draws in one component (a strategy that now probes,
 * a different service distribution) does not shift the numbers any other component sees.
 *
 * <p>Derivation: {@code seed(component) = mix64(mix64(runSeed) ^ hash64(component))}, with
 * {@link Hashing}'s FNV-1a + MurmurHash3 finaliser, then a {@link SplittableRandom} (SplitMix64,
 * Steele, Lea and Flood, OOPSLA 2014) on that seed. The inner {@code mix64} keeps seeds 1 and 2
 * from giving streams whose seeds differ in one bit.
 */
public final class RandomStreams {
    private RandomStreams() {
    }

    /** The seed of {@code component}'s stream in a run seeded with {@code runSeed}. */
    public static long seed(long runSeed, String component) {
        return Hashing.mix64(Hashing.mix64(runSeed) ^ Hashing.hash64(component));
    }

    /** A fresh stream for {@code component}; two calls with the same arguments give equal sequences. */
    public static SplittableRandom stream(long runSeed, String component) {
        return new SplittableRandom(seed(runSeed, component));
    }
}
