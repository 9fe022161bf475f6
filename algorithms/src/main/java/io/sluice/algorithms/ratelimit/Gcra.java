package io.sluice.algorithms.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The GCRA of {@link GcraSpec}. Its whole state is the theoretical arrival time, one immutable
 * {@code long}, so the atomic reference of the usual pattern is an {@link AtomicLong}.
 */
final class Gcra implements RateLimiter {
    private final GcraSpec spec;
    private final long interval;
    private final long limit;
    private final AtomicLong tat;

    Gcra(GcraSpec spec, long nowNanos) {
        this.spec = spec;
        this.interval = spec.emissionIntervalNanos();
        this.limit = spec.toleranceNanos() + interval;
        this.tat = new AtomicLong(nowNanos);
    }

    @Override
    public long tryAcquire(int permits, long nowNanos) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits to acquire must be >= 1, got " + permits);
        }
        if (permits > spec.burst()) {
            return NEVER;
        }
        // permits <= burst = tau/T + 1, so permits * T <= tau + T <= 2^60 + 24h: no overflow.
        long increment = permits * interval;
        for (;;) {
            long current = tat.get();
            long base = current - nowNanos > 0 ? current : nowNanos;
            long next = base + increment;
            long early = next - nowNanos - limit;
            if (early > 0) {
                return early;
            }
            if (tat.compareAndSet(current, next)) {
                return 0;
            }
        }
    }

    @Override
    public long availablePermits(long nowNanos) {
        long backlog = Math.max(0, tat.get() - nowNanos);
        return Math.max(0, (limit - backlog) / interval);
    }

    @Override
    public boolean atRest(long nowNanos) {
        return tat.get() - nowNanos <= 0;
    }

    @Override
    public RateLimit limit() {
        return spec;
    }

    @Override
    public String toString() {
        return "Gcra{" + spec + ", tat=" + tat.get() + "}";
    }
}
