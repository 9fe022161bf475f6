package io.sluice.algorithms.internal;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Vose's alias table, shared by weighted-random and the weighted draws of p2c-least-request: the
 * worked examples of its class comment, exact shares, and both ways of drawing from it.
 */
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
            assertThat(table.share(i)).isCloseTo(weights[i] / total, within(1e-9));
        }
    }

    /** Every 64-bit input lands on a valid index. */
    @Property(tries = 300)
    void sampleStaysInRange(@ForAll long bits, @ForAll @Size(min = 1, max = 20) List<@DoubleRange(min = 0.5, max = 9) Double> ws) {
        AliasTable table = new AliasTable(ws.stream().mapToDouble(Double::doubleValue).toArray());
        assertThat(table.sample(bits)).isBetween(0, ws.size() - 1);
    }

    /**
     * Weights 1 and 3 drawn from one 64-bit word: column 0 keeps half for index 0 and lends the
     * rest to index 1; column 1 is all index 1. The high 32 bits choose the column, the low 32 the
     * side.
     */
    @Test
    void oneWordDrawOfWeightsOneAndThree() {
        AliasTable table = new AliasTable(new double[] {1, 3});
        assertThat(table.share(0)).isEqualTo(0.25);
        long column0 = 0L;
        long column1 = 0x8000_0000L << 32;
        assertThat(table.sample(column0 | 0x1000_0000L)).isZero();      // side 1/16 < 1/2
        assertThat(table.sample(column0 | 0xF000_0000L)).isEqualTo(1);  // side 15/16 >= 1/2
        assertThat(table.sample(column1 | 0xFFFF_FFFFL)).isEqualTo(1);
        assertThat(table.sample(column1)).isEqualTo(1);
    }

    @Test
    void aliasTableOfTheWorkedExample() {
        AliasTable table = new AliasTable(new double[] {1, 2, 3, 2});
        // As derived in AliasTable's comment.
        assertThat(table.threshold(0)).isEqualTo(0.5);
        assertThat(table.alias(0)).isEqualTo(3);
        assertThat(table.threshold(1)).isEqualTo(1.0);
        assertThat(table.threshold(2)).isEqualTo(1.0);
        assertThat(table.threshold(3)).isEqualTo(0.5);
        assertThat(table.alias(3)).isEqualTo(2);
        assertThat(table.share(2)).isEqualTo(3.0 / 8);
    }

    @Test
    void aliasTableGivesExactlyTheWeightShares() {
        double[] weights = {0.1, 7, 3.5, 1, 1, 12.25, 0.003};
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        AliasTable table = new AliasTable(weights);
        for (int i = 0; i < weights.length; i++) {
            assertThat(table.share(i)).isCloseTo(weights[i] / total, within(1e-12));
        }
    }

    @Test
    void aliasTableRefusesBadWeights() {
        assertThatThrownBy(() -> new AliasTable(new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AliasTable(new double[] {1, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AliasTable(new double[] {1, Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneWeightIsAlwaysIndexZero() {
        AliasTable table = new AliasTable(new double[] {7});
        assertThat(table.sample(-1L)).isZero();
        assertThat(table.sample(0L)).isZero();
        assertThat(table.share(0)).isEqualTo(1.0);
    }
}
