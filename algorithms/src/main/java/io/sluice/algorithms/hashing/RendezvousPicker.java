package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;

import java.util.random.RandomGenerator;

/**
 * {@code rendezvous} over a fixed set: score every backend for the key, the highest score wins.
 * Immutable but for a cache of recent answers; allocates only on a cache miss.
 *
 * <p>Per backend {@code i}: {@code h_i = Hashing.hash64(id_i, keyHash)}, computed as
 * {@code mix64(idHash_i ^ mixedSalt(keyHash))} with {@code idHash_i} hashed once at build. With
 * equal weights the score is {@code h_i} itself, compared unsigned (the logarithmic score below is
 * increasing in {@code h_i}, so the winner is the same, without a logarithm). With weights,
 * {@code u_i = (top 53 bits of h_i + 0.5) / 2^53} lies strictly inside (0, 1) and the winner
 * minimises {@code -ln(u_i) / w_i}, that is maximises {@code w_i / -ln(u_i)}. Ties (equal
 * 64-bit hashes, or equal scores) go to the lower id.
 *
 * <h2>Why a cache, and what a miss costs</h2>
 * Scoring is O(N) by nature: the winner depends on every backend's score, and no precomputed
 * structure answers exactly without changing the placement (a lookup table of slots, as Maglev
 * has, moves keys in slot-sized lumps; a hierarchy of groups moves keys of untouched backends
 * when a group's weight changes). At 1000 backends a scan is 1000 hash mixes (about 0.7 us) with
 * equal weights and 1000 logarithms more with unequal ones (several us): far over a pick budget of
 * 100 ns. But a key's answer never changes while the snapshot lives, and IoT keys recur (every
 * device reports again and again), so from {@value #CACHE_FROM} backends up the picker remembers
 * recent answers in a direct-mapped table of {@code 16 N} entries (a power of two between 1024
 * and 65536), indexed by the key hash's low bits: a hit is one array slot and one small object,
 * O(1), and gives exactly the scan's answer; a miss scans and replaces the slot's entry. The
 * entries are immutable objects published through the array (their fields are final), so threads
 * share the table without locks and a racing reader sees either the old entry or the new one,
 * both correct for their own key. A rebuild starts with an empty table, so a membership change
 * can never serve a stale answer. Memory: 4 bytes a slot plus 24 per remembered key, 1.8 MiB at
 * most (N = 1000: 16384 slots).
 *
 * <p>A retry ({@link #pick(RequestContext, Tried)}) scans for the highest-scoring untried backend,
 * the key's next choice in rendezvous order, without the cache.
 */
final class RendezvousPicker implements Picker {
    /** Backends from which the picker keeps a cache of answers; below, a scan costs little. */
    static final int CACHE_FROM = 16;
    private static final int MIN_CACHE = 1024;
    private static final int MAX_CACHE = 65536;
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

    /** One remembered answer: the key hash and the index of its winner. */
    private static final class Answer {
        final long keyHash;
        final int winner;

        Answer(long keyHash, int winner) {
            this.keyHash = keyHash;
            this.winner = winner;
        }
    }

    private final Endpoint[] byId;
    private final long[] idHash;
    /** {@code 1 / w_i}, or null when all weights are equal. */
    private final double[] inverseWeight;
    private final RandomGenerator random;
    /** Null below {@link #CACHE_FROM} backends. */
    private final Answer[] cache;
    private final int cacheMask;

    RendezvousPicker(Endpoint[] byId, RandomGenerator random) {
        this.byId = byId;
        this.random = random;
        this.idHash = new long[byId.length];
        for (int i = 0; i < byId.length; i++) {
            idHash[i] = Hashing.hash64(byId[i].id());
        }
        if (Endpoints.equalWeights(byId)) {
            this.inverseWeight = null;
        } else {
            this.inverseWeight = new double[byId.length];
            for (int i = 0; i < byId.length; i++) {
                inverseWeight[i] = 1.0 / byId[i].weight();
            }
        }
        if (byId.length >= CACHE_FROM) {
            int size = Integer.highestOneBit(Math.min(MAX_CACHE, Math.max(MIN_CACHE, 16 * byId.length)) - 1) << 1;
            this.cache = new Answer[size];
            this.cacheMask = size - 1;
        } else {
            this.cache = null;
            this.cacheMask = 0;
        }
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyOf(byId, random);
        }
        long keyHash = ctx.keyHash();
        if (cache == null) {
            return byId[winner(keyHash, Tried.NONE)];
        }
        int slot = (int) keyHash & cacheMask;
        Answer a = cache[slot];
        if (a != null && a.keyHash == keyHash) {
            return byId[a.winner];
        }
        int w = winner(keyHash, Tried.NONE);
        cache[slot] = new Answer(keyHash, w);
        return byId[w];
    }

    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        if (tried.isEmpty()) {
            return pick(ctx);
        }
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyUntried(byId, tried, random);
        }
        int w = winner(ctx.keyHash(), tried);
        return w < 0 ? null : byId[w];
    }

    /** The highest-scoring backend not in {@code tried}, -1 when every one was tried. */
    private int winner(long keyHash, Tried tried) {
        long salt = Placement.mixedSalt(keyHash);
        return inverseWeight == null ? highestHash(salt, tried) : lowestWeightedScore(salt, tried);
    }

    private int highestHash(long salt, Tried tried) {
        int best = -1;
        long bestHash = 0;
        boolean excluding = !tried.isEmpty();
        for (int i = 0; i < idHash.length; i++) {
            long h = Hashing.mix64(idHash[i] ^ salt);
            if ((best < 0 || Long.compareUnsigned(h, bestHash) > 0) && !(excluding && tried.contains(byId[i]))) {
                best = i;
                bestHash = h;
            }
        }
        return best;
    }

    private int lowestWeightedScore(long salt, Tried tried) {
        int best = -1;
        double bestScore = Double.POSITIVE_INFINITY;
        boolean excluding = !tried.isEmpty();
        for (int i = 0; i < idHash.length; i++) {
            long h = Hashing.mix64(idHash[i] ^ salt);
            double u = ((h >>> 11) + 0.5) * TWO_POW_MINUS_53;
            double score = -Math.log(u) * inverseWeight[i];
            if ((best < 0 || score < bestScore) && !(excluding && tried.contains(byId[i]))) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }
}
