package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;

import java.util.List;

/**
 * Smooth weighted round robin as a walk over one precomputed period of NGINX's sequence (see
 * {@link SmoothWeightedSchedule}): a pick at cursor position {@code p} is {@code period[p mod P]}.
 *
 * <p>The period is materialised as endpoint references rather than indices, so a pick is one
 * cursor step and one array read, the same cost as plain round robin. The cursor is the
 * strategy's, as for {@link RoundRobinPicker}: it starts at a random position when the strategy is
 * created and carries on across rebuilds; the same {@link StripedCursor}, with the same guarantee
 * across threads (each thread walks exact periods of its own stripe). A retry takes one position
 * and walks on to the first slot of an untried endpoint (every endpoint has a slot in a period).
 */
final class WeightedRoundRobinPicker implements Picker {
    private final Endpoint[] slots;
    private final StripedCursor cursor;

    /**
     * @param endpoints the available endpoints
     * @param period    one period of indices into {@code endpoints}
     * @param cursor    the strategy's cursor
     */
    WeightedRoundRobinPicker(List<Endpoint> endpoints, int[] period, StripedCursor cursor) {
        this.slots = new Endpoint[period.length];
        for (int i = 0; i < period.length; i++) {
            slots[i] = endpoints.get(period[i]);
        }
        this.cursor = cursor;
    }

    /**
     * The picker for {@code available}, at least two endpoints. Equal weights take the plain
     * {@link RoundRobinPicker} (the smooth sequence of equal weights is list order anyway). More
     * endpoints than {@link SmoothWeightedSchedule#MAX_WEIGHTS} (32 768) cannot each keep a slot
     * of a bounded period, so they fall back to {@link WeightedRandomPicker}: the same long-run
     * shares, without the smoothness.
     */
    static Picker over(List<Endpoint> available, Environment env, StripedCursor cursor) {
        if (Endpoints.equalWeights(available)) {
            return new RoundRobinPicker(available, cursor);
        }
        if (available.size() > SmoothWeightedSchedule.MAX_WEIGHTS) {
            return new WeightedRandomPicker(available, env.random());
        }
        int[] weights = SmoothWeightedSchedule.quantise(Endpoints.weights(available));
        if (allEqual(weights)) {
            // Weights that differ by less than the quantisation resolution.
            return new RoundRobinPicker(available, cursor);
        }
        int[] period = SmoothWeightedSchedule.sequence(weights);
        return new WeightedRoundRobinPicker(available, period, cursor);
    }

    private static boolean allEqual(int[] weights) {
        for (int w : weights) {
            if (w != weights[0]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        return slots[cursor.next() % slots.length];
    }

    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        if (tried.isEmpty()) {
            return pick(ctx);
        }
        return RoundRobinPicker.nextUntried(slots, cursor.next() % slots.length, tried);
    }

    /** Slots in one period of the walk. */
    int period() {
        return slots.length;
    }

    @Override
    public String toString() {
        return "WeightedRoundRobinPicker{period=" + slots.length + "}";
    }
}
