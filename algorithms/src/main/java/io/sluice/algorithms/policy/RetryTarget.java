package io.sluice.algorithms.policy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Where a request goes next, never to a backend it already tried: both runtimes pick their retries
 * (and the proxy its first attempts, with an empty {@code tried}) through {@link #choose}.
 *
 * <p>The strategy is asked up to {@value #PICKS} times for a backend not tried; a strategy that
 * keeps answering a tried one (a hash of the same key always does) is then overruled by a uniformly
 * random available backend not tried yet. So a hashing strategy never sends a retry back to the
 * backend that just failed it; the retry lands where the request's key would go if that backend
 * were gone only by chance, which is what Envoy does for a hash retry without a host predicate
 * that re-hashes.
 */
public final class RetryTarget {
    /** Picks asked of the strategy before a random untried backend is drawn. */
    public static final int PICKS = 3;

    private RetryTarget() {
    }

    /**
     * An available backend not in {@code tried}, or null when there is none.
     *
     * @param tried  ids the request has been sent to; empty for a first attempt
     * @param random draws the fallback; the environment's random source in both runtimes
     */
    public static Endpoint choose(LoadBalancer lb, RequestContext ctx, Collection<String> tried,
                                  RandomGenerator random) {
        for (int i = 0; i < PICKS; i++) {
            Endpoint e = lb.pick(ctx);
            if (e == null && tried.isEmpty()) {
                return null;
            }
            if (e != null && !tried.contains(e.id())) {
                return e;
            }
        }
        List<Endpoint> left = new ArrayList<>();
        for (Endpoint e : lb.endpoints().available()) {
            if (!tried.contains(e.id())) {
                left.add(e);
            }
        }
        return left.isEmpty() ? null : left.get(random.nextInt(left.size()));
    }
}
