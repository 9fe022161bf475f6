package io.sluice.simulator.run;

import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.MessageTypes;
import io.sluice.simulator.workload.TypeTally;
import io.sluice.simulator.workload.WorkloadSpec;
import java.util.Map;

/**
 * A run's workload, watched: it passes every arrival through unchanged and lets the runner see, from
 * another thread, how far in virtual time the run has got and how many trace lines were skipped, and
 * at the end how many arrivals of the measured window ({@code [warmUp, duration)}, the requests the
 * engine measures) each message type had.
 * The engine reads arrivals one at a time in time order, so the last arrival's time is the run's
 * progress (to within one inter-arrival gap).
 */
final class TrackedWorkload implements WorkloadSpec {
    /** Publish progress every this many arrivals: a volatile write per arrival would cost more than it tells. */
    private static final int PUBLISH_EVERY = 4096;

    private final WorkloadSpec inner;
    private final long measuredFromNanos;
    private final long measuredToNanos;
    private volatile long reachedNanos;
    private volatile long arrivals;
    private volatile long skippedLines;
    private volatile Map<String, Long> requestsByType = Map.of();

    TrackedWorkload(WorkloadSpec inner, long warmUpNanos, long durationNanos) {
        this.inner = inner;
        this.measuredFromNanos = warmUpNanos;
        this.measuredToNanos = durationNanos;
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

    /** Arrivals of the measured window by message type name, once the stream is closed. */
    Map<String, Long> requestsByType() {
        return requestsByType;
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        ArrivalStream source = inner.open(seed, horizonNanos);
        TypeTally types = new TypeTally();
        return new ArrivalStream() {
            private long count;

            @Override
            public boolean next(Arrival into) {
                if (!source.next(into)) {
                    return false;
                }
                if (into.type != MessageTypes.UNKNOWN && into.timeNanos >= measuredFromNanos
                        && into.timeNanos < measuredToNanos) {
                    types.add(into.type);
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
                requestsByType = types.byName(inner.messageTypes());
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

    @Override
    public MessageTypes messageTypes() {
        return inner.messageTypes();
    }
}
