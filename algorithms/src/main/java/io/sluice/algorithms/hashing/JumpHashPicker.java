package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * {@code jump-hash} over a fixed set. Immutable; a pick is {@link #bucket} (about {@code ln N}
 * rounds of a multiply and a floating division, 5 for 100 backends) and an array load, with no
 * allocation.
 *
 * <p>Buckets are the set's members sorted by id, unavailable ones included as holes. A key whose
 * bucket is a hole is rehashed ({@code k' = mix64(k + REHASH_INCREMENT)}) and jumped again over
 * the same buckets, up to {@value #MAX_REHASHES} times; each retry is uniform over all buckets, so
 * conditioned on landing on an available one it is uniform over the available ones. Keys on
 * available buckets never notice holes, which makes health changes minimally disruptive: when a
 * backend becomes unavailable only its keys move, and they spread evenly. Should every retry hit a
 * hole (probability {@code (1 - a)^16} with a fraction {@code a} available, about 1e-5 at a = 0.5),
 * the key jumps over the available backends alone, which is uniform but not stable.
 *
 * <p>A retry treats tried backends as holes too: the key's rehash sequence, the same on every
 * proxy, continues to the first untried available bucket; should all rehashes miss, it jumps over
 * the untried available backends alone.
 */
final class JumpHashPicker implements Picker {
    /** Retries over the member buckets before jumping over the available ones alone. */
    static final int MAX_REHASHES = 16;

    private static final long REHASH_INCREMENT = 0x9e3779b97f4a7c15L;
    /** The 64-bit LCG multiplier of Lamping and Veach's reference code. */
    private static final long MULTIPLIER = 2862933555777941757L;
    private static final double TWO_POW_31 = 2147483648.0;

    /** Members in id order; null where the member is not available. */
    private final Endpoint[] buckets;
    private final boolean noHoles;
    private final Endpoint[] available;
    private final RandomGenerator random;

    private JumpHashPicker(Endpoint[] buckets, Endpoint[] available, RandomGenerator random) {
        this.buckets = buckets;
        this.available = available;
        this.random = random;
        boolean full = true;
        for (Endpoint b : buckets) {
            full &= b != null;
        }
        this.noHoles = full;
    }

    /**
     * @param available the available endpoints sorted by id (at least one)
     * @param endpoints the set, whose other members become holes
     */
    static JumpHashPicker over(Endpoint[] available, EndpointSet endpoints, RandomGenerator random) {
        Map<String, Endpoint> availableById = new HashMap<>();
        for (Endpoint e : available) {
            availableById.put(e.id(), e);
        }
        TreeSet<String> memberIds = new TreeSet<>(availableById.keySet());
        List<Endpoint> all = endpoints.all();
        for (Endpoint e : all) {
            memberIds.add(e.id());
        }
        Endpoint[] buckets = new Endpoint[memberIds.size()];
        int i = 0;
        for (String id : memberIds) {
            buckets[i++] = availableById.get(id);
        }
        return new JumpHashPicker(buckets, available, random);
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyOf(available, random);
        }
        long key = ctx.keyHash();
        Endpoint e = buckets[bucket(key, buckets.length)];
        if (e != null || noHoles) {
            return e;
        }
        for (int attempt = 0; attempt < MAX_REHASHES; attempt++) {
            key = Hashing.mix64(key + REHASH_INCREMENT);
            e = buckets[bucket(key, buckets.length)];
            if (e != null) {
                return e;
            }
        }
        return available[bucket(ctx.keyHash(), available.length)];
    }

    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        if (tried.isEmpty()) {
            return pick(ctx);
        }
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyUntried(available, tried, random);
        }
        if (Endpoints.allTried(available, tried)) {
            return null;
        }
        long key = ctx.keyHash();
        Endpoint e = buckets[bucket(key, buckets.length)];
        for (int attempt = 0; attempt < MAX_REHASHES && (e == null || tried.contains(e)); attempt++) {
            key = Hashing.mix64(key + REHASH_INCREMENT);
            e = buckets[bucket(key, buckets.length)];
        }
        if (e != null && !tried.contains(e)) {
            return e;
        }
        int left = 0;
        Endpoint[] untried = new Endpoint[available.length];
        for (Endpoint a : available) {
            if (!tried.contains(a)) {
                untried[left++] = a;
            }
        }
        return untried[bucket(ctx.keyHash(), left)];
    }

    /**
     * Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
     * 2014): the bucket in {@code [0, buckets)} of {@code key}.
     *
     * <p>Follow the key as the bucket count grows from 1: going from n to n + 1 buckets, a key moves
     * to the new bucket n with probability {@code 1/(n+1)} and otherwise stays put. Rather than
     * test every n, draw from a 64-bit LCG stepped from the key the next n at which the key jumps:
     * with {@code r} uniform in (0, 1], the key, sitting in bucket b, next jumps at
     * {@code j = floor((b + 1) / r)}; {@code r} is the LCG's top 31 bits plus one over 2^31. The
     * loop ends at the first jump beyond the bucket count, after about {@code ln(buckets)} rounds.
     * The arithmetic (multiplier, shift, order of the floating operations) is the paper's, so the
     * results match its reference code; the tests check the reference code's published outputs.
     *
     * @param buckets at least 1
     */
    static int bucket(long key, int buckets) {
        long b = 0;
        while (true) {
            key = key * MULTIPLIER + 1;
            double j = (b + 1) * (TWO_POW_31 / (double) ((key >>> 33) + 1));
            // The reference truncates j to an integer and loops while it is below the bucket count;
            // for j >= 0 "floor(j) < buckets" is "j < buckets", so the conversion waits until the
            // loop continues.
            if (j >= buckets) {
                return (int) b;
            }
            b = (long) j;
        }
    }
}
