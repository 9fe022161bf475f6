package io.sluice.simulator.workload;

/**
 * Poisson arrivals at a constant rate, each from a device drawn uniformly from the fleet.
 *
 * <p>Inter-arrival gaps are independent exponentials with mean {@code 1/rate}; the counting process
 * then has independent increments with {@code E[N(t)] = Var[N(t)] = rate * t}.
 */
final class PoissonWorkload implements WorkloadSpec {
    private final double ratePerSecond;
    private final String devicePrefix;
    private final int devices;
    private final ArrivalMarks marks;

    PoissonWorkload(double ratePerSecond, String devicePrefix, int devices, ArrivalMarks marks) {
        this.ratePerSecond = ratePerSecond;
        this.devicePrefix = devicePrefix;
        this.devices = devices;
        this.marks = marks;
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        double meanGapNanos = 1e9 / ratePerSecond;
        return new UniformDeviceStream(Seeds.random(seed, 0), devicePrefix, devices, marks, horizonNanos) {
            private double now;

            @Override
            double nextTimeNanos() {
                now += RandomDraws.exponential(random, meanGapNanos);
                return now;
            }
        };
    }

    @Override
    public double meanRatePerSecond() {
        return ratePerSecond;
    }

    @Override
    public String describe() {
        return "poisson " + Rates.format(ratePerSecond) + ", " + devices + " devices" + marks.describe();
    }
}
