package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;

import java.util.random.RandomGenerator;

/**
 * {@code ring-hash} over a fixed set: the owner of the first ring point at or after the key's hash.
 * Immutable; a pick is one binary search over the ring ({@code log2} of its size, 17 steps for
 * 100 backends at the default size) and allocates nothing. A retry walks on clockwise from the
 * key's point to the first point of an untried backend: the key's next choice, the same on every
 * proxy, as the ring's own successor rule would give with the tried backends removed.
 */
final class RingHashPicker implements Picker {
    private final Endpoint[] byId;
    private final HashRing ring;
    private final RandomGenerator random;

    RingHashPicker(Endpoint[] byId, HashRing ring, RandomGenerator random) {
        this.byId = byId;
        this.ring = ring;
        this.random = random;
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyOf(byId, random);
        }
        return byId[ring.ownerOf(ctx.keyHash())];
    }

    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        if (tried.isEmpty()) {
            return pick(ctx);
        }
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyUntried(byId, tried, random);
        }
        return Placement.nextUntried(ring, byId, ring.indexOf(ctx.keyHash()), tried);
    }

    HashRing ring() {
        return ring;
    }
}
