package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;

import java.util.List;

/**
 * Plain round robin: a pick at cursor position {@code p} is endpoint {@code p mod n}.
 *
 * <p>Worked example: endpoints [a, b, c], cursor at 4: b c a b c a ...
 *
 * <p>The cursor belongs to the strategy and outlives pickers: a rebuild (a health change, a weight
 * change elsewhere) continues from where the previous picker stopped, as grpc-java's round robin
 * does, rather than jumping to a new random start that could hand the next requests to the
 * backends just served. The cursor starts at a random position drawn from the environment when
 * the strategy is created, so a fleet of proxies does not move in lockstep (Envoy randomises its
 * round-robin start for the same reason, in {@code load_balancer_impl.cc}); under a seeded
 * environment the whole sequence is reproducible.
 *
 * <p>A retry ({@link #pick(RequestContext, Tried)}) takes one cursor position and moves on from it,
 * in list order, to the first untried endpoint.
 *
 * <p>Concurrency: positions come from a {@link StripedCursor}, so there is no contended atomic on
 * the pick path. One thread sees the exact cycle; many threads each see exact cycles of their own
 * stripe, and any backend's count stays within the number of stripes in use of the mean (see
 * {@link StripedCursor} for the precise guarantee).
 */
final class RoundRobinPicker implements Picker {
    private final Endpoint[] endpoints;
    private final StripedCursor cursor;

    RoundRobinPicker(List<Endpoint> endpoints, StripedCursor cursor) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
        this.cursor = cursor;
    }

    /** A cursor for a new round-robin strategy, at a random position of {@code env}. */
    static StripedCursor cursor(Environment env) {
        return new StripedCursor(env.random().nextInt());
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        return endpoints[cursor.next() % endpoints.length];
    }

    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        if (tried.isEmpty()) {
            return pick(ctx);
        }
        return nextUntried(endpoints, cursor.next() % endpoints.length, tried);
    }

    /** The first endpoint not in {@code tried} at or after {@code from}, cyclically; null if none. */
    static Endpoint nextUntried(Endpoint[] cycle, int from, Tried tried) {
        int n = cycle.length;
        for (int k = 0, i = from; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
            if (!tried.contains(cycle[i])) {
                return cycle[i];
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "RoundRobinPicker{" + endpoints.length + " endpoints}";
    }
}
