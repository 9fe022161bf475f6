package io.sluice.algorithms.hashing;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.LoadSignals;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;

import java.util.random.RandomGenerator;

/**
 * {@code bounded-load} over a fixed set: walk the ring from the key's point to the first backend
 * below its capacity. Immutable apart from the live in-flight counters it reads; no allocation.
 *
 * <p>Capacity of backend i for this request:
 * <pre>
 *   c_i = ceil((1 + eps) * (T + 1) * w_i / W)     T = total in flight, W = sum of weights
 * </pre>
 * Some backend is always below capacity: if every {@code load_i >= c_i} then
 * {@code T >= sum(load_i) >= sum(c_i) >= (1 + eps)(T + 1) > T}, a contradiction. So the walk ends
 * within one lap, provided the counts do not change while it runs. Other threads' requests can
 * change them (the total is read before the walk); if a whole lap finds nobody below capacity,
 * the key's own backend (its first point) is returned.
 *
 * <p>T in O(1): when every endpoint's load comes from one {@link LoadSignals} group (a load
 * balancer's, the normal case), T is the group's running total, kept by the loads themselves on
 * every start and end, instead of a sum over every backend on every pick (that sum made a pick
 * cost about 1.2 us at 1000 backends). The group's total also counts requests still in flight on
 * members that are not available (draining, ejected), which the available backends' sum did not:
 * capacities are then a little larger, so the bound is a little looser while such requests
 * finish, and the contradiction above still holds ({@code T} only grew). Endpoints from mixed
 * sources fall back to the sum.
 *
 * <p>A retry walks the same way but passes over tried backends; if none untried is below
 * capacity in a lap, the first untried backend on the ring from the key answers.
 */
final class BoundedLoadPicker implements Picker {
    private final Endpoint[] byId;
    private final BackendLoad[] loads;
    private final HashRing ring;
    private final double[] weight;
    private final double totalWeight;
    private final double factor;
    /** The loads' common group, or null when they come from several. */
    private final LoadSignals group;
    private final RandomGenerator random;

    BoundedLoadPicker(Endpoint[] byId, HashRing ring, double balanceFactor, RandomGenerator random) {
        this.byId = byId;
        this.ring = ring;
        this.factor = 1 + balanceFactor;
        this.random = random;
        this.loads = new BackendLoad[byId.length];
        this.weight = new double[byId.length];
        double total = 0;
        LoadSignals common = byId.length > 0 ? byId[0].load().signals() : null;
        for (int i = 0; i < byId.length; i++) {
            loads[i] = byId[i].load();
            weight[i] = byId[i].weight();
            total += weight[i];
            if (loads[i].signals() != common) {
                common = null;
            }
        }
        this.totalWeight = total;
        this.group = common;
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyOf(byId, random);
        }
        return walk(ctx.keyHash(), Tried.NONE);
    }

    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        if (tried.isEmpty()) {
            return pick(ctx);
        }
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyUntried(byId, tried, random);
        }
        if (Endpoints.allTried(byId, tried)) {
            return null;
        }
        return walk(ctx.keyHash(), tried);
    }

    private Endpoint walk(long keyHash, Tried tried) {
        // Never negative when callers keep the start/end protocol; clamp so a broken caller still
        // gets a capacity of at least one request.
        double budget = factor * (Math.max(0, totalInFlight()) + 1);
        int index = ring.indexOf(keyHash);
        int first = -1;
        for (int steps = ring.size(); steps > 0; steps--) {
            int owner = ring.ownerAt(index);
            if (tried.isEmpty() || !tried.contains(loads[owner])) {
                if (loads[owner].inFlight() < Math.ceil(budget * weight[owner] / totalWeight)) {
                    return byId[owner];
                }
                if (first < 0) {
                    first = owner;
                }
            }
            index = ring.next(index);
        }
        return first >= 0 ? byId[first] : Placement.nextUntried(ring, byId, ring.indexOf(keyHash), tried);
    }

    private long totalInFlight() {
        if (group != null) {
            return group.inFlight();
        }
        long total = 0;
        for (BackendLoad load : loads) {
            total += load.inFlight();
        }
        return total;
    }
}
