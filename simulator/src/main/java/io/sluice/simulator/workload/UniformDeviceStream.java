package io.sluice.simulator.workload;

import java.util.SplittableRandom;

/**
 * An arrival stream whose arrival times come from a subclass and whose device for each arrival is
 * drawn uniformly from the fleet, after the time: the Poisson and on/off workloads, which differ
 * only in how the next time is found. Keeping the draw order (times first, then the device) in one
 * place keeps every such workload's seeded output identical to what it was.
 */
abstract class UniformDeviceStream implements ArrivalStream {
    /** The stream's one random source: subclasses draw times from it, this class draws devices. */
    protected final SplittableRandom random;
    private final DeviceIds ids;
    private final int devices;
    private final ArrivalMarks marks;
    private final long horizonNanos;

    UniformDeviceStream(SplittableRandom random, String devicePrefix, int devices, ArrivalMarks marks,
            long horizonNanos) {
        this.random = random;
        this.ids = new DeviceIds(devicePrefix, devices);
        this.devices = devices;
        this.marks = marks;
        this.horizonNanos = horizonNanos;
    }

    /**
     * The next arrival time in nanoseconds (fractional; truncated when emitted); any value past
     * the horizon ends the stream.
     */
    abstract double nextTimeNanos();

    final long horizonNanos() {
        return horizonNanos;
    }

    @Override
    public final boolean next(Arrival into) {
        double now = nextTimeNanos();
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
}
