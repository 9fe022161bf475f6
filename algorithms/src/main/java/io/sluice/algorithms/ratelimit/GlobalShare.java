package io.sluice.algorithms.ratelimit;

import java.util.concurrent.atomic.AtomicReference;

/**
 * This instance's share of a limit set for a whole fleet of proxies: with a global limit of
 * 1000/s over three instances, each starts at a third and a coordinator (the Kafka channel of the
 * cluster-wide limits, in the proxy) moves the shares by the usage the others publish
 * ({@link #demandShare}).
 *
 * <p>It is a token bucket whose rate and size follow the share: rate {@code share x global rate},
 * size {@code share x global burst} (at least one permit). Moving the share first refills the
 * bucket at the old rate up to now, then keeps the tokens it holds (cut to the new size): a share
 * that moves every interval therefore mints nothing, so over any window {@code [t, t + w]} the
 * fleet admits at most {@code sum over instances of (burst_i + integral of rate_i)}, which is
 * {@code global burst + global rate x w} whenever the shares sum to 1.
 *
 * <p>Thread safety: any thread. The state is one immutable value advanced by compare-and-set.
 */
public final class GlobalShare {
    /**
     * The part of the limit that is split evenly whatever the demand, so an instance with no
     * traffic yet still admits some at once (it has a bucket to start from) while its demand
     * travels to the others. 5 %: small enough that at the skew of the accuracy test (60/30/10 %,
     * twice the limit offered) every instance stays saturated, so the fleet still admits exactly
     * the limit.
     */
    public static final double EVEN_PART = 0.05;

    private record State(long atNanos, double tokens, double permitsPerNano, double burst, double share) {
    }

    private final double globalPerSecond;
    private final double globalBurst;
    private final AtomicReference<State> state;

    /**
     * @param globalPerSecond the fleet's limit, at least 1
     * @param burstSeconds    the burst as seconds of the local rate, &gt; 0
     * @param initialShare    in (0, 1]
     */
    public GlobalShare(long globalPerSecond, double burstSeconds, double initialShare, long nowNanos) {
        this((double) globalPerSecond, globalPerSecond * burstSeconds, initialShare, nowNanos);
        if (globalPerSecond < 1) {
            throw new IllegalArgumentException("a global limit must be >= 1/s, got " + globalPerSecond);
        }
        if (!(burstSeconds > 0)) {
            throw new IllegalArgumentException("burst seconds must be > 0, got " + burstSeconds);
        }
    }

    /** The share of a fleet limit of {@code limit}'s rate and burst, with a full bucket at {@code nowNanos}. */
    public static GlobalShare of(RateLimit limit, double initialShare, long nowNanos) {
        return new GlobalShare(perSecond(limit), limit.burst(), initialShare, nowNanos);
    }

    private GlobalShare(double globalPerSecond, double globalBurst, double initialShare, long nowNanos) {
        this.globalPerSecond = globalPerSecond;
        this.globalBurst = globalBurst;
        checkShare(initialShare);
        double burst = burst(initialShare);
        this.state = new AtomicReference<>(new State(nowNanos, burst, rate(initialShare), burst, initialShare));
    }

    /** The sustained rate of {@code limit}, per second. */
    static double perSecond(RateLimit limit) {
        return limit instanceof TokenBucketSpec tb ? tb.permits() * 1e9 / tb.periodNanos()
                : 1e9 / ((GcraSpec) limit).emissionIntervalNanos();
    }

    /**
     * This instance's share from the fleet's demand:
     * <pre>
     *   share = (1 - e) x own / (own + peers) + e / instances     when own + peers &gt; 0
     *         = 1 / instances                                      otherwise
     * </pre>
     * with {@code e} = {@link #EVEN_PART}. The shares of all instances sum to 1 when they read the
     * same figures, and proportional shares waste nothing: an instance offered {@code o_i} gets
     * {@code L o_i / sum o}, which covers its demand exactly when the fleet's total is under the
     * limit. Worked example, limit 1000/s, offered 1200, 600 and 200/s (60/30/10 %): shares 0.587,
     * 0.302 and 0.112, local limits 587, 302 and 112/s, all below their demand, admitted 1000/s.
     *
     * @param own       this instance's offered rate (requests per second, admitted or not)
     * @param peers     the sum of the fresh peers' offered rates
     * @param instances this one plus its fresh peers, at least 1
     * @return in (0, 1]
     */
    public static double demandShare(double own, double peers, int instances) {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be >= 1, got " + instances);
        }
        double o = Math.max(0, own);
        double total = o + Math.max(0, peers);
        if (!(total > 0) || instances == 1) {
            return 1.0 / instances;
        }
        return Math.min(1, (1 - EVEN_PART) * o / total + EVEN_PART / instances);
    }

    /** Moves this instance's share, in (0, 1], keeping the tokens it holds (at most the new size). */
    public void setShare(double newShare, long nowNanos) {
        checkShare(newShare);
        double rate = rate(newShare);
        double burst = burst(newShare);
        for (;;) {
            State s = state.get();
            State refilled = refill(s, nowNanos);
            State next = new State(refilled.atNanos, Math.min(refilled.tokens, burst), rate, burst, newShare);
            if (state.compareAndSet(s, next)) {
                return;
            }
        }
    }

    public double share() {
        return state.get().share;
    }

    /**
     * Takes {@code permits} if the bucket holds them.
     *
     * @return 0 when granted, else the nanoseconds until they would be at the current share;
     *         {@link RateLimiter#NEVER} for more than the bucket holds when full
     */
    public long tryAcquire(int permits, long nowNanos) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits to acquire must be >= 1, got " + permits);
        }
        for (;;) {
            State s = state.get();
            if (permits > s.burst) {
                return RateLimiter.NEVER;
            }
            State r = refill(s, nowNanos);
            // The tolerance absorbs the rounding of rate x time, so a request made exactly the
            // answered wait later is granted, as RateLimiter promises.
            if (r.tokens + 1e-6 < permits) {
                return Math.max(1, (long) Math.ceil((permits - r.tokens) / r.permitsPerNano));
            }
            if (state.compareAndSet(s, new State(r.atNanos, r.tokens - permits, r.permitsPerNano, r.burst, r.share))) {
                return 0;
            }
        }
    }

    /** Whole permits the bucket holds at {@code nowNanos}. */
    public long availablePermits(long nowNanos) {
        return (long) (refill(state.get(), nowNanos).tokens + 1e-6);
    }

    /** True when the bucket is full. */
    public boolean atRest(long nowNanos) {
        State r = refill(state.get(), nowNanos);
        return r.tokens + 1e-6 >= r.burst;
    }

    private double rate(double share) {
        return globalPerSecond * share / 1e9;
    }

    /** {@code share x global burst}, at least one permit so a request can ever pass. */
    private double burst(double share) {
        return Math.max(1, globalBurst * share);
    }

    /** The state at {@code nowNanos}; an older reading than the state's own counts as the state's time. */
    private static State refill(State s, long nowNanos) {
        long dt = nowNanos - s.atNanos;
        if (dt <= 0) {
            return s;
        }
        return new State(nowNanos, Math.min(s.burst, s.tokens + dt * s.permitsPerNano), s.permitsPerNano, s.burst,
                s.share);
    }

    private static void checkShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("a share of a global limit must be in (0, 1], got " + share);
        }
    }
}
