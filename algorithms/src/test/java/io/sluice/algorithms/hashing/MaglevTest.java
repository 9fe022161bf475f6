package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MaglevTest {
    private final Environment env = Clusters.env(1);

    /**
     * The worked example of the paper (section 3.4, Table 1): M = 7, backends B1, B2, B3 with
     * (offset, skip) = (3, 4), (0, 2), (3, 1). Before: B2 B1 B2 B1 B3 B3 B1. After removing B2:
     * B1 B1 B1 B1 B3 B3 B3, where besides B2's slots only the last one changed.
     */
    @Test
    void replaysThePapersTable1() {
        Endpoint b1 = Clusters.endpoint("B1", 1, env);
        Endpoint b2 = Clusters.endpoint("B2", 1, env);
        Endpoint b3 = Clusters.endpoint("B3", 1, env);
        Endpoint[] before = MaglevTable.fill(new Endpoint[] {b1, b2, b3}, new int[] {3, 0, 3}, new int[] {4, 2, 1}, 7);
        assertThat(before).containsExactly(b2, b1, b2, b1, b3, b3, b1);
        Endpoint[] after = MaglevTable.fill(new Endpoint[] {b1, b3}, new int[] {3, 3}, new int[] {4, 1}, 7);
        assertThat(after).containsExactly(b1, b1, b1, b1, b3, b3, b3);
    }

    /** populate() against a literal transcription of Pseudocode 1 with explicit permutation arrays. */
    @Test
    void matchesPseudocode1() {
        int m = 1009;
        Endpoint[] byId = Placement.sortedById(Clusters.equal("svc", 9, env));
        int n = byId.length;
        int[][] permutation = new int[n][m];
        for (int i = 0; i < n; i++) {
            long offset = Long.remainderUnsigned(Hashing.hash64(byId[i].id(), MaglevTable.OFFSET_SALT), m);
            long skip = Long.remainderUnsigned(Hashing.hash64(byId[i].id(), MaglevTable.SKIP_SALT), m - 1) + 1;
            for (int j = 0; j < m; j++) {
                permutation[i][j] = (int) ((offset + (long) j * skip) % m);
            }
        }
        int[] next = new int[n];
        int[] entry = new int[m];
        Arrays.fill(entry, -1);
        int filled = 0;
        outer:
        while (true) {
            for (int i = 0; i < n; i++) {
                int c = permutation[i][next[i]];
                while (entry[c] >= 0) {
                    next[i]++;
                    c = permutation[i][next[i]];
                }
                entry[c] = i;
                next[i]++;
                if (++filled == m) {
                    break outer;
                }
            }
        }
        Endpoint[] table = MaglevTable.populate(byId, m);
        for (int j = 0; j < m; j++) {
            assertThat(table[j]).as("slot %d", j).isSameAs(byId[entry[j]]);
        }
    }

    /** The paper: each backend takes floor(M/N) or ceil(M/N) entries. M = 65537, N = 100: 655 or 656. */
    @Test
    void equalWeightSlotCountsDifferByAtMostOne() {
        Endpoint[] byId = Placement.sortedById(Clusters.equal("backend", 100, env));
        Map<Endpoint, Integer> counts = slotCounts(MaglevTable.populate(byId, 65_537));
        assertThat(counts).hasSize(100);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(655, 656));
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(65_537);
    }

    @Test
    void lookupIsTheTableEntryAtTheUnsignedHashModuloM() {
        List<Endpoint> list = Clusters.equal("b", 12, env);
        MaglevPicker p = (MaglevPicker) Clusters.picker(Clusters.strategy("maglev", env), list);
        Endpoint[] table = p.table();
        assertThat(table).hasSize(65_537);
        BigInteger m = BigInteger.valueOf(table.length);
        for (RequestContext key : Clusters.keys(5000)) {
            int slot = new BigInteger(Long.toUnsignedString(key.keyHash())).mod(m).intValue();
            assertThat(p.pick(key)).isSameAs(table[slot]);
        }
    }

    /** 100 * N above the configured size: the next prime at or above 100 * N, 70001 for N = 700. */
    @Test
    void tableGrowsToTheNextPrimeAboveOneHundredPerBackend() {
        assertThat(MaglevTable.size(65_537, 655)).isEqualTo(65_537);
        assertThat(MaglevTable.size(65_537, 700)).isEqualTo(70_001);
        int grown = MaglevTable.size(65_537, 656);
        assertThat(BigInteger.valueOf(grown).isProbablePrime(50)).isTrue();
        for (int k = 65_600; k < grown; k++) {
            assertThat(BigInteger.valueOf(k).isProbablePrime(50)).as("%d", k).isFalse();
        }
        MaglevPicker p = (MaglevPicker) Clusters.picker(Clusters.strategy("maglev", env), Clusters.equal("b", 700, env));
        assertThat(p.table()).hasSize(70_001);
    }

    @Test
    void configuredSizeIsKeptWhenLargeEnough() {
        MaglevPicker p = (MaglevPicker) Clusters.picker(
                Clusters.strategy("maglev", Map.of("table-size", 655_373), env), Clusters.equal("b", 5, env));
        assertThat(p.table()).hasSize(655_373);
        MaglevPicker small = (MaglevPicker) Clusters.picker(
                Clusters.strategy("maglev", Map.of("table-size", 101), env), Clusters.equal("b", 5, env));
        assertThat(small.table()).hasSize(503);
    }

    @Test
    void compositeTableSizeIsRefusedNamingTheNearestPrimes() {
        assertThatThrownBy(() -> StrategyRegistry.standard().create("maglev", Map.of("table-size", 65_536), env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a prime number, got 65536")
                .hasMessageContaining("65521 and 65537");
        assertThatThrownBy(() -> StrategyRegistry.standard().create("maglev", Map.of("table-size", 1), env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table-size");
    }

    /**
     * Weights 1, 2, 3, 6 in M = 65537: exact shares 5461.4, 10922.8, 16384.3, 32768.5. With
     * r = w / 6 the bound of MaglevTable is 1 + r + N r / sum(r) = 1 + r + 4r / 2 = 1 + 3r: 1.5, 2,
     * 2.5 and 4 slots.
     */
    @Test
    void weightedSlotCountsFollowTheWeights() {
        int[] w = {1, 2, 3, 6};
        Endpoint[] byId = Placement.sortedById(Clusters.weighted("b", w, env));
        Map<Endpoint, Integer> counts = slotCounts(MaglevTable.populate(byId, 65_537));
        for (int i = 0; i < w.length; i++) {
            double exact = 65_537.0 * w[i] / 12;
            double bound = 1 + 3 * (w[i] / 6.0);
            assertThat((double) counts.get(byId[i])).as("backend %d", i).isCloseTo(exact, within(bound));
        }
    }

    /** Pins a few mappings so an accidental change of hashing or placement shows up in review. */
    @Test
    void goldenMappings() {
        Picker p = Clusters.picker(Clusters.strategy("maglev", env), Clusters.equal("b", 4, env));
        // Recorded from this implementation after matchesPseudocode1 and the Table 1 replay passed.
        assertThat(Clusters.assign(p, Clusters.keys(8)))
                .containsExactly("b-1000", "b-1002", "b-1000", "b-1003", "b-1002", "b-1002", "b-1002", "b-1002");
    }

    static Map<Endpoint, Integer> slotCounts(Endpoint[] table) {
        Map<Endpoint, Integer> counts = new IdentityHashMap<>();
        for (Endpoint e : table) {
            counts.merge(e, 1, Integer::sum);
        }
        return counts;
    }
}
