package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Hashing;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlacementTest {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private static int reference(long h, int m) {
        BigInteger u = BigInteger.valueOf(h);
        if (h < 0) {
            u = u.add(TWO_64);
        }
        return u.mod(BigInteger.valueOf(m)).intValue();
    }

    @Test
    void unsignedModMatchesBigIntegerAtTheEdges() {
        long[] hashes = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, 65537, -65537};
        int[] moduli = {1, 2, 3, 7, 65537, Integer.MAX_VALUE};
        for (long h : hashes) {
            for (int m : moduli) {
                assertThat(Placement.unsignedMod(h, m)).as("%s mod %s", Long.toUnsignedString(h), m)
                        .isEqualTo(reference(h, m));
            }
        }
        // The worked example in the Javadoc: (2^64 - 1) mod 7 = 1.
        assertThat(Placement.unsignedMod(-1L, 7)).isEqualTo(1);
    }

    @Property(tries = 2000, seed = "20240611")
    void unsignedModMatchesBigInteger(@ForAll long h, @ForAll @IntRange(min = 1) int m) {
        assertThat(Placement.unsignedMod(h, m)).isEqualTo(reference(h, m));
    }

    @Property(tries = 500, seed = "20240611")
    void saltedHashIsHashingHash64WithASalt(@ForAll @StringLength(min = 1, max = 40) String id, @ForAll long salt) {
        assertThat(Placement.saltedHash(Hashing.hash64(id), salt)).isEqualTo(Hashing.hash64(id, salt));
    }

    @Test
    void sortedByIdDoesNotDependOnInputOrder() {
        Environment env = Clusters.env(1);
        List<Endpoint> list = new ArrayList<>(Clusters.equal("b", 20, env));
        Endpoint[] expected = Placement.sortedById(list);
        Collections.shuffle(list, new java.util.Random(7));
        assertThat(Placement.sortedById(list)).containsExactly(expected);
        assertThat(expected[0].id()).isEqualTo("b-1000");
        assertThat(expected[19].id()).isEqualTo("b-1019");
    }
}
