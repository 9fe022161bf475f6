package io.sluice.simulator.workload;

import io.sluice.algorithms.Durations;
import java.math.BigInteger;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A fleet of telemetry devices that each report once a period.
 *
 * <p>Device {@code d} (of N) has a phase {@code phi_d} in [0, P): {@code aligned} puts every phase at 0
 * (the whole fleet reports at once, the worst case for a backend), {@code spread} puts
 * {@code phi_d = floor(d * P / N)} (perfectly staggered), {@code random} draws it uniformly from the
 * seed. Its k-th report is at {@code phi_d + k * P + J_dk} with the jitter {@code J_dk} uniform in
 * [0, jitter). Because {@code jitter <= P}, a device's next report is never before its current one,
 * so a min-heap over the devices' next report times yields the fleet in time order. The fleet's
 * rate is exactly {@code N / P}.
 */
final class PeriodicFleetWorkload implements WorkloadSpec {
    enum Phases { ALIGNED, SPREAD, RANDOM }

    private final int devices;
    private final long periodNanos;
    private final long jitterNanos;
    private final Phases phases;
    private final String devicePrefix;
    private final ArrivalMarks marks;

    PeriodicFleetWorkload(int devices, long periodNanos, long jitterNanos, Phases phases, String devicePrefix,
            ArrivalMarks marks) {
        if (jitterNanos > periodNanos) {
            throw new IllegalArgumentException("jitter > period");
        }
        this.devices = devices;
        this.periodNanos = periodNanos;
        this.jitterNanos = jitterNanos;
        this.phases = phases;
        this.devicePrefix = devicePrefix;
        this.marks = marks;
    }

    /** The nominal phase of device {@code d} of {@code devices}. */
    static long phase(Phases phases, int d, int devices, long periodNanos, SplittableRandom phaseRandom) {
        return switch (phases) {
            case ALIGNED -> 0;
            // d * P can overflow a long for big fleets and long periods: do it in 128 bits
            case SPREAD -> multiplyDivide(d, periodNanos, devices);
            case RANDOM -> phaseRandom.nextLong(periodNanos);
        };
    }

    private static long multiplyDivide(long a, long b, long c) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi == 0 && lo >= 0) {
            return lo / c;
        }
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
                .divide(BigInteger.valueOf(c)).longValue();
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        SplittableRandom phaseRandom = Seeds.random(seed, 0);
        SplittableRandom jitterRandom = Seeds.random(seed, 1);
        long[] nominal = new long[devices];
        TimeHeap heap = new TimeHeap(devices);
        for (int d = 0; d < devices; d++) {
            nominal[d] = phase(phases, d, devices, periodNanos, phaseRandom);
            heap.add(nominal[d] + jitter(jitterRandom), d);
        }
        DeviceIds ids = new DeviceIds(devicePrefix, devices);
        return new ArrivalStream() {
            @Override
            public boolean next(Arrival into) {
                if (heap.isEmpty() || heap.topTime() > horizonNanos) {
                    return false;
                }
                int d = heap.topItem();
                into.clear();
                into.timeNanos = heap.topTime();
                ids.fill(d, into);
                marks.applyTo(into);
                long nextNominal = nominal[d] + periodNanos;
                if (nextNominal < nominal[d]) {
                    heap.removeTop(); // past the end of virtual time
                } else {
                    nominal[d] = nextNominal;
                    heap.updateTop(nextNominal + jitter(jitterRandom));
                }
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    private long jitter(SplittableRandom random) {
        return jitterNanos == 0 ? 0 : random.nextLong(jitterNanos);
    }

    @Override
    public double meanRatePerSecond() {
        return devices * 1e9 / periodNanos;
    }

    @Override
    public String describe() {
        return "periodic " + devices + " devices every " + Durations.format(periodNanos)
                + (jitterNanos > 0 ? " jitter " + Durations.format(jitterNanos) : "")
                + " phases " + phases.name().toLowerCase(Locale.ROOT) + marks.describe();
    }
}
