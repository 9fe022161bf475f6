package io.sluice.simulator.workload;

/**
 * A scenario's whole workload as {@link Workloads#parse} returns it: the source tree, and the
 * {@link MessageTypes} every source of it shares. Opening it opens the source tree's own stream;
 * this adds nothing per arrival.
 */
final class ParsedWorkload implements WorkloadSpec {
    private final WorkloadSpec source;
    private final MessageTypes types;

    ParsedWorkload(WorkloadSpec source, MessageTypes types) {
        this.source = source;
        this.types = types;
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        return source.open(seed, horizonNanos);
    }

    @Override
    public double meanRatePerSecond() {
        return source.meanRatePerSecond();
    }

    @Override
    public String describe() {
        return source.describe();
    }

    @Override
    public MessageTypes messageTypes() {
        return types;
    }
}
