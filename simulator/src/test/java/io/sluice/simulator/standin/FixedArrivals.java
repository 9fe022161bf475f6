package io.sluice.simulator.standin;

import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.WorkloadSpec;

/** Arrivals at the given virtual times, no device: for scenario tests with exact expected numbers. */
public final class FixedArrivals implements WorkloadSpec {
    private final long[] times;
    private final double serviceDemand;
    private final String[] devices;

    private FixedArrivals(long[] times, double serviceDemand, String[] devices) {
        this.times = times.clone();
        this.serviceDemand = serviceDemand;
        this.devices = devices;
    }

    private FixedArrivals(long[] times) {
        this(times, Double.NaN, null);
    }

    /** Every arrival carries this service demand (a multiple of the mean service time). */
    public FixedArrivals withServiceDemand(double demand) {
        return new FixedArrivals(times, demand, devices);
    }

    /** Arrival {@code i} comes from device {@code ids[i % ids.length]}. */
    public FixedArrivals fromDevices(String... ids) {
        return new FixedArrivals(times, serviceDemand, ids.clone());
    }

    public static FixedArrivals at(long... timesNanos) {
        return new FixedArrivals(timesNanos);
    }

    /** {@code count} arrivals every {@code gapNanos}, the first at {@code startNanos}. */
    public static FixedArrivals every(long startNanos, long gapNanos, int count) {
        long[] t = new long[count];
        for (int i = 0; i < count; i++) {
            t[i] = startNanos + i * gapNanos;
        }
        return new FixedArrivals(t);
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        return new ArrivalStream() {
            private int next;

            @Override
            public boolean next(Arrival into) {
                if (next == times.length || times[next] >= horizonNanos) {
                    return false;
                }
                if (devices != null) {
                    into.deviceId = devices[next % devices.length];
                    into.keyHash = io.sluice.algorithms.Hashing.hash64(into.deviceId);
                }
                into.serviceDemand = serviceDemand;
                into.timeNanos = times[next++];
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public double meanRatePerSecond() {
        return Double.NaN;
    }

    @Override
    public String describe() {
        return times.length + " fixed arrivals";
    }
}
