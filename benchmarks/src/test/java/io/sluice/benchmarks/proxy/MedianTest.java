package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MedianTest {
    @Test
    void anOddCountTakesTheMiddleOfTheSortedValues() {
        assertThat(Median.of(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        // One disturbed round (a neighbour's build) does not move the median.
        assertThat(Median.of(List.of(30_000.0, 5_000.0, 31_000.0))).isEqualTo(30_000.0);
    }

    @Test
    void anEvenCountAveragesTheTwoMiddleValues() {
        assertThat(Median.of(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(Median.of(List.of(10.0, 20.0))).isEqualTo(15.0);
    }

    @Test
    void oneValueIsItsOwnMedian() {
        assertThat(Median.of(List.of(7.5))).isEqualTo(7.5);
    }

    @Test
    void equalValuesGiveThatValue() {
        assertThat(Median.of(List.of(5.0, 5.0, 5.0, 5.0))).isEqualTo(5.0);
    }

    @Test
    void noValuesOrNaNAreRefused() {
        assertThatThrownBy(() -> Median.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no values");
        assertThatThrownBy(() -> Median.of(List.of(1.0, Double.NaN, 2.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void aRatioDividesAndHasNoValueWithoutAPositiveDenominator() {
        assertThat(Median.ratio(30_000, 25_000)).isEqualTo(1.2);
        assertThat(Median.ratio(0, 25_000)).isZero();
        assertThat(Median.ratio(1, 0)).isNaN();
        assertThat(Median.ratio(1, -3)).isNaN();
        assertThat(Median.ratio(Double.NaN, 2)).isNaN();
        assertThat(Median.ratio(2, Double.NaN)).isNaN();
    }
}
