package io.sluice.simulator.model;

import java.util.random.RandomGenerator;

/** See {@link Distribution#empirical(double[])}. */
final class Empirical implements Distribution {
    private final double[] samples;
    private final double mean;

    Empirical(double[] samplesNanos) {
        if (samplesNanos == null || samplesNanos.length == 0) {
            throw new IllegalArgumentException("empirical: at least one sample is required");
        }
        this.samples = samplesNanos.clone();
        double sum = 0;
        for (int i = 0; i < samples.length; i++) {
            double s = samples[i];
            if (!(s >= 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("empirical: sample " + i + " must be a finite number of"
                        + " nanoseconds >= 0, got " + s);
            }
            sum += s;
        }
        this.mean = sum / samples.length;
        if (!(mean > 0)) {
            throw new IllegalArgumentException("empirical: the samples must not all be 0");
        }
    }

    @Override
    public double sample(RandomGenerator random) {
        return samples[random.nextInt(samples.length)];
    }

    @Override
    public double mean() {
        return mean;
    }

    @Override
    public String describe() {
        return "empirical(" + samples.length + " samples, mean=" + DistributionChecks.nanosText(mean) + ")";
    }
}
