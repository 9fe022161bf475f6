package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.internal.Endpoints;
import io.sluice.algorithms.internal.Indices;

/**
 * Builds Maglev lookup tables (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016, section 3.4 and Pseudocode 1).
 *
 * <h2>Permutations</h2>
 * Backend {@code i} prefers the table slots in the order
 * <pre>
 *   offset_i = hash64(id_i, OFFSET_SALT) mod M
 *   skip_i   = hash64(id_i, SKIP_SALT) mod (M - 1) + 1
 *   permutation_i[j] = (offset_i + j * skip_i) mod M
 * </pre>
 * (both mods unsigned). M is prime, so every skip in {@code [1, M-1]} is coprime to M and the
 * sequence visits every slot exactly once. The j-th entry is produced by adding skip to the
 * previous one, never by multiplying.
 *
 * <h2>Population</h2>
 * Backends take turns, in id order; on its turn a backend walks its permutation to the first empty
 * slot and takes it, until all M slots are full. With equal weights everyone takes one turn per
 * round, so each backend ends with {@code floor(M/N)} or {@code ceil(M/N)} slots: "the number of
 * entries occupied by different backends will differ by at most 1" (the paper, 3.4). Expected
 * build cost is {@code O(M log M)} probes (the n-th fill takes about {@code M / (M - n)} probes).
 *
 * <h2>Weights</h2>
 * The paper only says weights "can be achieved by altering the relative frequency of the backends'
 * turns; the implementation details are not described". This follows Envoy's weighted Maglev:
 * with {@code r_i = w_i / w_max}, backend i takes its k-th turn in the first round {@code t} with
 * {@code t * r_i >= k}; the heaviest backends take a turn every round, one of half the weight every
 * other round. After t whole rounds backend i has had {@code floor(t * r_i)} turns, and since a turn
 * always fills exactly one slot, the table ends in some round T with
 * {@code count_i in [floor((T-1) r_i), floor(T r_i)]}: every count is within
 * {@code 1 + r_i + N r_i / sum(r)} slots of its exact share {@code M w_i / sum(w)} (the weighted
 * property test checks this bound). A backend whose share {@code w_i / sum(w)} is below about
 * {@code 1/M} may get no slot at all.
 *
 * <h2>Table size</h2>
 * The paper chooses {@code M > 100 N} "to ensure at most a 1% difference in hash space assigned to
 * backends". When {@code 100 N} exceeds the configured size the table silently grows to the smallest
 * prime at or above {@code 100 N} (e.g. N = 700 with the default 65537 gives M = 70001), so
 * configurations stay valid as a cluster grows; the same N always gives the same M.
 */
final class MaglevTable {
    /** Salt of the offset hash: "MAGLEVOF" in ASCII. */
    static final long OFFSET_SALT = 0x4d41474c45564f46L;
    /** Salt of the skip hash: "MAGLEVSK" in ASCII. */
    static final long SKIP_SALT = 0x4d41474c4556534bL;
    /** The largest table this builder makes; 2^30 keeps {@code slot + skip} inside an int. */
    static final int MAX_SIZE = 1 << 30;
    /** Slots per backend the paper asks for at least. */
    static final int SLOTS_PER_BACKEND = 100;

    private MaglevTable() {
    }

    /**
     * The table size for {@code backends} backends: {@code configured} (a prime) when it is at least
     * {@code 100 * backends}, otherwise the smallest prime at or above {@code 100 * backends}.
     *
     * @throws IllegalArgumentException when that exceeds {@link #MAX_SIZE}
     */
    static int size(int configured, int backends) {
        long needed = (long) SLOTS_PER_BACKEND * backends;
        if (configured >= needed) {
            return configured;
        }
        long m = nextPrime(needed);
        if (m > MAX_SIZE) {
            throw new IllegalArgumentException("maglev: " + backends + " backends need a table of " + m
                    + " slots (100 per backend), more than the largest supported, " + MAX_SIZE);
        }
        return (int) m;
    }

    /**
     * Populates a table of {@code m} slots (prime, at least {@code byId.length}) over the endpoints
     * in id order; entry j is the endpoint that owns slot j.
     */
    static Endpoint[] populate(Endpoint[] byId, int m) {
        int n = byId.length;
        int[] offset = new int[n];
        int[] skip = new int[n];
        for (int i = 0; i < n; i++) {
            String id = byId[i].id();
            offset[i] = Indices.unsignedMod(Hashing.hash64(id, OFFSET_SALT), m);
            skip[i] = Indices.unsignedMod(Hashing.hash64(id, SKIP_SALT), m - 1) + 1;
        }
        return fill(byId, offset, skip, m);
    }

    /**
     * Pseudocode 1 of the paper with weighted turns, given each backend's permutation as
     * {@code (offset, skip)}: backend i prefers slots {@code offset_i, offset_i + skip_i, ...}
     * (mod m). Separate from {@link #populate} so the paper's worked example can be replayed.
     *
     * <p>The turn test {@code k * w_max <= t * w_i} ("round t has room for turn k") is written
     * with multiplications rather than {@code w_i / w_max} so that integer weights, the common
     * case, are compared exactly.
     */
    static Endpoint[] fill(Endpoint[] byId, int[] offset, int[] skip, int m) {
        int n = byId.length;
        int[] next = offset.clone();
        boolean weighted = !Endpoints.equalWeights(byId);
        double wMax = Endpoints.maxWeight(byId);
        long[] turns = new long[n];
        Endpoint[] table = new Endpoint[m];
        int filled = 0;
        for (long round = 1; ; round++) {
            for (int i = 0; i < n; i++) {
                if (weighted && (turns[i] + 1) * wMax > round * byId[i].weight()) {
                    continue;
                }
                int c = next[i];
                while (table[c] != null) {
                    c += skip[i];
                    if (c >= m) {
                        c -= m;
                    }
                }
                table[c] = byId[i];
                c += skip[i];
                next[i] = c >= m ? c - m : c;
                turns[i]++;
                if (++filled == m) {
                    return table;
                }
            }
        }
    }

    /** True when {@code n} is prime (trial division by 2, 3 and 6k +- 1; fine up to 2^31). */
    static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0 || n % 3 == 0) {
            return n == 2 || n == 3;
        }
        for (long d = 5; d * d <= n; d += 6) {
            if (n % d == 0 || n % (d + 2) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The smallest prime at or above {@code n}. */
    static long nextPrime(long n) {
        long p = Math.max(2, n);
        while (!isPrime(p)) {
            p++;
        }
        return p;
    }

    /** The largest prime at or below {@code n}, or 0 if there is none. */
    static long previousPrime(long n) {
        for (long p = n; p >= 2; p--) {
            if (isPrime(p)) {
                return p;
            }
        }
        return 0;
    }
}
