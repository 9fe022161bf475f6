package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RendezvousTest {
    private final Environment env = Clusters.env(1);

    /** Equal weights: the backend with the largest unsigned {@code Hashing.hash64(id, keyHash)} wins. */
    @Test
    void equalWeightsPickTheHighestHash() {
        List<Endpoint> list = Clusters.equal("b", 9, env);
        Picker p = Clusters.picker(Clusters.strategy("rendezvous", env), list);
        for (RequestContext key : Clusters.keys(3000)) {
            Endpoint best = null;
            long bestHash = 0;
            for (Endpoint e : list) {
                long h = Hashing.hash64(e.id(), key.keyHash());
                if (best == null || Long.compareUnsigned(h, bestHash) > 0) {
                    best = e;
                    bestHash = h;
                }
            }
            assertThat(p.pick(key)).isSameAs(best);
        }
    }

    /** Weighted: the highest {@code w / -ln(u)}, u = (top 53 bits of the hash + 0.5) / 2^53. */
    @Test
    void weightedPicksTheHighestLogarithmicScore() {
        List<Endpoint> list = Clusters.weighted("b", new int[] {1, 5, 2, 9, 3}, env);
        Picker p = Clusters.picker(Clusters.strategy("rendezvous", env), list);
        for (RequestContext key : Clusters.keys(3000)) {
            Endpoint best = null;
            double bestScore = -1;
            for (Endpoint e : list) {
                long h = Hashing.hash64(e.id(), key.keyHash());
                double u = ((h >>> 11) + 0.5) / 9007199254740992.0;
                double score = e.weight() / -Math.log(u);
                if (score > bestScore) {
                    best = e;
                    bestScore = score;
                }
            }
            assertThat(p.pick(key)).isSameAs(best);
        }
    }

    /**
     * The provider's example: weights 1 and 3 give shares 1/4 and 3/4. 50 000 keys: sigma =
     * sqrt(0.25 * 0.75 / 50 000) = 0.0019, tolerance 5 sigma = 0.0097.
     */
    @Test
    void weightsOneAndThreeGiveAQuarterAndThreeQuarters() {
        Picker p = Clusters.picker(Clusters.strategy("rendezvous", env),
                Clusters.weighted("b", new int[] {1, 3}, env));
        Map<String, Integer> counts = new HashMap<>();
        for (String id : Clusters.assign(p, Clusters.keys(50_000))) {
            counts.merge(id, 1, Integer::sum);
        }
        assertThat(counts.get("b-1000") / 50_000.0).isCloseTo(0.25, within(0.0097));
        assertThat(counts.get("b-1001") / 50_000.0).isCloseTo(0.75, within(0.0097));
    }

    /** Pins a few mappings so an accidental change of hashing or placement shows up in review. */
    @Test
    void goldenMappings() {
        Picker p = Clusters.picker(Clusters.strategy("rendezvous", env), Clusters.equal("b", 4, env));
        // Recorded from this implementation after the two brute-force tests passed.
        assertThat(Clusters.assign(p, Clusters.keys(8)))
                .containsExactly("b-1003", "b-1000", "b-1002", "b-1000", "b-1000", "b-1001", "b-1002", "b-1001");
    }

    /** The answer rendezvous hashing gives, by brute force over every backend. */
    private static Endpoint highestRandomWeight(List<Endpoint> list, long keyHash) {
        Endpoint best = null;
        double bestScore = 0;
        for (Endpoint e : list) {
            long h = Hashing.hash64(e.id(), keyHash);
            double u = ((h >>> 11) + 0.5) * 0x1.0p-53;
            double score = e.weight() / -Math.log(u);
            if (best == null || score > bestScore || (score == bestScore && e.id().compareTo(best.id()) < 0)) {
                best = e;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * From 16 backends the picker caches answers: a key asked again (a cache hit), keys that share
     * a cache slot asked in turn (each evicting the other), all answer exactly what the scan
     * answers, with equal and with unequal weights.
     */
    @Test
    void cachedAnswersAreTheScansAnswers() {
        int[] weights = new int[40];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1 + i % 7;
        }
        for (List<Endpoint> list : List.of(Clusters.equal("b", 40, env), Clusters.weighted("w", weights, env))) {
            Picker p = Clusters.picker(Clusters.strategy("rendezvous", env), list);
            RequestContext[] keys = Clusters.keys(3000);
            for (int round = 0; round < 3; round++) {
                for (RequestContext key : keys) {
                    assertThat(p.pick(key)).isSameAs(highestRandomWeight(list, key.keyHash()));
                }
            }
            // Two hashes that share every low bit (and so a cache slot) but differ above: alternate.
            long a = 0x0123_4567_0000_0042L;
            long b = 0x7654_3210_0000_0042L;
            for (int k = 0; k < 10; k++) {
                long h = k % 2 == 0 ? a : b;
                assertThat(p.pick(RequestContext.ofHash("k" + k, h))).isSameAs(highestRandomWeight(list, h));
            }
        }
    }

    /**
     * A retry takes the key's next backend in rendezvous order: without its winner, the runner-up
     * (remembered beside the winner in the cache); without both, the third. Checked against the
     * brute-force ranking, with equal and unequal weights, over and under the cache threshold.
     */
    @Test
    void retriesFollowTheRendezvousOrder() {
        int[] weights = new int[40];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1 + i % 7;
        }
        for (List<Endpoint> list : List.of(Clusters.equal("b", 40, env), Clusters.weighted("w", weights, env),
                Clusters.equal("s", 7, env))) {
            Picker p = Clusters.picker(Clusters.strategy("rendezvous", env), list);
            for (RequestContext key : Clusters.keys(500)) {
                List<Endpoint> ranked = new java.util.ArrayList<>(list);
                Endpoint first = highestRandomWeight(ranked, key.keyHash());
                ranked.remove(first);
                Endpoint second = highestRandomWeight(ranked, key.keyHash());
                ranked.remove(second);
                Endpoint third = highestRandomWeight(ranked, key.keyHash());
                p.pick(key); // cache it
                io.sluice.algorithms.Tried tried = io.sluice.algorithms.Tried.of(first);
                assertThat(p.pick(key, tried)).isSameAs(second);
                assertThat(p.pick(key, tried.with(second))).isSameAs(third);
                assertThat(p.pick(key, io.sluice.algorithms.Tried.of(second))).isSameAs(first);
            }
        }
    }
}
