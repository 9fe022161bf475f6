package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code maglev}: Maglev consistent hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software
 * Network Load Balancer", NSDI 2016, section 3.4).
 *
 * <p>At picker build, every available backend gets a permutation of the M table slots from two
 * salted hashes of its id (offset and skip), and backends take turns claiming their next preferred
 * empty slot until the table is full; a request goes to {@code table[keyHash mod M]} (unsigned).
 * Weights are honoured as in Envoy's weighted Maglev: a backend's turns come at a frequency
 * proportional to {@code weight / max weight}. Details, the slot-count bounds and the worked
 * numbers are in {@link MaglevTable}. A request without a key goes to a uniformly random
 * available backend.
 *
 * <p>Trade-off: with equal weights slot counts differ by at most one across backends, so balance
 * is near perfect, but Maglev is not minimally disruptive: "Maglev's consistent hashing method
 * achieves perfect balance across the backends at the cost of slightly reduced resilience" (the
 * paper, section 6). When a backend joins or leaves, a small fraction of slots owned by other
 * backends also change hands.
 *
 * <p>Parameter {@code table-size} (default 65537) must be prime. If {@code 100 * N} exceeds it,
 * the table uses the smallest prime at or above {@code 100 * N} instead (the paper's
 * {@code M > 100 N}, at most 1 % difference in hash space).
 */
public final class MaglevProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "maglev";
    /** The lookup table size M, a prime. */
    public static final String TABLE_SIZE = "table-size";

    static final long DEFAULT_TABLE_SIZE = 65_537;

    /** Used by {@link java.util.ServiceLoader}. */
    public MaglevProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Maglev consistent hashing (Eisenbud et al., NSDI 2016): a prime-size lookup table filled by"
                + " per-backend permutations, weighted as in Envoy; keyless requests go to a random backend.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer(TABLE_SIZE, DEFAULT_TABLE_SIZE, 2, MaglevTable.MAX_SIZE,
                "lookup table size M, a prime; grows to the next prime >= 100 x backends when smaller"));
    }

    /** @throws IllegalArgumentException when table-size is not prime, naming the nearest primes */
    @Override
    public Strategy create(Parameters params, Environment env) {
        long size = params.getLong(TABLE_SIZE);
        if (!MaglevTable.isPrime(size)) {
            throw new IllegalArgumentException("strategy '" + NAME + "': parameter '" + TABLE_SIZE
                    + "' must be a prime number, got " + size + "; nearest primes: " + MaglevTable.previousPrime(size)
                    + " and " + MaglevTable.nextPrime(size));
        }
        int configured = (int) size;
        return Placement.strategy(NAME, NAME + "{" + TABLE_SIZE + "=" + configured + "}", env,
                (byId, endpoints, e) -> new MaglevPicker(byId,
                        MaglevTable.populate(byId, MaglevTable.size(configured, byId.length)), e.random()));
    }
}
