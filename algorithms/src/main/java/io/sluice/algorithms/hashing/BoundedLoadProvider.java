package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code bounded-load}: consistent hashing with bounded loads (Mirrokni, Thorup and
 * Zadimoghaddam, "Consistent Hashing with Bounded Loads", SODA 2018).
 *
 * <p>Backends sit on the same ring as {@code ring-hash} at its default sizes (1024 points for the
 * heaviest backend, others in proportion to weight; see {@link HashRing}). A request starts at its
 * key's point and walks clockwise to the first backend whose live in-flight count
 * ({@link io.sluice.algorithms.BackendLoad#inFlight()}) is below its capacity
 * <pre>
 *   c_i = ceil((1 + eps) * (T + 1) * w_i / W)
 * </pre>
 * where {@code eps} is the balance factor, {@code T} the total in flight over the available
 * backends and {@code W} the sum of their effective weights; with equal weights this is the paper's
 * {@code ceil((1 + eps) (T + 1) / N)}, the "+ 1" counting the request being placed. Example: eps =
 * 0.25, 4 equal backends, 10 in flight: c = ceil(1.25 * 11 / 4) = ceil(3.44) = 4. Weighted: 2
 * backends of weights 1 and 3, 7 in flight: c = ceil(1.25 * 8 / 4) = 3 and ceil(1.25 * 8 * 3/4) = 8.
 *
 * <p>So no backend is sent a request while it holds more than {@code 1 + eps} times its fair
 * share, and keys stay on their own backend while it has room; the smaller eps, the tighter the
 * bound and the more keys spill to their neighbours. Each pick reads every backend's in-flight
 * count (O(N)), plus the walk: usually a few ring points, longer as eps shrinks and more
 * backends are full. The caller must report requests through
 * {@link io.sluice.algorithms.BackendLoad#onRequestStart()} and {@code onRequestEnd}, or the bound
 * means nothing. A request without a key goes to a uniformly random available backend.
 *
 * <p>Parameter {@code balance-factor} eps, default 0.25, in (0, 10].
 */
public final class BoundedLoadProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "bounded-load";
    /** eps: a backend may hold up to (1 + eps) times its share of the requests in flight. */
    public static final String BALANCE_FACTOR = "balance-factor";

    static final double DEFAULT_BALANCE_FACTOR = 0.25;
    static final double MAX_BALANCE_FACTOR = 10;

    /** Used by {@link java.util.ServiceLoader}. */
    public BoundedLoadProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam 2018): ring walk to the first"
                + " backend under ceil((1+eps)(in-flight+1) w/W); keyless requests go to a random backend.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(BALANCE_FACTOR, DEFAULT_BALANCE_FACTOR, 0, MAX_BALANCE_FACTOR,
                "eps > 0: a backend takes a key only while below (1 + eps) x its weighted share of requests in flight"));
    }

    /** @throws IllegalArgumentException when balance-factor is 0 (the range is (0, 10]) */
    @Override
    public Strategy create(Parameters params, Environment env) {
        double eps = params.getDouble(BALANCE_FACTOR);
        if (!(eps > 0 && eps <= MAX_BALANCE_FACTOR)) {
            throw new IllegalArgumentException("strategy '" + NAME + "': parameter '" + BALANCE_FACTOR
                    + "' must be in (0, 10], got " + eps);
        }
        return Placement.strategy(NAME, NAME + "{" + BALANCE_FACTOR + "=" + eps + "}", env,
                (byId, endpoints, e) -> new BoundedLoadPicker(byId,
                        HashRing.build(byId, RingHashProvider.DEFAULT_MIN_RING_SIZE,
                                RingHashProvider.DEFAULT_MAX_RING_SIZE),
                        eps, e.random()));
    }
}
