package io.sluice.algorithms.wrapper;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when a test moves it; safe to read from any thread. */
final class VirtualClock implements LongSupplier {
    private final AtomicLong now = new AtomicLong();

    @Override
    public long getAsLong() {
        return now.get();
    }

    void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    void advanceNanos(long nanos) {
        now.addAndGet(nanos);
    }

    void setNanos(long nanos) {
        now.set(nanos);
    }
}
