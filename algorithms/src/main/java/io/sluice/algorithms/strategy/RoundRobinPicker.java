package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;

import java.util.List;

/**
 * Plain round robin: position {@code i} of the cycle is endpoint {@code (start + i) mod n}.
 *
 * <p>Worked example: endpoints [a, b, c], start 1: b c a b c a ...
 *
 * <p>The start is drawn from the environment's random source when the picker is built, so a fleet
 * of proxies that all rebuilt at the same membership change does not send its next request to the
 * same backend in lockstep (Envoy randomises its round-robin start for the same reason, in
 * {@code load_balancer_impl.cc}); under a seeded environment the start, and so the whole
 * sequence, is reproducible.
 *
 * <p>Concurrency: positions come from a {@link StripedCursor}, so there is no contended atomic on
 * the pick path. One thread sees the exact cycle; many threads each see exact cycles of their own
 * stripe, and any backend's count stays within the number of stripes in use of the mean (see
 * {@link StripedCursor} for the precise guarantee).
 */
final class RoundRobinPicker implements Picker {
    private final Endpoint[] endpoints;
    private final StripedCursor cursor;

    RoundRobinPicker(List<Endpoint> endpoints, int start) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
        this.cursor = new StripedCursor(start, this.endpoints.length);
    }

    /** A round robin over {@code available} from a random start. */
    static RoundRobinPicker over(List<Endpoint> available, Environment env) {
        return new RoundRobinPicker(available, env.random().nextInt(available.size()));
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        return endpoints[cursor.next()];
    }

    @Override
    public String toString() {
        return "RoundRobinPicker{" + endpoints.length + " endpoints}";
    }
}
