package io.sluice.algorithms;

/** {@link LoadSignals#singleWriter(long)}: the total in flight is a plain field. */
final class SingleWriterLoadSignals implements LoadSignals {
    private final long ewmaDecayNanos;
    private long inFlight;

    SingleWriterLoadSignals(long ewmaDecayNanos) {
        if (ewmaDecayNanos <= 0) {
            throw new IllegalArgumentException("EWMA decay must be > 0 ns, got " + ewmaDecayNanos);
        }
        this.ewmaDecayNanos = ewmaDecayNanos;
    }

    @Override
    public BackendLoad newLoad(long nowNanos) {
        return new SingleWriterBackendLoad(this, nowNanos);
    }

    @Override
    public long ewmaDecayNanos() {
        return ewmaDecayNanos;
    }

    @Override
    public boolean threadSafe() {
        return false;
    }

    @Override
    public int inFlight() {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, inFlight));
    }

    void started() {
        inFlight++;
    }

    void ended() {
        inFlight--;
    }

    @Override
    public String toString() {
        return "LoadSignals.singleWriter{tau=" + ewmaDecayNanos + " ns, inFlight=" + inFlight() + "}";
    }
}
