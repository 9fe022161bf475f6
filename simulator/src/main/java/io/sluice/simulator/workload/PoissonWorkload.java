package io.sluice.simulator.workload;

import java.util.SplittableRandom;

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
        SplittableRandom random = Seeds.random(seed, 0);
        DeviceIds ids = new DeviceIds(devicePrefix, devices);
        double meanGapNanos = 1e9 / ratePerSecond;
        return new ArrivalStream() {
            private double now;

            @Override
            public boolean next(Arrival into) {
                now += RandomDraws.exponential(random, meanGapNanos);
                if (now > horizonNanos) {
                    return false;
                }
                into.clear();
                into.timeNanos = (long) now;
                ids.fill(random.nextInt(devices), into);
                marks.applyTo(into);
                return true;
            }

            @Override
            public void close() {
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
