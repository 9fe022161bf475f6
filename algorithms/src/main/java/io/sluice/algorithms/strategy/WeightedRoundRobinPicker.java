package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.internal.Endpoints;

import java.util.List;

/**
 * Smooth weighted round robin as a walk over one precomputed period of NGINX's sequence (see
 * {@link SmoothWeightedSchedule}): slot {@code i} of the walk is {@code period[(start + i) mod P]}.
 *
 * <p>The period is materialised as endpoint references rather than indices, so a pick is one
 * cursor step and one array read, the same cost as plain round robin. The start slot is drawn from
 * the environment's random source when the picker is built, for the same fleet-lockstep reason as
 * {@link RoundRobinPicker}; the cursor is the same {@link StripedCursor}, with the same guarantee
 * across threads (each thread walks exact periods of its own stripe).
 */
final class WeightedRoundRobinPicker implements Picker {
    private final Endpoint[] slots;
    private final StripedCursor cursor;

    /**
     * @param endpoints the available endpoints
     * @param period    one period of indices into {@code endpoints}
     * @param start     the first slot walked
     */
    WeightedRoundRobinPicker(List<Endpoint> endpoints, int[] period, int start) {
        this.slots = new Endpoint[period.length];
        for (int i = 0; i < period.length; i++) {
            slots[i] = endpoints.get(period[i]);
        }
        this.cursor = new StripedCursor(start, period.length);
    }

    /**
     * The picker for {@code available}, at least two endpoints. Equal weights take the plain
     * {@link RoundRobinPicker} (the smooth sequence of equal weights is list order anyway). More
     * endpoints than {@link SmoothWeightedSchedule#MAX_WEIGHTS} (32 768) cannot each keep a slot
     * of a bounded period, so they fall back to {@link WeightedRandomPicker}: the same long-run
     * shares, without the smoothness.
     */
    static Picker over(List<Endpoint> available, Environment env) {
        if (Endpoints.equalWeights(available)) {
            return RoundRobinPicker.over(available, env);
        }
        if (available.size() > SmoothWeightedSchedule.MAX_WEIGHTS) {
            return new WeightedRandomPicker(available, env.random());
        }
        int[] weights = SmoothWeightedSchedule.quantise(Endpoints.weights(available));
        if (allEqual(weights)) {
            // Weights that differ by less than the quantisation resolution.
            return RoundRobinPicker.over(available, env);
        }
        int[] period = SmoothWeightedSchedule.sequence(weights);
        return new WeightedRoundRobinPicker(available, period, env.random().nextInt(period.length));
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
        return slots[cursor.next()];
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
