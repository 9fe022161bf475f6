package io.sluice.simulator.standin;

import io.sluice.algorithms.Hashing;
import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.WorkloadSpec;
import java.util.SplittableRandom;

/**
 * Test-local Poisson arrivals (the workloads helper's generator is not merged yet): exponential
 * inter-arrival times with mean {@code 1/rate} from a {@link SplittableRandom} seeded by the run,
 * rounded to whole nanoseconds (a bias under 0.5 ns per gap, negligible next to millisecond
 * service times). Optionally each arrival names one of {@code devices} device ids chosen
 * uniformly, and optionally carries a fixed service demand.
 */
public final class PoissonWorkload implements WorkloadSpec {
    private final double ratePerSecond;
    private final String[] deviceIds;
    private final long[] deviceHashes;
    private final double serviceDemand;

    private PoissonWorkload(double ratePerSecond, int devices, double serviceDemand) {
        this.ratePerSecond = ratePerSecond;
        this.deviceIds = new String[devices];
        this.deviceHashes = new long[devices];
        for (int i = 0; i < devices; i++) {
            deviceIds[i] = "dev-" + i;
            deviceHashes[i] = Hashing.hash64(deviceIds[i]);
        }
        this.serviceDemand = serviceDemand;
    }

    /** Anonymous requests (no device id). */
    public static PoissonWorkload of(double ratePerSecond) {
        return new PoissonWorkload(ratePerSecond, 0, Double.NaN);
    }

    /** Requests from {@code devices} devices chosen uniformly at random. */
    public static PoissonWorkload withDevices(double ratePerSecond, int devices) {
        return new PoissonWorkload(ratePerSecond, devices, Double.NaN);
    }

    /** Every arrival carries this service demand (a multiple of the mean service time). */
    public PoissonWorkload withServiceDemand(double demand) {
        return new PoissonWorkload(ratePerSecond, deviceIds.length, demand);
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        SplittableRandom random = new SplittableRandom(seed);
        double meanGap = 1e9 / ratePerSecond;
        return new ArrivalStream() {
            private double t;

            @Override
            public boolean next(Arrival into) {
                t += -meanGap * Math.log(1.0 - random.nextDouble());
                long at = Math.round(t);
                if (at >= horizonNanos) {
                    return false;
                }
                into.timeNanos = at;
                if (deviceIds.length > 0) {
                    int d = random.nextInt(deviceIds.length);
                    into.deviceId = deviceIds[d];
                    into.keyHash = deviceHashes[d];
                }
                into.serviceDemand = serviceDemand;
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
        return "test-poisson " + ratePerSecond + "/s" + (deviceIds.length > 0 ? " over " + deviceIds.length
                + " devices" : "");
    }
}
