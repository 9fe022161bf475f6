package io.sluice.algorithms;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live load signals of one backend, updated by whoever sends it requests (the proxy's data
 * path, the simulator's event loop) and read by pickers. One instance lives as long as the backend
 * id is a member, across picker rebuilds and weight changes.
 *
 * <p>Thread safety: every method may be called from any thread. The in-flight count is exact (an
 * atomic per backend, contended only by threads that picked the same backend); completed and
 * failed counts are {@link LongAdder}s.
 *
 * <p>Protocol: call {@link #onRequestStart()} once when a request is sent and
 * {@link #onRequestEnd(long, long, boolean)} exactly once when it ends, however it ends.
 */
public final class BackendLoad {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final PeakEwma latency;
    private volatile double utilisation = Double.NaN;
    private volatile long utilisationStampNanos;
    private volatile Runnable idleListener;

    /**
     * @param ewmaDecayNanos time constant of the peak-EWMA latency, &gt; 0
     * @param nowNanos       creation time on the caller's clock
     */
    public BackendLoad(long ewmaDecayNanos, long nowNanos) {
        this.latency = new PeakEwma(ewmaDecayNanos, nowNanos);
    }

    /** A request was sent to this backend. */
    public void onRequestStart() {
        inFlight.incrementAndGet();
    }

    /**
     * A request sent to this backend ended after {@code latencyNanos}; {@code success} is false for
     * errors, resets and timeouts. Failed requests still feed the latency EWMA: a backend that fails
     * slowly is slow.
     */
    public void onRequestEnd(long nowNanos, long latencyNanos, boolean success) {
        int left = inFlight.decrementAndGet();
        if (success) {
            completed.increment();
        } else {
            failed.increment();
        }
        latency.observe(nowNanos, latencyNanos);
        if (left == 0) {
            Runnable listener = idleListener;
            if (listener != null) {
                listener.run();
            }
        }
    }

    /**
     * Sets the one action run each time the in-flight count falls to zero (join-idle-queue learns
     * this way that the backend went idle), replacing any previous one; null removes it. It runs on
     * the thread that ended the request, inside {@link #onRequestEnd}, so it must be quick and must
     * not throw.
     */
    public void setIdleListener(Runnable listener) {
        this.idleListener = listener;
    }

    /** Requests sent and not yet ended. Never negative when the protocol above is kept. */
    public int inFlight() {
        return inFlight.get();
    }

    public long completed() {
        return completed.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public PeakEwma latency() {
        return latency;
    }

    /**
     * Server-reported utilisation in [0, 1] (CPU, queue occupancy: whatever the Node Manager
     * reports), and when it was reported. Values outside [0, 1] are clamped; NaN is refused.
     */
    public void reportUtilisation(double value, long nowNanos) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("utilisation must be a number in [0, 1], got NaN");
        }
        utilisation = Math.min(1.0, Math.max(0.0, value));
        utilisationStampNanos = nowNanos;
    }

    /** The last reported utilisation in [0, 1], or NaN if none was ever reported. */
    public double utilisation() {
        return utilisation;
    }

    /** When the last utilisation was reported, on the caller's clock; meaningless while it is NaN. */
    public long utilisationStampNanos() {
        return utilisationStampNanos;
    }

    @Override
    public String toString() {
        return "BackendLoad{inFlight=" + inFlight() + ", completed=" + completed() + ", failed=" + failed()
                + ", ewmaMs=" + latency.lastCostNanos() / 1e6 + ", util=" + utilisation + "}";
    }
}
