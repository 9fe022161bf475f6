package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.sluice.algorithms.ratelimit.GlobalRateLimiter;
import io.sluice.algorithms.ratelimit.KeyInputs;
import io.sluice.algorithms.ratelimit.KeyedLimit;
import io.sluice.algorithms.ratelimit.LimitChain;
import io.sluice.config.proxy.Protection;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.http.HeadWriter;
import io.sluice.proxy.http.RequestHead;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxy's side of rate limiting: compiling a listener's or route's {@code rate-limits} into a
 * {@link LimitChain} (keeping the budgets of limits a reload did not change), the request's key
 * inputs, and the 429 answer's headers.
 */
final class RateLimits {
    private static final byte[] RETRY_AFTER = HeadWriter.bytes("retry-after");
    private static final byte[] POLICY = HeadWriter.bytes("ratelimit-policy");
    private static final byte[] RATELIMIT = HeadWriter.bytes("ratelimit");

    private RateLimits() {
    }

    /** The listener-level protection of {@code l}; none for a protocol without it. */
    static Protection listenerRules(ProxyConfig.Listener l) {
        return l instanceof ProxyConfig.HttpListener h ? h.protection() : Protection.NONE;
    }

    /** The chain of {@code rules}, reusing the limiters of {@code previous} whose rule is unchanged. */
    static LimitChain chain(List<Protection.RateLimitRule> rules, LimitChain previous) {
        if (rules.isEmpty()) {
            return LimitChain.NONE;
        }
        List<KeyedLimit> out = new ArrayList<>(rules.size());
        for (Protection.RateLimitRule r : rules) {
            KeyedLimit kept = null;
            if (previous != null) {
                for (KeyedLimit k : previous.limits()) {
                    if (k.name().equals(r.name()) && k.key().equals(r.key()) && k.limiters().limit().equals(r.limit())
                            && k.maxKeys() == r.maxKeys() && (k.limiters() instanceof GlobalRateLimiter) == r.global()) {
                        kept = k;
                    }
                }
            }
            if (kept == null && r.global()) {
                // This instance's share of the fleet's limit; the Kafka control plane moves it.
                kept = new KeyedLimit(r.name(), r.key(), GlobalRateLimiter.create(r.limit(), r.maxKeys(),
                        System.nanoTime()), r.maxKeys());
            }
            out.add(kept != null ? kept : new KeyedLimit(r.name(), r.key(), r.limit(), r.maxKeys()));
        }
        return new LimitChain(out);
    }

    /** An HTTP request's key inputs; {@code jwtSubject} is its verified token's, or null. */
    record HttpInputs(byte[] clientAddress, RequestHead head, String route, String listener, String jwtSubject)
            implements KeyInputs {
        @Override
        public String header(String name) {
            return head.headers().get(name);
        }
    }

    /** The headers of a 429: Retry-After, RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers). */
    static void writeRefusalHeaders(ByteBuf out, LimitChain.Verdict v) {
        HeadWriter.field(out, RETRY_AFTER, v.retryAfterSeconds());
        HeadWriter.field(out, POLICY, v.policyHeader());
        HeadWriter.field(out, RATELIMIT, v.rateLimitHeader());
    }
}
