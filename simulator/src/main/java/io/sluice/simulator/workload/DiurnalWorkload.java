package io.sluice.simulator.workload;

import io.sluice.algorithms.Durations;
import java.util.SplittableRandom;

/**
 * A daily (or any period's) swell and ebb laid over another source by thinning.
 *
 * <p>The inner source runs at its own rate, which is the <b>peak</b> rate; an inner arrival at time t is
 * kept with probability {@code m(t) = (1 + a cos(2 pi (t - peak) / P)) / (1 + a)}, so the rate at t is
 * {@code inner * m(t)}: the inner rate at {@code t = peak (mod P)} and
 * {@code inner * (1 - a) / (1 + a)} half a period later. Thinning an inhomogeneous process by an
 * independent coin of probability m(t) gives the rate {@code lambda m(t)} (Lewis and Shedler,
 * "Simulation of nonhomogeneous Poisson processes by thinning", Naval Research Logistics Quarterly
 * 26(3), 1979); for a Poisson inner source the result is exactly a nonhomogeneous Poisson process.
 * The cosine averages to 0 over a period, so the mean rate over whole periods is
 * {@code inner / (1 + a)}. Worked example: inner 3000/s, a = 0.5: peak 3000/s, trough 1000/s,
 * mean 2000/s.
 */
final class DiurnalWorkload implements WorkloadSpec {
    private final WorkloadSpec inner;
    private final long periodNanos;
    private final double amplitude;
    private final long peakNanos;

    DiurnalWorkload(WorkloadSpec inner, long periodNanos, double amplitude, long peakNanos) {
        this.inner = inner;
        this.periodNanos = periodNanos;
        this.amplitude = amplitude;
        this.peakNanos = peakNanos;
    }

    /** The keep probability m(t). */
    double keepProbability(long timeNanos) {
        double cycles = (double) Math.floorMod(timeNanos - peakNanos, periodNanos) / periodNanos;
        return (1 + amplitude * Math.cos(2 * Math.PI * cycles)) / (1 + amplitude);
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        ArrivalStream source = inner.open(Seeds.derive(seed, 0), horizonNanos);
        SplittableRandom coin = Seeds.random(seed, 1);
        return new ArrivalStream() {
            @Override
            public boolean next(Arrival into) {
                while (source.next(into)) {
                    if (coin.nextDouble() < keepProbability(into.timeNanos)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public long skippedLines() {
                return source.skippedLines();
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }

    @Override
    public double meanRatePerSecond() {
        return inner.meanRatePerSecond() / (1 + amplitude);
    }

    @Override
    public String describe() {
        return "diurnal(" + inner.describe() + ") period " + Durations.format(periodNanos) + " amplitude "
                + amplitude + " peak at " + Durations.format(peakNanos);
    }
}
