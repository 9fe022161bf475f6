package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.internal.Endpoints;

import java.util.random.RandomGenerator;

/**
 * {@code rendezvous} over a fixed set: score every backend for the key, the highest score wins.
 * Immutable; a pick is O(N) (inherent to rendezvous hashing: every backend must be scored) and
 * allocates nothing.
 *
 * <p>Per backend {@code i}: {@code h_i = Hashing.hash64(id_i, keyHash)}, computed as
 * {@code mix64(idHash_i ^ mixedSalt(keyHash))} with {@code idHash_i} hashed once at build. With
 * equal weights the score is {@code h_i} itself, compared unsigned (the logarithmic score below is
 * increasing in {@code h_i}, so the winner is the same, without a logarithm). With weights,
 * {@code u_i = (top 53 bits of h_i + 0.5) / 2^53} lies strictly inside (0, 1) and the winner
 * minimises {@code -ln(u_i) / w_i}, that is maximises {@code w_i / -ln(u_i)}. Ties (equal
 * 64-bit hashes, or equal scores) go to the lower id.
 */
final class RendezvousPicker implements Picker {
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

    private final Endpoint[] byId;
    private final long[] idHash;
    /** {@code 1 / w_i}, or null when all weights are equal. */
    private final double[] inverseWeight;
    private final RandomGenerator random;

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
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyOf(byId, random);
        }
        long salt = Placement.mixedSalt(ctx.keyHash());
        return byId[inverseWeight == null ? highestHash(salt) : lowestWeightedScore(salt)];
    }

    private int highestHash(long salt) {
        int best = 0;
        long bestHash = Hashing.mix64(idHash[0] ^ salt);
        for (int i = 1; i < idHash.length; i++) {
            long h = Hashing.mix64(idHash[i] ^ salt);
            if (Long.compareUnsigned(h, bestHash) > 0) {
                best = i;
                bestHash = h;
            }
        }
        return best;
    }

    private int lowestWeightedScore(long salt) {
        int best = 0;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int i = 0; i < idHash.length; i++) {
            long h = Hashing.mix64(idHash[i] ^ salt);
            double u = ((h >>> 11) + 0.5) * TWO_POW_MINUS_53;
            double score = -Math.log(u) * inverseWeight[i];
            if (score < bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }
}
