package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyRegistry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RingHashTest {
    /** Recorded from this implementation after matchesABruteForceRing passed. */
    private static final String[] GOLDEN = {
        "b-1003", "b-1000", "b-1001", "b-1000", "b-1000", "b-1000", "b-1002", "b-1003"};
    private static final long OWNER_MASK = (1L << HashRing.OWNER_BITS) - 1;
    private final Environment env = Clusters.env(1);

    /** The Javadoc's example: P = 1024 and weights 1, 2, 4 give 256, 512 and 1024 points. */
    @Test
    void virtualNodesAreProportionalToWeight() {
        Endpoint[] byId = Placement.sortedById(Clusters.weighted("b", new int[] {1, 2, 4}, env));
        assertThat(HashRing.pointCounts(byId, 1024, 8_388_608)).containsExactly(256, 512, 1024);
        assertThat(HashRing.build(byId, 1024, 8_388_608).size()).isEqualTo(1792);
    }

    @Test
    void equalWeightsGiveEveryBackendMinRingSizePoints() {
        Endpoint[] byId = Placement.sortedById(Clusters.equal("b", 10, env));
        HashRing ring = HashRing.build(byId, 1024, 8_388_608);
        assertThat(ring.size()).isEqualTo(10 * 1024);
        assertThat(ring.pointsPerOwner(10)).containsOnly(1024);
    }

    @Test
    void maxRingSizeScalesEveryCountDown() {
        Endpoint[] byId = Placement.sortedById(Clusters.weighted("b", new int[] {1, 1, 2, 4}, env));
        int[] counts = HashRing.pointCounts(byId, 1024, 1000);
        assertThat(Arrays.stream(counts).sum()).isLessThanOrEqualTo(1000).isGreaterThan(990);
        // Still in proportion to weight after the scaling, up to rounding.
        assertThat(counts[3]).isCloseTo(2 * counts[2], within(1));
        assertThat(counts[2]).isCloseTo(2 * counts[0], within(1));
    }

    @Test
    void everyBackendKeepsOnePointEvenAboveMaxRingSize() {
        Endpoint[] byId = Placement.sortedById(Clusters.equal("b", 20, env));
        assertThat(HashRing.pointCounts(byId, 1024, 5)).containsOnly(1);
    }

    /**
     * Golden case by hand: with min-ring-size 1 each backend has exactly one point, at the top 40
     * bits of {@code Hashing.hash64(id, 0)}. A key whose hash is a point belongs to that point's
     * backend; one position past it belongs to the next point clockwise; past the last point it
     * wraps to the first.
     */
    @Test
    void keyGoesToTheFirstPointAtOrAfterItsHashWrapping() {
        List<Endpoint> list = Clusters.equal("b", 3, env);
        Picker p = Clusters.picker(ringHash(1, 1024), list);
        long[] pos = new long[3];
        for (int i = 0; i < 3; i++) {
            pos[i] = Hashing.hash64(list.get(i).id(), 0) & ~OWNER_MASK;
        }
        Integer[] order = {0, 1, 2};
        Arrays.sort(order, (a, b) -> Long.compare(pos[a], pos[b]));
        long step = OWNER_MASK + 1;
        for (int k = 0; k < 3; k++) {
            int here = order[k];
            int nextClockwise = order[(k + 1) % 3];
            assertThat(pick(p, pos[here])).isEqualTo(list.get(here).id());
            assertThat(pick(p, pos[here] - step + 1)).isEqualTo(list.get(here).id());
            assertThat(pick(p, pos[here] + step)).isEqualTo(list.get(nextClockwise).id());
        }
        // Beyond the largest point (in signed order) the search wraps to the smallest one.
        if (pos[order[2]] != Long.MAX_VALUE - OWNER_MASK) {
            assertThat(pick(p, Long.MAX_VALUE)).isEqualTo(list.get(order[0]).id());
        }
    }

    /**
     * The picker against a brute-force reading of the documented algorithm: every point of every
     * backend, the key goes to the point with the smallest clockwise distance (unsigned) from the
     * key's position, ties to the lower id.
     */
    @Test
    void matchesABruteForceRing() {
        List<Endpoint> list = Clusters.weighted("node", new int[] {3, 1, 2, 5, 1}, env);
        Picker p = Clusters.picker(ringHash(64, 1 << 20), list);
        Endpoint[] byId = Placement.sortedById(list);
        int[] counts = HashRing.pointCounts(byId, 64, 1 << 20);
        for (RequestContext key : Clusters.keys(3000)) {
            long keyPos = key.keyHash() & ~OWNER_MASK;
            String best = null;
            long bestDistance = 0;
            for (int i = 0; i < byId.length; i++) {
                for (int r = 0; r < counts[i]; r++) {
                    long distance = (Hashing.hash64(byId[i].id(), r) & ~OWNER_MASK) - keyPos;
                    if (best == null || Long.compareUnsigned(distance, bestDistance) < 0) {
                        best = byId[i].id();
                        bestDistance = distance;
                    }
                }
            }
            assertThat(p.pick(key).id()).as("key %s", key).isEqualTo(best);
        }
    }

    /** Pins a few mappings so an accidental change of hashing or placement shows up in review. */
    @Test
    void goldenMappings() {
        Picker p = Clusters.picker(ringHash(1024, 8_388_608), Clusters.equal("b", 4, env));
        String[] got = Clusters.assign(p, Clusters.keys(8));
        assertThat(got).containsExactly(GOLDEN);
    }


    @Test
    void minAboveMaxIsRefused() {
        assertThatThrownBy(() -> StrategyRegistry.standard().create("ring-hash",
                Map.of("min-ring-size", 4096, "max-ring-size", 1024), env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min-ring-size (4096) must not exceed max-ring-size (1024)");
    }

    @Test
    void sizesOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> StrategyRegistry.standard().create("ring-hash", Map.of("min-ring-size", 0), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min-ring-size");
        assertThatThrownBy(() -> StrategyRegistry.standard().create("ring-hash",
                Map.of("max-ring-size", 8_388_609), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-ring-size");
    }

    private Strategy ringHash(long min, long max) {
        return Clusters.strategy("ring-hash", Map.of("min-ring-size", min, "max-ring-size", max), env);
    }

    private static String pick(Picker p, long hash) {
        return p.pick(RequestContext.ofHash("k", hash)).id();
    }
}
