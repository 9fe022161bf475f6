package io.sluice.algorithms.loadaware;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AliasTableProperties {
    /** The table is exact: each index's probability is its weight over the total, up to rounding. */
    @Property(tries = 300)
    void probabilitiesAreWeightOverTotal(@ForAll @Size(min = 1, max = 60) List<@DoubleRange(min = 0.001, max = 1000) @Scale(4) Double> ws) {
        double[] weights = ws.stream().mapToDouble(Double::doubleValue).toArray();
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        AliasTable table = new AliasTable(weights);
        for (int i = 0; i < weights.length; i++) {
            assertThat(table.probability(i)).isCloseTo(weights[i] / total, within(1e-9));
        }
    }

    /** Every 64-bit input lands on a valid index. */
    @Property(tries = 300)
    void sampleStaysInRange(@ForAll long bits, @ForAll @Size(min = 1, max = 20) List<@DoubleRange(min = 0.5, max = 9) Double> ws) {
        AliasTable table = new AliasTable(ws.stream().mapToDouble(Double::doubleValue).toArray());
        assertThat(table.sample(bits)).isBetween(0, ws.size() - 1);
    }

    /**
     * The worked example of the class comment, weights 1 and 3: column 0 keeps half for index 0
     * and lends the rest to index 1; column 1 is all index 1. The high 32 bits choose the column,
     * the low 32 the side.
     */
    @Test
    void workedExample() {
        AliasTable table = new AliasTable(new double[] {1, 3});
        assertThat(table.probability(0)).isEqualTo(0.25);
        long column0 = 0L;
        long column1 = 0x8000_0000L << 32;
        assertThat(table.sample(column0 | 0x1000_0000L)).isZero();      // side 1/16 < 1/2
        assertThat(table.sample(column0 | 0xF000_0000L)).isEqualTo(1);  // side 15/16 >= 1/2
        assertThat(table.sample(column1 | 0xFFFF_FFFFL)).isEqualTo(1);
        assertThat(table.sample(column1)).isEqualTo(1);
    }

    @Test
    void oneWeightIsAlwaysIndexZero() {
        AliasTable table = new AliasTable(new double[] {7});
        assertThat(table.sample(-1L)).isZero();
        assertThat(table.sample(0L)).isZero();
        assertThat(table.probability(0)).isEqualTo(1.0);
    }
}
