package io.sluice.algorithms;

/**
 * A {@link BackendLoad} written by one thread at a time: plain increments and plain stores, no
 * atomic instruction, no lock, no fence. The simulator's engine is single-threaded per run, and
 * there the thread-safe version's atomics, adders and monitor cost about a quarter of the time of
 * a simulated request. The arithmetic is the thread-safe version's, so both give the same numbers.
 *
 * <p>Thread safety: the mutators must not run on two threads at once (nor overlap one another);
 * reads from another thread may see stale values.
 */
final class SingleWriterBackendLoad extends BackendLoad {
    private final SingleWriterLoadSignals signals;
    private long completed;
    private long failed;

    SingleWriterBackendLoad(SingleWriterLoadSignals signals, long nowNanos) {
        super(signals.ewmaDecayNanos(), nowNanos);
        this.signals = signals;
    }

    @Override
    public void onRequestStart() {
        int now = inFlight + 1;
        IN_FLIGHT.setOpaque(this, now);
        signals.started();
        notifyListener(now);
    }

    @Override
    public void onRequestEnd(long nowNanos, long latencyNanos, boolean success) {
        int left = inFlight - 1;
        IN_FLIGHT.setOpaque(this, left);
        signals.ended();
        if (success) {
            completed++;
        } else {
            failed++;
        }
        long stamp = latencyStamp;
        LATENCY.setOpaque(this, PeakEwma.next(latency, latencyNanos, nowNanos - stamp, tauNanos));
        LATENCY_STAMP.setOpaque(this, Math.max(stamp, nowNanos));
        notifyListener(left);
    }

    @Override
    public long completed() {
        return completed;
    }

    @Override
    public long failed() {
        return failed;
    }

    @Override
    public LoadSignals signals() {
        return signals;
    }
}
