package io.sluice.simulator.model;

import java.util.random.RandomGenerator;

/**
 * A distribution of non-negative durations in nanoseconds: service times, network delays. Samples
 * are drawn from a random stream the caller owns, so every component of a run draws from its own
 * seeded stream and runs reproduce exactly.
 *
 * <p>Implementations are immutable and safe to share between runs; {@link #sample} never returns a
 * negative number, NaN or infinity.
 */
public interface Distribution {
    /** One draw, in nanoseconds, &gt;= 0. */
    double sample(RandomGenerator random);

    /** The exact mean in nanoseconds; service demands given as multiples of the mean scale by it. */
    double mean();

    /** One line for reports, e.g. {@code exponential(mean=1ms)}. */
    String describe();

    /**
     * Exponential with the given mean: {@code x = -mean * ln(1 - U)}, U uniform in [0, 1). The
     * service time of M/M/c queues.
     */
    static Distribution exponential(double meanNanos) {
        return new Exponential(meanNanos);
    }

    /** Always {@code nanos} (the D of M/D/1); 0 is allowed (no network delay). */
    static Distribution constant(double nanos) {
        return new Constant(nanos);
    }

    /**
     * Log-normal with the given mean and shape {@code sigma} (the standard deviation of ln x):
     * {@code x = exp(mu + sigma * Z)}, Z standard normal, {@code mu = ln(mean) - sigma^2 / 2} so
     * that {@code E[x] = exp(mu + sigma^2/2) = mean}. Worked example: mean 10 ms, sigma 1 gives a
     * median of {@code 10 ms * e^-0.5 = 6.07 ms} and a p99 of {@code 6.07 ms * e^2.326 = 62 ms}.
     */
    static Distribution lognormal(double meanNanos, double sigma) {
        return new LogNormal(meanNanos, sigma);
    }

    /**
     * Pareto (type I) with the given mean and tail index {@code shape} &gt; 1: scale
     * {@code xm = mean * (shape - 1) / shape}, {@code x = xm / U^(1/shape)}, U uniform in (0, 1].
     * The variance is infinite for {@code shape <= 2}: heavy tails, slow convergence.
     */
    static Distribution pareto(double meanNanos, double shape) {
        return new Pareto(meanNanos, shape);
    }

    /**
     * Resamples measured values uniformly (each sample equally likely), e.g. service times recorded
     * in production. The mean is the sample mean.
     */
    static Distribution empirical(double[] samplesNanos) {
        return new Empirical(samplesNanos);
    }
}
