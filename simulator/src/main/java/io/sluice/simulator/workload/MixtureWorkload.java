package io.sluice.simulator.workload;

import java.util.List;
import java.util.StringJoiner;

/**
 * Several sources merged in time order: the superposition of their arrival processes, so the mean
 * rate is the sum of theirs. Source i draws from its own seed {@code derive(seed, i)}, so adding a
 * source leaves the others' arrivals unchanged. A min-heap over the sources' next arrivals merges
 * them; equal times go to the earlier-listed source.
 */
final class MixtureWorkload implements WorkloadSpec {
    private final List<WorkloadSpec> sources;

    MixtureWorkload(List<WorkloadSpec> sources) {
        this.sources = List.copyOf(sources);
    }

    List<WorkloadSpec> sources() {
        return sources;
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        int n = sources.size();
        ArrivalStream[] streams = new ArrivalStream[n];
        Arrival[] heads = new Arrival[n];
        TimeHeap heap = new TimeHeap(n);
        try {
            for (int i = 0; i < n; i++) {
                streams[i] = sources.get(i).open(Seeds.derive(seed, i), horizonNanos);
                heads[i] = new Arrival();
                if (streams[i].next(heads[i])) {
                    heap.add(heads[i].timeNanos, i);
                }
            }
        } catch (RuntimeException e) {
            for (ArrivalStream s : streams) {
                if (s != null) {
                    s.close();
                }
            }
            throw e;
        }
        return new ArrivalStream() {
            @Override
            public boolean next(Arrival into) {
                if (heap.isEmpty()) {
                    return false;
                }
                int i = heap.topItem();
                Arrival head = heads[i];
                into.timeNanos = head.timeNanos;
                into.deviceId = head.deviceId;
                into.keyHash = head.keyHash;
                into.type = head.type;
                into.sizeBytes = head.sizeBytes;
                into.serviceDemand = head.serviceDemand;
                if (streams[i].next(head)) {
                    heap.updateTop(head.timeNanos);
                } else {
                    heap.removeTop();
                }
                return true;
            }

            @Override
            public long skippedLines() {
                long sum = 0;
                for (ArrivalStream s : streams) {
                    sum += s.skippedLines();
                }
                return sum;
            }

            @Override
            public void close() {
                for (ArrivalStream s : streams) {
                    s.close();
                }
            }
        };
    }

    @Override
    public double meanRatePerSecond() {
        double sum = 0;
        for (WorkloadSpec s : sources) {
            sum += s.meanRatePerSecond(); // NaN if any is unknown
        }
        return sum;
    }

    @Override
    public String describe() {
        StringJoiner j = new StringJoiner(" + ", "mixture(", ")");
        sources.forEach(s -> j.add(s.describe()));
        return j.toString();
    }
}
