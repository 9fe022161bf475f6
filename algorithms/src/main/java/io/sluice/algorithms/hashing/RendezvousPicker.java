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
 * <h2>Weights by group</h2>
 * Within backends of one weight the logarithm is monotonic, so the winner of the group is the
 * backend of highest {@code u}: a scan keeps each group's best (and second best) by the hash
 * alone and takes one logarithm per group, not per backend. Configured weights take few values,
 * so a weighted scan costs about what an unweighted one does; only when every weight differs
 * (slow start ramps them continuously) is it one logarithm per backend again.
 *
 * <h2>Why a cache, and what a miss costs</h2>
 * Scoring is O(N) by nature: the winner depends on every backend's score, and no precomputed
 * structure answers exactly without changing the placement (a lookup table of slots, as Maglev
 * has, moves keys in slot-sized lumps; a hierarchy of groups moves keys of untouched backends
 * when a group's weight changes). At 1000 backends a scan is 1000 hash mixes (about 0.7 us) with
 * equal weights and 1000 logarithms more with unequal ones (several us): far over a pick budget of
 * 100 ns. But a key's answer never changes while the snapshot lives, and IoT keys recur (every
 * device reports again and again), so from {@value #CACHE_FROM} backends up the picker remembers
 * recent answers in a table of {@code 16 N} entries (a power of two between 1024 and 65536), four
 * ways per set, the set chosen by the key hash's low bits: a hit is a few array slots and one
 * small object, O(1), and gives exactly the scan's answer; a miss scans and fills a free way of
 * the set, or replaces one chosen by the hash's high bits. (Direct-mapped, the 1024 keys of the
 * benchmark already left three dozen of them evicting one another on every round.) Each entry
 * also remembers the runner-up, which is a retry's answer when the winner was tried. The
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
    private static final int WAYS = 4;
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;
    private static final long NONE = -1L;

    /** One remembered answer: the key hash, its winner and its runner-up (-1 when there is none). */
    private static final class Answer {
        final long keyHash;
        final int first;
        final int second;

        Answer(long keyHash, int first, int second) {
            this.keyHash = keyHash;
            this.first = first;
            this.second = second;
        }
    }

    private final Endpoint[] byId;
    private final long[] idHash;
    /** Backend indices by distinct weight, ascending within a group; null when all weights are equal. */
    private final int[][] groups;
    /** {@code 1 / w} of each group. */
    private final double[] groupInverseWeight;
    private final RandomGenerator random;
    /** Null below {@link #CACHE_FROM} backends. */
    private final Answer[] cache;
    private final int setMask;

    RendezvousPicker(Endpoint[] byId, RandomGenerator random) {
        this.byId = byId;
        this.random = random;
        this.idHash = new long[byId.length];
        for (int i = 0; i < byId.length; i++) {
            idHash[i] = Hashing.hash64(byId[i].id());
        }
        if (Endpoints.equalWeights(byId)) {
            this.groups = null;
            this.groupInverseWeight = null;
        } else {
            java.util.TreeMap<Double, java.util.List<Integer>> byWeight = new java.util.TreeMap<>();
            for (int i = 0; i < byId.length; i++) {
                byWeight.computeIfAbsent(byId[i].weight(), w -> new java.util.ArrayList<>()).add(i);
            }
            this.groups = new int[byWeight.size()][];
            this.groupInverseWeight = new double[byWeight.size()];
            int g = 0;
            for (java.util.Map.Entry<Double, java.util.List<Integer>> e : byWeight.entrySet()) {
                groups[g] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
                groupInverseWeight[g] = 1.0 / e.getKey();
                g++;
            }
        }
        if (byId.length >= CACHE_FROM) {
            int size = Integer.highestOneBit(Math.min(MAX_CACHE, Math.max(MIN_CACHE, 16 * byId.length)) - 1) << 1;
            this.cache = new Answer[size];
            this.setMask = (size - 1) & ~(WAYS - 1);
        } else {
            this.cache = null;
            this.setMask = 0;
        }
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyOf(byId, random);
        }
        long keyHash = ctx.keyHash();
        if (cache == null) {
            return byId[first(scan(keyHash, Tried.NONE))];
        }
        return byId[answer(keyHash).first];
    }

    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        if (tried.isEmpty()) {
            return pick(ctx);
        }
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyUntried(byId, tried, random);
        }
        long keyHash = ctx.keyHash();
        if (cache != null) {
            // The best untried is the winner if untried, else the runner-up if untried.
            Answer a = answer(keyHash);
            if (!tried.contains(byId[a.first])) {
                return byId[a.first];
            }
            if (a.second >= 0 && !tried.contains(byId[a.second])) {
                return byId[a.second];
            }
        }
        int w = first(scan(keyHash, tried));
        return w < 0 ? null : byId[w];
    }

    /** The cached answer for {@code keyHash}, scanning and caching it on a miss. */
    private Answer answer(long keyHash) {
        int set = (int) keyHash & setMask;
        Answer[] c = cache;
        for (int way = 0; way < WAYS; way++) {
            Answer a = c[set + way];
            if (a == null) {
                break; // ways fill in order, so the key is not further on
            }
            if (a.keyHash == keyHash) {
                return a;
            }
        }
        long both = scan(keyHash, Tried.NONE);
        Answer fresh = new Answer(keyHash, first(both), second(both));
        int way = 0;
        while (way < WAYS && c[set + way] != null) {
            way++;
        }
        c[set + (way < WAYS ? way : (int) (keyHash >>> 40) & (WAYS - 1))] = fresh;
        return fresh;
    }

    private static int first(long both) {
        return (int) (both >> 32);
    }

    private static int second(long both) {
        return (int) both;
    }

    private static long both(int first, int second) {
        return ((long) first << 32) | (second & 0xFFFF_FFFFL);
    }

    /**
     * The winner and runner-up among the backends not in {@code tried}, packed as
     * {@code first << 32 | second} (each -1 when missing).
     */
    private long scan(long keyHash, Tried tried) {
        long salt = Placement.mixedSalt(keyHash);
        return groups == null ? highestHashes(salt, tried) : lowestWeightedScores(salt, tried);
    }

    /** Equal weights: the two largest hashes, compared unsigned; ties to the lower id. */
    private long highestHashes(long salt, Tried tried) {
        int best = -1;
        int next = -1;
        long bestHash = 0;
        long nextHash = 0;
        boolean excluding = !tried.isEmpty();
        for (int i = 0; i < idHash.length; i++) {
            if (excluding && tried.contains(byId[i])) {
                continue;
            }
            long h = Hashing.mix64(idHash[i] ^ salt);
            if (best < 0 || Long.compareUnsigned(h, bestHash) > 0) {
                next = best;
                nextHash = bestHash;
                best = i;
                bestHash = h;
            } else if (next < 0 || Long.compareUnsigned(h, nextHash) > 0) {
                next = i;
                nextHash = h;
            }
        }
        return both(best, next);
    }

    /**
     * Unequal weights: in each weight group the two largest {@code u} (by their 53 bits, ties to
     * the lower id), then the lowest {@code -ln(u) / w} over those, ties to the lower id.
     */
    private long lowestWeightedScores(long salt, Tried tried) {
        int best = -1;
        int next = -1;
        double bestScore = Double.POSITIVE_INFINITY;
        double nextScore = Double.POSITIVE_INFINITY;
        boolean excluding = !tried.isEmpty();
        for (int g = 0; g < groups.length; g++) {
            int[] members = groups[g];
            int top = -1;
            int runner = -1;
            long topU = -1;
            long runnerU = -1;
            for (int i : members) {
                if (excluding && tried.contains(byId[i])) {
                    continue;
                }
                long u = Hashing.mix64(idHash[i] ^ salt) >>> 11;
                if (u > topU) {
                    runner = top;
                    runnerU = topU;
                    top = i;
                    topU = u;
                } else if (u > runnerU) {
                    runner = i;
                    runnerU = u;
                }
            }
            for (int k = 0; k < 2; k++) {
                int i = k == 0 ? top : runner;
                if (i < 0) {
                    break;
                }
                double score = -Math.log(((k == 0 ? topU : runnerU) + 0.5) * TWO_POW_MINUS_53) * groupInverseWeight[g];
                if (best < 0 || score < bestScore || (score == bestScore && i < best)) {
                    next = best;
                    nextScore = bestScore;
                    best = i;
                    bestScore = score;
                } else if (next < 0 || score < nextScore || (score == nextScore && i < next)) {
                    next = i;
                    nextScore = score;
                }
            }
        }
        return both(best, next);
    }
}
