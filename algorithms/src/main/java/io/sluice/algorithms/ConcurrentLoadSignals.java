package io.sluice.algorithms;

import java.util.concurrent.atomic.LongAdder;

/** {@link LoadSignals#threadSafe(long)}: the total in flight is a {@link LongAdder}, uncontended across event loops. */
final class ConcurrentLoadSignals implements LoadSignals {
    private final long ewmaDecayNanos;
    private final LongAdder inFlight = new LongAdder();

    ConcurrentLoadSignals(long ewmaDecayNanos) {
        if (ewmaDecayNanos <= 0) {
            throw new IllegalArgumentException("EWMA decay must be > 0 ns, got " + ewmaDecayNanos);
        }
        this.ewmaDecayNanos = ewmaDecayNanos;
    }

    @Override
    public BackendLoad newLoad(long nowNanos) {
        return new ConcurrentBackendLoad(this, nowNanos);
    }

    @Override
    public long ewmaDecayNanos() {
        return ewmaDecayNanos;
    }

    @Override
    public boolean threadSafe() {
        return true;
    }

    @Override
    public int inFlight() {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, inFlight.sum()));
    }

    void started() {
        inFlight.increment();
    }

    void ended() {
        inFlight.decrement();
    }

    @Override
    public String toString() {
        return "LoadSignals.threadSafe{tau=" + ewmaDecayNanos + " ns, inFlight=" + inFlight() + "}";
    }
}
