package io.sluice.algorithms;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A nanosecond clock that moves only when a test moves it; safe to read from any thread. Shared by
 * the tests of every package that drive strategies in virtual time.
 */
public final class VirtualClock implements LongSupplier {
    private final AtomicLong now = new AtomicLong();

    @Override
    public long getAsLong() {
        return now.get();
    }

    public void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    public void advanceNanos(long nanos) {
        now.addAndGet(nanos);
    }

    public void setNanos(long nanos) {
        now.set(nanos);
    }
}
