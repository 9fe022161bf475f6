package io.sluice.simulator.run;

import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.WorkloadSpec;

/**
 * A run's workload, watched: it passes every arrival through unchanged and lets the runner see, from
 * another thread, how far in virtual time the run has got and how many trace lines were skipped.
 * The engine reads arrivals one at a time in time order, so the last arrival's time is the run's
 * progress (to within one inter-arrival gap).
 */
final class TrackedWorkload implements WorkloadSpec {
    /** Publish progress every this many arrivals: a volatile write per arrival would cost more than it tells. */
    private static final int PUBLISH_EVERY = 4096;

    private final WorkloadSpec inner;
    private volatile long reachedNanos;
    private volatile long arrivals;
    private volatile long skippedLines;

    TrackedWorkload(WorkloadSpec inner) {
        this.inner = inner;
    }

    long reachedNanos() {
        return reachedNanos;
    }

    long arrivals() {
        return arrivals;
    }

    long skippedLines() {
        return skippedLines;
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        ArrivalStream source = inner.open(seed, horizonNanos);
        return new ArrivalStream() {
            private long count;

            @Override
            public boolean next(Arrival into) {
                if (!source.next(into)) {
                    return false;
                }
                if (++count % PUBLISH_EVERY == 0) {
                    reachedNanos = into.timeNanos;
                    arrivals = count;
                }
                return true;
            }

            @Override
            public long skippedLines() {
                return source.skippedLines();
            }

            @Override
            public void close() {
                skippedLines = source.skippedLines();
                arrivals = count;
                source.close();
            }
        };
    }

    @Override
    public double meanRatePerSecond() {
        return inner.meanRatePerSecond();
    }

    @Override
    public String describe() {
        return inner.describe();
    }
}
