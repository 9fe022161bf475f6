package io.sluice.simulator.model;

import java.util.random.RandomGenerator;

/** See {@link Distribution#exponential(double)}. */
final class Exponential implements Distribution {
    private final double mean;

    Exponential(double meanNanos) {
        this.mean = DistributionChecks.positiveMean("exponential", meanNanos);
    }

    @Override
    public double sample(RandomGenerator random) {
        // 1 - U lies in (0, 1], so the logarithm is finite.
        return -mean * Math.log(1.0 - random.nextDouble());
    }

    @Override
    public double mean() {
        return mean;
    }

    @Override
    public String describe() {
        return "exponential(mean=" + DistributionChecks.nanosText(mean) + ")";
    }
}
