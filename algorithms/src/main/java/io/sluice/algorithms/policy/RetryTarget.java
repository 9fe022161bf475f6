package io.sluice.algorithms.policy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import java.util.Collection;

/**
 * Where a request goes next, never to a backend it already tried: both runtimes pick their retries
 * (and the proxy its first attempts, with an empty {@code tried}) through {@link #choose}.
 *
 * <p>The strategy itself decides among the untried backends ({@link LoadBalancer.Snapshot#pick(
 * RequestContext, Tried)}): power-of-choices draws among them, round robin moves on, a hash walks
 * on to the key's next backend (so every proxy sends a key's retry to the same place), and
 * join-idle-queue and Prequal spend no idle entry or probe on a tried backend. Tried backends are
 * named by id, so a retry that lands on a newer snapshot (the failure itself may have rebuilt it)
 * still excludes them; ids no longer in the snapshot exclude nothing.
 */
public final class RetryTarget {
    private RetryTarget() {
    }

    /** As {@link #choose(LoadBalancer.Snapshot, RequestContext, Collection)} on {@code lb}'s current snapshot. */
    public static Endpoint choose(LoadBalancer lb, RequestContext ctx, Collection<String> tried) {
        return choose(lb.snapshot(), ctx, tried);
    }

    /**
     * An available backend of {@code snapshot} not in {@code tried}, or null when there is none.
     *
     * @param tried ids the request has been sent to; empty for a first attempt
     */
    public static Endpoint choose(LoadBalancer.Snapshot snapshot, RequestContext ctx, Collection<String> tried) {
        if (tried.isEmpty()) {
            return snapshot.pick(ctx);
        }
        Tried excluded = Tried.NONE;
        for (String id : tried) {
            Endpoint e = snapshot.endpoint(id);
            if (e != null) {
                excluded = excluded.with(e);
            }
        }
        return snapshot.pick(ctx, excluded);
    }
}
