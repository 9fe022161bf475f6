package io.sluice.simulator.workload;

import io.sluice.algorithms.Durations;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fleet that accesses all at once, as after a power cut or an alarm: the traffic models of
 * 3GPP TR 37.868 V11.0.0 (2011), "Study on RAN Improvements for Machine-type Communications",
 * clause 6.1.1. Model 2 (synchronised access, {@code beta}): each of N devices accesses once at a time
 * t in [0, T] drawn from the Beta(3, 4) density {@code p(t) = t^2 (T - t)^3 / (T^6 B(3, 4))}, with
 * T = 10 s in the TR. Since {@code B(3, 4) = 2! 3! / 6! = 1/60}, the density of x = t/T is
 * {@code 60 x^2 (1 - x)^3}: mean {@code 3/7 T}, variance {@code 3/98 T^2}, and at its mode
 * {@code x = 2/5} the rate is {@code 60 * 0.16 * 0.216 = 2.07} times the average N / T. Worked
 * example: N = 30000, T = 10 s: 3000/s on average over the window, 6220/s at t = 4 s.
 * Model 1 ({@code uniform}, T = 60 s in the TR) spreads the accesses uniformly over T.
 *
 * <p>Beta(3, 4) is drawn as the 3rd smallest of 6 uniforms ({@link RandomDraws#betaOrderStatistic}).
 * A burst's N times are drawn, sorted, and given to the devices in a uniformly random order
 * (Fisher-Yates): the times are i.i.d., so a random assignment of sorted times to devices has the
 * same law as drawing each device's time independently, and we only sort longs. Memory is 12 bytes
 * per device. With {@code every} the burst repeats (fresh draws each time) every that long.
 */
final class SynchronisedAccessWorkload implements WorkloadSpec {
    enum Shape { BETA, UNIFORM }

    private final int devices;
    private final long windowNanos;
    private final Shape shape;
    private final long atNanos;
    private final long everyNanos;
    private final String devicePrefix;
    private final ArrivalMarks marks;

    /** @param everyNanos 0 for a single burst, else at least the window */
    SynchronisedAccessWorkload(int devices, long windowNanos, Shape shape, long atNanos, long everyNanos,
            String devicePrefix, ArrivalMarks marks) {
        if (everyNanos != 0 && everyNanos < windowNanos) {
            throw new IllegalArgumentException("bursts would overlap");
        }
        this.devices = devices;
        this.windowNanos = windowNanos;
        this.shape = shape;
        this.atNanos = atNanos;
        this.everyNanos = everyNanos;
        this.devicePrefix = devicePrefix;
        this.marks = marks;
    }

    /** One access offset in [0, T]. */
    static double accessOffset(Shape shape, long windowNanos, SplittableRandom random, double[] scratch) {
        double u = shape == Shape.BETA ? RandomDraws.betaOrderStatistic(random, 3, 4, scratch) : random.nextDouble();
        return u * windowNanos;
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        DeviceIds ids = new DeviceIds(devicePrefix, devices);
        long[] times = new long[devices];
        int[] order = new int[devices];
        double[] scratch = new double[6];
        return new ArrivalStream() {
            private long burst = -1;
            private int cursor = devices;

            @Override
            public boolean next(Arrival into) {
                if (cursor == devices && !nextBurst()) {
                    return false;
                }
                long t = times[cursor];
                if (t > horizonNanos) {
                    cursor = devices;
                    burst = Long.MAX_VALUE - 1; // no later burst can be in the horizon either
                    return false;
                }
                into.clear();
                into.timeNanos = t;
                ids.fill(order[cursor], into);
                marks.applyTo(into);
                cursor++;
                return true;
            }

            private boolean nextBurst() {
                if (burst == Long.MAX_VALUE - 1 || (burst >= 0 && everyNanos == 0)) {
                    return false;
                }
                burst++;
                double start = atNanos + (double) burst * everyNanos;
                if (start > horizonNanos) {
                    return false;
                }
                SplittableRandom random = Seeds.random(seed, burst);
                for (int i = 0; i < devices; i++) {
                    times[i] = (long) (start + accessOffset(shape, windowNanos, random, scratch));
                    order[i] = i;
                }
                Arrays.sort(times);
                for (int i = devices - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int swap = order[i];
                    order[i] = order[j];
                    order[j] = swap;
                }
                cursor = 0;
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    /** N / every for a repeating burst; NaN for a single one, a transient with no long-run rate. */
    @Override
    public double meanRatePerSecond() {
        return everyNanos == 0 ? Double.NaN : devices * 1e9 / everyNanos;
    }

    @Override
    public String describe() {
        return "synchronised-access " + devices + " devices " + (shape == Shape.BETA ? "beta(3,4)" : "uniform")
                + " over " + Durations.format(windowNanos) + " at " + Durations.format(atNanos)
                + (everyNanos > 0 ? " every " + Durations.format(everyNanos) : "") + marks.describe();
    }
}
