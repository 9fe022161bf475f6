package io.sluice.algorithms.ratelimit;

import java.util.concurrent.atomic.AtomicReference;

/** The exact token bucket of {@link TokenBucketSpec}: units of 1/period token, refilled by {@code dt * permits}. */
final class TokenBucket implements RateLimiter {

    /** Units in the bucket at {@code stampNanos}. Immutable. */
    record State(long units, long stampNanos) {
    }

    private final TokenBucketSpec spec;
    private final long capacity;
    private final AtomicReference<State> state;

    TokenBucket(TokenBucketSpec spec, long nowNanos) {
        this.spec = spec;
        this.capacity = spec.capacityUnits();
        this.state = new AtomicReference<>(new State(capacity, nowNanos));
    }

    /**
     * The bucket as of {@code nowNanos}: {@code min(capacity, units + dt * permits)}. The product is
     * formed only when it stays below the room left plus one step ({@code dt < ceil(room / permits)}),
     * so it cannot overflow however long the bucket sat idle. A reading older than the stamp changes nothing.
     */
    static State refill(State s, long nowNanos, long capacity, long permits) {
        long dt = nowNanos - s.stampNanos();
        if (dt <= 0) {
            return s;
        }
        long room = capacity - s.units();
        long units = dt >= ceilDiv(room, permits) ? capacity : s.units() + dt * permits;
        return new State(units, nowNanos);
    }

    @Override
    public long tryAcquire(int permits, long nowNanos) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits to acquire must be >= 1, got " + permits);
        }
        if (permits > spec.burst()) {
            return NEVER;
        }
        long need = permits * spec.periodNanos();
        for (;;) {
            State s = state.get();
            State now = refill(s, nowNanos, capacity, spec.permits());
            if (now.units() >= need) {
                if (state.compareAndSet(s, new State(now.units() - need, now.stampNanos()))) {
                    return 0;
                }
                continue;
            }
            // Refill is linear, so the deficit closes after exactly ceil(deficit / permits) ns,
            // counted from the state's stamp when a racing thread already moved it past our reading.
            long ahead = now.stampNanos() - nowNanos;
            return ceilDiv(need - now.units(), spec.permits()) + Math.max(0, ahead);
        }
    }

    @Override
    public long availablePermits(long nowNanos) {
        return refill(state.get(), nowNanos, capacity, spec.permits()).units() / spec.periodNanos();
    }

    @Override
    public boolean atRest(long nowNanos) {
        return refill(state.get(), nowNanos, capacity, spec.permits()).units() == capacity;
    }

    @Override
    public RateLimit limit() {
        return spec;
    }

    /** Ceiling of {@code a / b} for {@code a >= 0, b > 0} (Math.ceilDiv is Java 18). */
    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    @Override
    public String toString() {
        return "TokenBucket{" + spec + ", state=" + state.get() + "}";
    }
}
