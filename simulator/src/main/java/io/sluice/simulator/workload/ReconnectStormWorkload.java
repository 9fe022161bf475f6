package io.sluice.simulator.workload;

import io.sluice.algorithms.Durations;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * An outage-and-reconnect storm: at time {@code at} every device of a fleet loses its connection and
 * retries with capped exponential backoff and jitter until it gets back in. Each arrival is one
 * connection attempt.
 *
 * <p>Attempt i (i = 0, 1, ...) comes {@code delay_i} after the previous one (attempt 0 after
 * {@code at}), where with the ceiling {@code c_i = min(cap, base * multiplier^i)}:
 * <ul>
 *   <li>{@code full}: {@code delay_i} uniform in [0, c_i) (the default; best at spreading the herd)</li>
 *   <li>{@code equal}: {@code c_i/2 + } uniform in [0, c_i/2)</li>
 *   <li>{@code none}: {@code delay_i = c_i} (every device in lockstep: the thundering herd)</li>
 * </ul>
 * as compared in M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015.
 * The workload is open-loop (it cannot see the backends), so it decides an attempt's fate itself:
 * attempts before {@code at + outage} fail (the platform is still down); later ones succeed,
 * except that each fails independently with {@code failure-probability} (a crude stand-in for
 * overloaded backends refusing connections). A device stops after its first success or after
 * {@code max-attempts}. Worked example, jitter none, base 1s, multiplier 2, cap 30s, outage 10s:
 * attempts at at+1, +3, +7, +15 s; the one at +15 s is after the outage and succeeds.
 *
 * <p>A storm is a transient, so it has no long-run mean rate: {@link #meanRatePerSecond()} is NaN.
 */
final class ReconnectStormWorkload implements WorkloadSpec {
    enum Jitter { FULL, EQUAL, NONE }

    private final int devices;
    private final long atNanos;
    private final long outageNanos;
    private final long baseNanos;
    private final long capNanos;
    private final double multiplier;
    private final Jitter jitter;
    private final double failureProbability;
    private final int maxAttempts;
    private final String devicePrefix;
    private final ArrivalMarks marks;

    /** @param maxAttempts 0 for no limit */
    ReconnectStormWorkload(int devices, long atNanos, long outageNanos, long baseNanos, long capNanos,
            double multiplier, Jitter jitter, double failureProbability, int maxAttempts, String devicePrefix,
            ArrivalMarks marks) {
        this.devices = devices;
        this.atNanos = atNanos;
        this.outageNanos = outageNanos;
        this.baseNanos = baseNanos;
        this.capNanos = capNanos;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.failureProbability = failureProbability;
        this.maxAttempts = maxAttempts;
        this.devicePrefix = devicePrefix;
        this.marks = marks;
    }

    /** The ceiling c_i of attempt i's delay. */
    double ceilingNanos(int attempt) {
        // base * m^i overflows to infinity for large i, which min() then caps
        return Math.min(capNanos, baseNanos * Math.pow(multiplier, attempt));
    }

    private long delay(int attempt, SplittableRandom random) {
        double c = ceilingNanos(attempt);
        return switch (jitter) {
            case FULL -> (long) (random.nextDouble() * c);
            case EQUAL -> (long) (c / 2 + random.nextDouble() * c / 2);
            case NONE -> (long) c;
        };
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        SplittableRandom random = Seeds.random(seed, 0);
        int[] attempts = new int[devices];
        TimeHeap heap = new TimeHeap(devices);
        for (int d = 0; d < devices; d++) {
            heap.add(atNanos + delay(0, random), d);
        }
        long recoveredAt = atNanos + outageNanos;
        DeviceIds ids = new DeviceIds(devicePrefix, devices);
        return new ArrivalStream() {
            @Override
            public boolean next(Arrival into) {
                if (heap.isEmpty() || heap.topTime() > horizonNanos) {
                    return false;
                }
                long t = heap.topTime();
                int d = heap.topItem();
                into.clear();
                into.timeNanos = t;
                ids.fill(d, into);
                marks.applyTo(into);
                int made = ++attempts[d];
                boolean failed = t < recoveredAt
                        || (failureProbability > 0 && random.nextDouble() < failureProbability);
                if (!failed || made == maxAttempts) {
                    heap.removeTop();
                } else {
                    heap.updateTop(t + delay(made, random));
                }
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
        return "reconnect-storm " + devices + " devices at " + Durations.format(atNanos) + " outage "
                + Durations.format(outageNanos) + " backoff " + Durations.format(baseNanos) + " x" + multiplier
                + " cap " + Durations.format(capNanos) + " jitter " + jitter.name().toLowerCase(Locale.ROOT)
                + marks.describe();
    }
}
