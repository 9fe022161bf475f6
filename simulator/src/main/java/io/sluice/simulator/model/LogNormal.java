package io.sluice.simulator.model;

import java.util.random.RandomGenerator;

/** See {@link Distribution#lognormal(double, double)}. */
final class LogNormal implements Distribution {
    private final double mean;
    private final double sigma;
    private final double mu;

    LogNormal(double meanNanos, double sigma) {
        this.mean = DistributionChecks.positiveMean("lognormal", meanNanos);
        if (!(sigma > 0) || sigma > 10) {
            throw new IllegalArgumentException("lognormal: sigma must be in (0, 10], got " + sigma);
        }
        this.sigma = sigma;
        this.mu = Math.log(meanNanos) - sigma * sigma / 2;
    }

    @Override
    public double sample(RandomGenerator random) {
        return Math.exp(mu + sigma * random.nextGaussian());
    }

    @Override
    public double mean() {
        return mean;
    }

    @Override
    public String describe() {
        return "lognormal(mean=" + DistributionChecks.nanosText(mean) + ", sigma=" + sigma + ")";
    }
}
