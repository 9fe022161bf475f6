package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.RequestContext;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The conventions every hashing strategy of this package shares: backends are placed by their id
 * (never by list position), a request is placed by {@link RequestContext#keyHash()}, and a request
 * without a key goes to a uniformly random backend.
 */
final class Placement {
    /** The odd constant {@link Hashing#hash64(CharSequence, long)} adds to a salt before mixing it. */
    private static final long SALT_INCREMENT = 0x9e3779b97f4a7c15L;

    private Placement() {
    }

    /**
     * The endpoints in ascending id order. Membership order is whatever the caller gave, so any
     * structure built from list positions would change when only the order changed; sorting by id
     * makes the table a function of the set alone.
     */
    static Endpoint[] sortedById(List<Endpoint> endpoints) {
        Endpoint[] sorted = endpoints.toArray(new Endpoint[0]);
        Arrays.sort(sorted, Comparator.comparing(Endpoint::id));
        return sorted;
    }

    /** True when every endpoint has the same effective weight (the unweighted fast paths). */
    static boolean equalWeights(Endpoint[] endpoints) {
        for (int i = 1; i < endpoints.length; i++) {
            if (endpoints[i].weight() != endpoints[0].weight()) {
                return false;
            }
        }
        return true;
    }

    /** The largest effective weight; 0 for an empty array. */
    static double maxWeight(Endpoint[] endpoints) {
        double max = 0;
        for (Endpoint e : endpoints) {
            max = Math.max(max, e.weight());
        }
        return max;
    }

    /** A request carries a key when it has one; a null context is treated as keyless, never as an error. */
    static boolean hasKey(RequestContext ctx) {
        return ctx != null && ctx.hasKey();
    }

    /** A uniformly random element of a non-empty array: the answer for a request without a key. */
    static Endpoint anyOf(Endpoint[] endpoints, RandomGenerator random) {
        return endpoints[random.nextInt(endpoints.length)];
    }

    /**
     * {@code h mod m} with {@code h} read as an unsigned 64-bit number, for {@code 0 < m < 2^31}.
     *
     * <p>{@link Long#remainderUnsigned} on JDK 17 falls back to {@link java.math.BigInteger} for
     * negative {@code h} (half of all hashes), which allocates on the pick path. Instead: halve
     * {@code h} so it is non-negative, divide signed, double the quotient; the estimate
     * {@code q = 2 * floor((h >>> 1) / m)} is at most one short of the true quotient, so
     * {@code r = h - q * m} lies in {@code [0, 2m)} and one conditional subtraction finishes
     * (Warren, Hacker's Delight, 2nd ed., section 9-3). One 64-bit division, no allocation.
     * Example: h = 2^64 - 1 (the long -1), m = 7: h >>> 1 = 2^63 - 1, which 7 divides, so
     * q = 2 (2^63 - 1) / 7 and q * 7 = 2^64 - 2; r = 1, and indeed 2^64 = 8^21 * 2 = 2 (mod 7).
     */
    static int unsignedMod(long h, int m) {
        long q = ((h >>> 1) / m) << 1;
        long r = h - q * m;
        if (Long.compareUnsigned(r, m) >= 0) {
            r -= m;
        }
        return (int) r;
    }

    /**
     * {@link Hashing#hash64(CharSequence, long) Hashing.hash64(id, salt)} given
     * {@code idHash = Hashing.hash64(id)}, without hashing the id's characters again. Rendezvous
     * hashing scores every backend for every key, so the id's FNV pass is done once at picker build
     * and only the two mixes remain per backend and pick. A test pins this to {@link Hashing}.
     */
    static long saltedHash(long idHash, long salt) {
        return Hashing.mix64(idHash ^ mixedSalt(salt));
    }

    /** The salt half of {@link #saltedHash}, computed once per pick when many ids share one salt. */
    static long mixedSalt(long salt) {
        return Hashing.mix64(salt + SALT_INCREMENT);
    }
}
