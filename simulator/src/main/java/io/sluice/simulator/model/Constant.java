package io.sluice.simulator.model;

import java.util.random.RandomGenerator;

/** See {@link Distribution#constant(double)}. Draws nothing from the random stream. */
final class Constant implements Distribution {
    private final double value;

    Constant(double nanos) {
        if (!(nanos >= 0) || Double.isInfinite(nanos)) {
            throw new IllegalArgumentException("constant: value must be a finite number of nanoseconds >= 0, got "
                    + nanos);
        }
        this.value = nanos;
    }

    @Override
    public double sample(RandomGenerator random) {
        return value;
    }

    @Override
    public double mean() {
        return value;
    }

    @Override
    public String describe() {
        return "constant(" + DistributionChecks.nanosText(value) + ")";
    }
}
