package io.sluice.algorithms.ratelimit;

import java.util.concurrent.atomic.AtomicReference;

/**
 * This instance's share of a limit set for a whole fleet of proxies: with a global limit of
 * 1000/s over three instances, each starts at a third and a coordinator (the Kafka channel of the
 * cluster-wide limits, not in this module) moves the shares by the usage the others publish. The
 * limiter is replaced when the share changes, starting full at the new burst; permits granted
 * under the old share are not carried over, which errs by at most one burst per change.
 *
 * <p>Thread safety: any thread.
 */
public final class GlobalShare {
    private final long globalPerSecond;
    private final double burstSeconds;
    private final AtomicReference<RateLimiter> limiter;
    private volatile double share;

    /**
     * @param globalPerSecond the fleet's limit, at least 1
     * @param burstSeconds    the burst as seconds of the local rate, &gt; 0
     * @param initialShare    in (0, 1]
     */
    public GlobalShare(long globalPerSecond, double burstSeconds, double initialShare, long nowNanos) {
        if (globalPerSecond < 1) {
            throw new IllegalArgumentException("a global limit must be >= 1/s, got " + globalPerSecond);
        }
        if (!(burstSeconds > 0)) {
            throw new IllegalArgumentException("burst seconds must be > 0, got " + burstSeconds);
        }
        this.globalPerSecond = globalPerSecond;
        this.burstSeconds = burstSeconds;
        this.limiter = new AtomicReference<>();
        setShare(initialShare, nowNanos);
    }

    /** Moves this instance's share, in (0, 1]. */
    public void setShare(double newShare, long nowNanos) {
        if (!(newShare > 0 && newShare <= 1)) {
            throw new IllegalArgumentException("a share of a global limit must be in (0, 1], got " + newShare);
        }
        share = newShare;
        long local = Math.max(1, Math.round(globalPerSecond * newShare));
        long burst = Math.max(1, Math.round(local * burstSeconds));
        limiter.set(TokenBucketSpec.perSecond(local, burst).newLimiter(nowNanos));
    }

    public double share() {
        return share;
    }

    /** {@link RateLimiter#tryAcquire} on the current share's limiter. */
    public long tryAcquire(int permits, long nowNanos) {
        return limiter.get().tryAcquire(permits, nowNanos);
    }
}
