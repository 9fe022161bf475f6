package io.sluice.simulator.model;

import java.util.random.RandomGenerator;

/** See {@link Distribution#pareto(double, double)}. */
final class Pareto implements Distribution {
    private final double mean;
    private final double shape;
    private final double scale;

    Pareto(double meanNanos, double shape) {
        this.mean = DistributionChecks.positiveMean("pareto", meanNanos);
        if (!(shape > 1) || Double.isInfinite(shape)) {
            throw new IllegalArgumentException("pareto: shape must be a finite number > 1 (else the mean is"
                    + " infinite), got " + shape);
        }
        this.shape = shape;
        this.scale = meanNanos * (shape - 1) / shape;
    }

    @Override
    public double sample(RandomGenerator random) {
        // 1 - U lies in (0, 1]: the draw is at least the scale and never infinite.
        return scale / Math.pow(1.0 - random.nextDouble(), 1.0 / shape);
    }

    @Override
    public double mean() {
        return mean;
    }

    @Override
    public String describe() {
        return "pareto(mean=" + DistributionChecks.nanosText(mean) + ", shape=" + shape + ")";
    }
}
