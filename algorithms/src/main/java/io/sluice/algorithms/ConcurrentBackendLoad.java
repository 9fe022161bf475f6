package io.sluice.algorithms;

import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link BackendLoad} every thread may write: the proxy's event loops start and end requests on
 * the same backend at once. The in-flight count is exact (an atomic add, contended only by threads
 * that picked the same backend); completed and failed counts are {@link LongAdder}s; an EWMA
 * sample updates cost and stamp together under this object's monitor (once per completed request,
 * off the pick path). A pick reading between the two writes of a sample may pair the new cost with
 * the old stamp, which only shifts the decay by one sample interval.
 */
final class ConcurrentBackendLoad extends BackendLoad {
    private final ConcurrentLoadSignals signals;
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();

    ConcurrentBackendLoad(ConcurrentLoadSignals signals, long nowNanos) {
        super(signals.ewmaDecayNanos(), nowNanos);
        this.signals = signals;
    }

    @Override
    public void onRequestStart() {
        int now = (int) IN_FLIGHT.getAndAdd(this, 1) + 1;
        signals.started();
        notifyListener(now);
    }

    @Override
    public void onRequestEnd(long nowNanos, long latencyNanos, boolean success) {
        int left = (int) IN_FLIGHT.getAndAdd(this, -1) - 1;
        signals.ended();
        if (success) {
            completed.increment();
        } else {
            failed.increment();
        }
        observe(nowNanos, latencyNanos);
        notifyListener(left);
    }

    private synchronized void observe(long nowNanos, long rttNanos) {
        long stamp = (long) LATENCY_STAMP.getOpaque(this);
        double cost = PeakEwma.next((double) LATENCY.getOpaque(this), rttNanos, nowNanos - stamp, tauNanos);
        LATENCY.setOpaque(this, cost);
        LATENCY_STAMP.setOpaque(this, Math.max(stamp, nowNanos));
    }

    @Override
    public long completed() {
        return completed.sum();
    }

    @Override
    public long failed() {
        return failed.sum();
    }

    @Override
    public LoadSignals signals() {
        return signals;
    }
}
