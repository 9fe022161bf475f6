package io.sluice.algorithms.ratelimit;

/**
 * Admits requests at a sustained rate with bursts, on the caller's clock. Built from a
 * {@link RateLimit}: a {@link TokenBucketSpec token bucket} or {@link GcraSpec GCRA}.
 *
 * <p>{@link #tryAcquire} either takes the permits (and answers 0) or takes nothing and answers
 * exactly how long to wait: had nobody else acquired meanwhile, the same request made
 * {@code wait} nanoseconds later is granted and one made {@code wait - 1} later is not. That is
 * what a {@code Retry-After} header wants ({@link #retryAfterSeconds(long)}).
 *
 * <p>Thread safety: every method may be called from any thread. The state is one immutable value
 * in an atomic reference, advanced by a side-effect-free function with compare-and-set (the shape
 * of resilience4j's {@code AtomicRateLimiter}), so concurrent callers never together take more
 * than the budget. Clock readings from racing threads may arrive slightly out of order; an older
 * reading than the state's own is treated as the state's time, so it can neither mint permits nor
 * lose them.
 */
public interface RateLimiter {
    /** The answer of {@link #tryAcquire} for a request larger than the burst: it can never be granted. */
    long NEVER = Long.MAX_VALUE;

    /**
     * Takes {@code permits} if they are available at {@code nowNanos}.
     *
     * @param permits at least 1
     * @return 0 when granted; otherwise the nanoseconds until this request would be granted, with
     *         nothing taken; {@link #NEVER} when {@code permits} exceeds the burst
     * @throws IllegalArgumentException when {@code permits < 1}
     */
    long tryAcquire(int permits, long nowNanos);

    /** Whole permits a request could take at {@code nowNanos}. */
    long availablePermits(long nowNanos);

    /**
     * True when the limiter is as it was created (a full bucket): forgetting it and making a new one
     * later changes nothing, which is what lets a {@link KeyedRateLimiter} drop it for free.
     */
    boolean atRest(long nowNanos);

    /** What this limiter enforces. */
    RateLimit limit();

    /**
     * A wait in whole seconds for an HTTP {@code Retry-After} header, rounded up so a client that
     * obeys it is not refused again: 0 for 0, 1 for 1 ns to 1 s, 2 for just over 1 s.
     */
    static long retryAfterSeconds(long waitNanos) {
        if (waitNanos <= 0) {
            return 0;
        }
        return waitNanos / 1_000_000_000L + (waitNanos % 1_000_000_000L == 0 ? 0 : 1);
    }
}
