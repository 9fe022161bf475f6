package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code ring-hash}: consistent hashing on a ring of virtual nodes (Karger et al., "Consistent
 * Hashing and Random Trees", STOC 1997; the ketama ring; Envoy's {@code RING_HASH}).
 *
 * <p>Every available backend is placed at {@code n_i = max(1, round(P * w_i / w_max))} points of
 * the 64-bit circle, at {@code Hashing.hash64(id, r)} for replica {@code r = 0 .. n_i - 1}, where
 * {@code P = min-ring-size} and {@code w_max} is the largest effective weight; a request goes to the
 * owner of the first point at or after its {@link io.sluice.algorithms.RequestContext#keyHash()},
 * wrapping (binary search over a sorted {@code long[]}). Placement depends on ids and weights only,
 * never on list order. A request without a key goes to a uniformly random available backend.
 *
 * <p>Unlike Envoy, which sizes the whole ring to about min-ring-size points, each backend's count
 * here is independent of how many other backends there are, so with equal weights a join or leave
 * moves exactly the keys of the backend that joined or left. The ring therefore grows with N
 * (N x min-ring-size points with equal weights) until it reaches max-ring-size, beyond which the
 * counts are scaled down and that guarantee weakens; see {@link HashRing}. Balance: a backend with
 * n points owns a share whose relative standard deviation is about {@code 1/sqrt(n)}, 3 % at 1024.
 *
 * <p>Parameters: {@code min-ring-size} (default 1024) and {@code max-ring-size} (default 8388608,
 * Envoy's defaults); min must not exceed max.
 */
public final class RingHashProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "ring-hash";
    /** Points of the heaviest backend, and so the least size of the ring. */
    public static final String MIN_RING_SIZE = "min-ring-size";
    /** The most points the ring may hold (every backend keeps at least one). */
    public static final String MAX_RING_SIZE = "max-ring-size";

    static final long DEFAULT_MIN_RING_SIZE = 1024;
    static final long DEFAULT_MAX_RING_SIZE = 8_388_608;
    private static final long LARGEST_RING = DEFAULT_MAX_RING_SIZE;

    /** Used by {@link java.util.ServiceLoader}. */
    public RingHashProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Consistent hashing on a ring of virtual nodes by backend id, as many as weight (Karger 1997,"
                + " ketama, Envoy ring hash); keyless requests go to a random backend.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.integer(MIN_RING_SIZE, DEFAULT_MIN_RING_SIZE, 1, LARGEST_RING,
                        "virtual nodes of the heaviest backend (others in proportion to weight); the ring's least size"),
                ParameterSpec.integer(MAX_RING_SIZE, DEFAULT_MAX_RING_SIZE, 1, LARGEST_RING,
                        "most virtual nodes in total; beyond it every backend's count is scaled down"));
    }

    /** @throws IllegalArgumentException when min-ring-size exceeds max-ring-size */
    @Override
    public Strategy create(Parameters params, Environment env) {
        long min = params.getLong(MIN_RING_SIZE);
        long max = params.getLong(MAX_RING_SIZE);
        if (min > max) {
            throw new IllegalArgumentException("strategy '" + NAME + "': " + MIN_RING_SIZE + " (" + min
                    + ") must not exceed " + MAX_RING_SIZE + " (" + max + ")");
        }
        return Placement.strategy(NAME, NAME + "{" + MIN_RING_SIZE + "=" + min + ", " + MAX_RING_SIZE + "=" + max + "}",
                env, (byId, endpoints, e) -> new RingHashPicker(byId, HashRing.build(byId, min, max), e.random()));
    }
}
