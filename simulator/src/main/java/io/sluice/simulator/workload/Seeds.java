package io.sluice.simulator.workload;

import io.sluice.algorithms.Hashing;
import java.util.SplittableRandom;

/**
 * Derives independent seeds for the parts of a workload from the one seed a run is given, so each
 * part (a mixture's sources, a fleet's phases and its jitter) draws from its own
 * {@link SplittableRandom} and adding a source never changes the draws of another.
 *
 * <p>{@code derive(seed, label) = mix64(seed + mix64(label + golden))}: {@code mix64} is a bijection,
 * so distinct labels give distinct inner values, and the outer avalanche makes seeds that differ in
 * one bit unrelated.
 */
final class Seeds {
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private Seeds() {
    }

    static long derive(long seed, long label) {
        return Hashing.mix64(seed + Hashing.mix64(label + GOLDEN));
    }

    static SplittableRandom random(long seed, long label) {
        return new SplittableRandom(derive(seed, label));
    }
}
