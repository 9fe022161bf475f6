package io.sluice.config.proxy;

import io.sluice.algorithms.filter.FilterRule;
import io.sluice.algorithms.ratelimit.LimitKey;
import io.sluice.algorithms.ratelimit.RateLimit;
import java.util.List;

/**
 * What a listener or route protects itself with, read and checked: its rate limits (applied in
 * order, every one must grant) and, for a listener, its connection accept limits. Equal configs
 * are equal, so a reload keeps the budgets of unchanged limits.
 *
 * @param filters      request filter rules, first match decides
 * @param rateLimits   applied in order to every request
 * @param acceptLimits new connections per second; {@link AcceptLimits#NONE} for none
 */
public record Protection(List<FilterRule> filters, List<RateLimitRule> rateLimits, AcceptLimits acceptLimits) {
    /** Nothing limited. */
    public static final Protection NONE = new Protection(List.of(), List.of(), AcceptLimits.NONE);

    public Protection {
        filters = List.copyOf(filters);
        rateLimits = List.copyOf(rateLimits);
    }

    /**
     * One limit: {@code limit} per key.
     *
     * @param maxKeys keys held at most (the least recently used beyond it are forgotten)
     * @param global  {@code scope: global}: {@code limit} is the fleet's, this instance enforces a share
     */
    public record RateLimitRule(String name, RateLimit limit, LimitKey key, int maxKeys, boolean global) {
        /** A local limit. */
        public RateLimitRule(String name, RateLimit limit, LimitKey key, int maxKeys) {
            this(name, limit, key, maxKeys, false);
        }
    }

    /**
     * @param perListener new connections on the listener, or null
     * @param perSource   new connections from one client address, or null
     * @param maxSources  client addresses held at most
     */
    public record AcceptLimits(RateLimit perListener, RateLimit perSource, int maxSources) {
        public static final AcceptLimits NONE = new AcceptLimits(null, null, 1);

        public boolean isNone() {
            return perListener == null && perSource == null;
        }
    }
}
