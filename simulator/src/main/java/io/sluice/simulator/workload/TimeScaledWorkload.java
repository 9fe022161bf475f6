package io.sluice.simulator.workload;

import java.util.Locale;

/**
 * Another source played {@code factor} times faster ({@code factor > 1}) or slower: an arrival at
 * inner time t comes at {@code t / factor}, so the rate is multiplied by {@code factor} and every
 * duration of the source (periods, jitters, sojourns) divided by it. A mixture with a total rate
 * uses this to give each weighted source its share. Dividing by a positive constant and truncating
 * are both nondecreasing, so time order survives.
 */
final class TimeScaledWorkload implements WorkloadSpec {
    private final WorkloadSpec inner;
    private final double factor;

    TimeScaledWorkload(WorkloadSpec inner, double factor) {
        this.inner = inner;
        this.factor = factor;
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        double innerHorizon = horizonNanos * factor;
        ArrivalStream source = inner.open(seed, innerHorizon >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) innerHorizon);
        return new ArrivalStream() {
            @Override
            public boolean next(Arrival into) {
                if (!source.next(into)) {
                    return false;
                }
                into.timeNanos = (long) (into.timeNanos / factor);
                return into.timeNanos <= horizonNanos;
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
        return inner.meanRatePerSecond() * factor;
    }

    @Override
    public String describe() {
        return inner.describe() + String.format(Locale.ROOT, " (time x%.4g)", factor);
    }

    @Override
    public MessageTypes messageTypes() {
        return inner.messageTypes();
    }
}
