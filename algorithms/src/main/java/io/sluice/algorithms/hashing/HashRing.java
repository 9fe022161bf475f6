package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.internal.Endpoints;

import java.util.Arrays;

/**
 * A consistent-hash ring (Karger et al., STOC 1997; the "ketama" ring of libmemcached and Envoy's
 * {@code RING_HASH}): each backend is placed at many pseudo-random points of the 64-bit circle, and
 * a key belongs to the first point at or after the key's hash, wrapping past the end. Immutable and
 * safe to read from any thread; shared by {@code ring-hash} and {@code bounded-load}.
 *
 * <h2>Virtual nodes</h2>
 * Backend {@code i} (owners are indices into the id-sorted endpoint array) gets
 * <pre>
 *   n_i = max(1, round(P * w_i / w_max))        P = points of the heaviest backend
 * </pre>
 * points, at positions {@code Hashing.hash64(id_i, r)} for replica {@code r = 0 .. n_i - 1}. The
 * builder asks for {@code P = min-ring-size}, so the ring has at least min-ring-size points (the
 * heaviest backend alone has that many) and, with N equal weights, exactly {@code N * P}.
 * Example: P = 1024, weights a=1, b=2, c=4: n = 256, 512, 1024, a ring of 1792 points.
 *
 * <p>Why per-backend counts that do not depend on N: Envoy scales its ring to about
 * min-ring-size points in total, so every join or leave changes every backend's count and moves
 * keys between backends that did not change. Here a backend's points depend only on its id and
 * its weight relative to the heaviest: with equal weights, adding or removing a backend adds or
 * removes exactly its own points and nothing else, which is what makes the ring minimally
 * disruptive (the property tests check removal moves only the removed backend's keys, exactly).
 * The price is memory growing with N: 8 bytes a point, 800 KiB for 100 equal backends at the
 * default, and a build that hashes and sorts every point. If {@code sum n_i} would exceed
 * max-ring-size, P is scaled down until it fits; such a ring is no longer minimally disruptive
 * across changes that move the scale (every backend keeps at least one point, even if that makes
 * the ring larger than the maximum). Weights matter only relative to the heaviest, so a change of
 * the heaviest backend's weight (or a new heaviest backend) rescales every count.
 *
 * <h2>Encoding</h2>
 * A point is one {@code long}: the top {@value #POSITION_BITS} bits of its hash, then the owner
 * index in the low {@value #OWNER_BITS} bits. One sorted array holds both, so a lookup is a single
 * binary search with no second array to touch, and equal positions (two backends hashing to the same
 * 40-bit position, which at 8 million points happens a few dozen times) are ordered by owner index,
 * that is by id, whatever the input order. A key is compared by its top 40 bits with zero owner
 * bits, so "first point at or after the key" is the first encoded entry {@code >=} the key.
 *
 * <p>Entries are sorted as signed longs. That cuts the circle at 2^63 instead of at 0, which does
 * not change the circular successor of any position: the answer is the same as an unsigned ring's.
 */
final class HashRing {
    /** Low bits of a point that hold the owner index. */
    static final int OWNER_BITS = 24;
    /** High bits of a point that hold its position on the circle. */
    static final int POSITION_BITS = 64 - OWNER_BITS;
    /** The most backends one ring can hold. */
    static final int MAX_OWNERS = 1 << OWNER_BITS;

    private static final long OWNER_MASK = MAX_OWNERS - 1L;

    private final long[] points;

    private HashRing(long[] points) {
        this.points = points;
    }

    /**
     * Builds the ring over {@code byId} (non-empty, sorted by id, at most {@link #MAX_OWNERS}).
     *
     * @param heaviestPoints points of the heaviest backend (min-ring-size), at least 1
     * @param maxPoints      cap on the total (max-ring-size), at least 1
     */
    static HashRing build(Endpoint[] byId, long heaviestPoints, long maxPoints) {
        if (byId.length > MAX_OWNERS) {
            throw new IllegalArgumentException("a hash ring holds at most " + MAX_OWNERS + " backends, got "
                    + byId.length);
        }
        int[] counts = pointCounts(byId, heaviestPoints, maxPoints);
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] points = new long[Math.toIntExact(total)];
        int k = 0;
        for (int owner = 0; owner < byId.length; owner++) {
            String id = byId[owner].id();
            for (int r = 0; r < counts[owner]; r++) {
                points[k++] = (Hashing.hash64(id, r) & ~OWNER_MASK) | owner;
            }
        }
        Arrays.sort(points);
        return new HashRing(points);
    }

    /**
     * {@code n_i = max(1, round(p * w_i / w_max))}, starting from {@code p = heaviestPoints} and
     * shrinking {@code p} in proportion while the total exceeds {@code maxPoints}. Each shrink
     * multiplies p by at most {@code maxPoints / total < 1}; it stops once every count is 1.
     */
    static int[] pointCounts(Endpoint[] byId, long heaviestPoints, long maxPoints) {
        double wMax = Endpoints.maxWeight(byId);
        double p = heaviestPoints;
        int[] counts = new int[byId.length];
        while (true) {
            long total = 0;
            boolean allOne = true;
            for (int i = 0; i < byId.length; i++) {
                long n = Math.max(1L, Math.round(p * byId[i].weight() / wMax));
                counts[i] = (int) Math.min(n, Integer.MAX_VALUE);
                total += counts[i];
                allOne &= counts[i] == 1;
            }
            if (total <= maxPoints || allOne) {
                return counts;
            }
            // The rounding can keep the total a little above the target after an exact rescale,
            // hence the extra 0.1 % step down.
            p *= Math.min(0.999, (double) maxPoints / total);
        }
    }

    /** Number of points on the ring. */
    int size() {
        return points.length;
    }

    /** The index of the first point at or after {@code keyHash} on the circle (wrapping to 0). */
    int indexOf(long keyHash) {
        int i = Arrays.binarySearch(points, keyHash & ~OWNER_MASK);
        if (i < 0) {
            i = -i - 1;
            if (i == points.length) {
                i = 0;
            }
        }
        return i;
    }

    /** The point after {@code index}, wrapping. */
    int next(int index) {
        int n = index + 1;
        return n == points.length ? 0 : n;
    }

    /** The owner (index into the id-sorted endpoints) of the point at {@code index}. */
    int ownerAt(int index) {
        return (int) (points[index] & OWNER_MASK);
    }

    /** The owner of the first point at or after {@code keyHash}. */
    int ownerOf(long keyHash) {
        return ownerAt(indexOf(keyHash));
    }

    /** How many points each owner holds (tests and diagnostics). */
    int[] pointsPerOwner(int owners) {
        int[] counts = new int[owners];
        for (long p : points) {
            counts[(int) (p & OWNER_MASK)]++;
        }
        return counts;
    }
}
