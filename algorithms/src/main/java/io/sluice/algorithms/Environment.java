package io.sluice.algorithms;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Every source of nondeterminism a strategy may use: a nanosecond clock and a random source, and
 * the {@link Prober} through which probing strategies reach backends. The
 * proxy runs with {@link #system()}; the simulator runs the very same classes with
 * {@link #virtual(LongSupplier, long)} on its virtual clock and a seed, so runs reproduce exactly.
 *
 * <p>The random source of {@link #system()} is safe from many threads (it delegates to
 * {@link ThreadLocalRandom}); the one of {@link #virtual} is not, since the simulator is
 * single-threaded per run.
 */
public final class Environment {
    private final LongSupplier nanoClock;
    private final RandomGenerator random;
    private final Prober prober;

    private Environment(LongSupplier nanoClock, RandomGenerator random, Prober prober) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.random = Objects.requireNonNull(random, "random");
        this.prober = Objects.requireNonNull(prober, "prober");
    }

    /** Wall-clock-free monotonic time ({@link System#nanoTime()}) and thread-local randomness. */
    public static Environment system() {
        return SYSTEM;
    }

    /** A virtual clock and a seeded, single-threaded random source. */
    public static Environment virtual(LongSupplier nanoClock, long seed) {
        return new Environment(nanoClock, new SplittableRandom(seed), Prober.LOCAL);
    }

    /** Any clock and random source; the caller vouches for their thread safety. */
    public static Environment of(LongSupplier nanoClock, RandomGenerator random) {
        return new Environment(nanoClock, random, Prober.LOCAL);
    }

    /** Current time in nanoseconds; only differences are meaningful. */
    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    public LongSupplier clock() {
        return nanoClock;
    }

    public RandomGenerator random() {
        return random;
    }

    /** How probing strategies reach backends; {@link Prober#LOCAL} unless the caller wired one in. */
    public Prober prober() {
        return prober;
    }

    /** The same clock and random source with another prober. */
    public Environment withProber(Prober newProber) {
        return new Environment(nanoClock, random, newProber);
    }

    private static final Environment SYSTEM = new Environment(System::nanoTime, new ThreadLocalRandomGenerator(),
            Prober.LOCAL);

    /** Delegates every draw to the calling thread's {@link ThreadLocalRandom}. */
    private static final class ThreadLocalRandomGenerator implements RandomGenerator {
        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public int nextInt() {
            return ThreadLocalRandom.current().nextInt();
        }

        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public double nextDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }
    }
}
