package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Hashing;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlacementTest {
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
