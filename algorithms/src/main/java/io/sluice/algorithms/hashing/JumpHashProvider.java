package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code jump-hash}: jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent
 * Hash Algorithm", 2014) over the backends sorted by id. <b>Weights are not supported</b>: every
 * available backend gets an equal share whatever its weight (use {@code maglev}, {@code ring-hash}
 * or {@code rendezvous} for weighted affinity).
 *
 * <p>The key hash picks a bucket in {@code [0, B)} with no table at all (O(ln B) time, O(1)
 * memory), see {@link JumpHashPicker#bucket}. A request without a key goes to a uniformly random
 * available backend.
 *
 * <p>Caveat, stated plainly: jump hash is minimally disruptive only when buckets are added or
 * removed <em>at the end</em> of the list. Here the list is sorted by id, so:
 * <ul>
 *   <li>a backend whose id sorts after all others joins moving exactly the keys it takes, a
 *       {@code 1/(N+1)} share, and leaving from the end moves only its own keys;</li>
 *   <li>a backend that joins or leaves at sorted position p shifts every later bucket, moving about
 *       {@code (N - p)/N} of all keys on top of its own share: near everything when p = 0.
 *       Give backends ids that sort in the order they join (zero-padded sequence numbers, for
 *       instance) if membership changes often.</li>
 * </ul>
 * Mitigation for health, the common case: the buckets are all members of the set, unavailable
 * ones included as holes, and a key whose bucket is a hole is rehashed until it lands on an
 * available one. A backend that fails or is ejected therefore moves only its own keys, wherever
 * its id sorts, and gets them back when it recovers. No parameters.
 */
public final class JumpHashProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "jump-hash";

    /** Used by {@link java.util.ServiceLoader}. */
    public JumpHashProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Jump consistent hash (Lamping & Veach 2014) over backends sorted by id; weights NOT supported;"
                + " minimal movement only at the end of the id order; keyless requests go to a random backend.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return Placement.strategy(NAME, NAME, env,
                (byId, endpoints, e) -> JumpHashPicker.over(byId, endpoints, e.random()));
    }
}
