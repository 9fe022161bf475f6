package io.sluice.algorithms.ratelimit;

import java.util.List;

/**
 * Several {@link KeyedLimit}s applied to one request, in order, e.g. 10/s per device then
 * 5000/s per tenant. The request passes when every limit grants it. The first limit that refuses
 * decides the answer; limits before it have already taken their permit (as Envoy's descriptors do),
 * so a refused request still counts against the narrower budgets it passed: a client flooding one
 * device cannot hide behind its tenant's headroom.
 *
 * <p>Thread safety: any thread; immutable apart from the limiters.
 */
public record LimitChain(List<KeyedLimit> limits) {
    /** No limits: every request passes. */
    public static final LimitChain NONE = new LimitChain(List.of());

    public LimitChain {
        limits = List.copyOf(limits);
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }

    /** Applies every limit in order; the verdict of the first refusal, or a grant. */
    public Verdict admit(KeyInputs in, long nowNanos) {
        Verdict tightest = null;
        for (KeyedLimit l : limits) {
            String key = l.key().of(in);
            long wait = l.limiters().tryAcquire(key, 1, nowNanos);
            if (wait != 0) {
                return new Verdict(l, wait, 0);
            }
            if (tightest == null) {
                tightest = new Verdict(l, 0, l.limiters().availablePermits(key, nowNanos));
            } else {
                long left = l.limiters().availablePermits(key, nowNanos);
                if (left < tightest.remaining()) {
                    tightest = new Verdict(l, 0, left);
                }
            }
        }
        return tightest == null ? Verdict.UNLIMITED : tightest;
    }

    /**
     * A chain's answer.
     *
     * @param limit     the limit that refused, or the one with the fewest permits left when
     *                  granted; null when there are no limits
     * @param waitNanos 0 when granted, else how long until the refusing limit would grant
     * @param remaining permits left in {@code limit} for this key
     */
    public record Verdict(KeyedLimit limit, long waitNanos, long remaining) {
        static final Verdict UNLIMITED = new Verdict(null, 0, Long.MAX_VALUE);

        public boolean granted() {
            return waitNanos == 0;
        }

        /** Whole seconds for {@code Retry-After}, at least 1 when refused. */
        public long retryAfterSeconds() {
            return waitNanos == 0 ? 0 : Math.max(1, RateLimiter.retryAfterSeconds(waitNanos));
        }

        /**
         * The IETF {@code RateLimit-Policy} value (draft-ietf-httpapi-ratelimit-headers, the
         * structured-field form): {@code "device";q=10;w=1}.
         */
        public String policyHeader() {
            return limit == null ? null : "\"" + limit.name() + "\";q=" + limit.quota() + ";w=" + limit.windowSeconds();
        }

        /** The IETF {@code RateLimit} value: {@code "device";r=0;t=1}. */
        public String rateLimitHeader() {
            return limit == null ? null : "\"" + limit.name() + "\";r=" + Math.max(0, remaining)
                    + ";t=" + retryAfterSeconds();
        }
    }
}
