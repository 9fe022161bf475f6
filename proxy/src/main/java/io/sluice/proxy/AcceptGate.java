package io.sluice.proxy;

import io.sluice.algorithms.ratelimit.KeyedRateLimiter;
import io.sluice.algorithms.ratelimit.RateLimiter;
import io.sluice.config.proxy.Protection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A listener's {@code accept-limits}: new connections per second for the whole listener and per
 * client address, so a reconnect storm (a power cut ends, a fleet comes back at once) is spread
 * out instead of overrunning the proxy and its backends. A refused connection is closed at once,
 * before any protocol byte; well-behaved clients retry with backoff.
 *
 * <p>Thread safety: any thread (accepts run on the boss and worker loops).
 */
record AcceptGate(Protection.AcceptLimits limits, RateLimiter perListener, KeyedRateLimiter perSource) {
    static final AcceptGate NONE = new AcceptGate(Protection.AcceptLimits.NONE, null, null);

    static AcceptGate of(Protection.AcceptLimits limits, long nowNanos) {
        if (limits.isNone()) {
            return NONE;
        }
        return new AcceptGate(limits,
                limits.perListener() == null ? null : limits.perListener().newLimiter(nowNanos),
                limits.perSource() == null ? null : KeyedRateLimiter.create(limits.perSource(), limits.maxSources()));
    }

    /** True when a connection from {@code remote} may be accepted now. */
    boolean admit(SocketAddress remote, long nowNanos) {
        // The per-source budget first, so one noisy address does not use up the listener's.
        if (perSource != null && remote instanceof InetSocketAddress isa && isa.getAddress() != null
                && perSource.tryAcquire(isa.getAddress().getHostAddress(), 1, nowNanos) != 0) {
            return false;
        }
        return perListener == null || perListener.tryAcquire(1, nowNanos) == 0;
    }
}
