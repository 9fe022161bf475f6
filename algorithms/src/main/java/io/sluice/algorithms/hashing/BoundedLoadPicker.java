package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.internal.Endpoints;

import java.util.random.RandomGenerator;

/**
 * {@code bounded-load} over a fixed set: walk the ring from the key's point to the first backend
 * below its capacity. Immutable apart from the live in-flight counters it reads; no allocation.
 *
 * <p>A pick reads every backend's in-flight count once to total them (O(N)), then walks. Capacity
 * of backend i for this request:
 * <pre>
 *   c_i = ceil((1 + eps) * (T + 1) * w_i / W)     T = total in flight, W = sum of weights
 * </pre>
 * Some backend is always below capacity: if every {@code load_i >= c_i} then
 * {@code T = sum(load_i) >= sum(c_i) >= (1 + eps)(T + 1) > T}, a contradiction. So the walk ends
 * within one lap, provided the counts do not change while it runs. Other threads' requests can
 * change them (the total is read before the walk); if a whole lap finds nobody below capacity,
 * the key's own backend (its first point) is returned.
 */
final class BoundedLoadPicker implements Picker {
    private final Endpoint[] byId;
    private final HashRing ring;
    private final double[] weight;
    private final double totalWeight;
    private final double factor;
    private final RandomGenerator random;

    BoundedLoadPicker(Endpoint[] byId, HashRing ring, double balanceFactor, RandomGenerator random) {
        this.byId = byId;
        this.ring = ring;
        this.factor = 1 + balanceFactor;
        this.random = random;
        this.weight = new double[byId.length];
        double sum = 0;
        for (int i = 0; i < byId.length; i++) {
            weight[i] = byId[i].weight();
            sum += weight[i];
        }
        this.totalWeight = sum;
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyOf(byId, random);
        }
        long total = 0;
        for (Endpoint e : byId) {
            total += e.load().inFlight();
        }
        // Never negative when callers keep the start/end protocol; clamp so a broken caller still
        // gets a capacity of at least one request.
        double budget = factor * (Math.max(0, total) + 1);
        int index = ring.indexOf(ctx.keyHash());
        int first = index;
        for (int steps = ring.size(); steps > 0; steps--) {
            int owner = ring.ownerAt(index);
            if (byId[owner].load().inFlight() < Math.ceil(budget * weight[owner] / totalWeight)) {
                return byId[owner];
            }
            index = ring.next(index);
        }
        return byId[ring.ownerAt(first)];
    }
}
