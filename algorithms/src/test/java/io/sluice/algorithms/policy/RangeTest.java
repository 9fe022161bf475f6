package io.sluice.algorithms.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;
import org.junit.jupiter.api.Test;

class RangeTest {
    @Test
    void describesItselfInTheWordsOfEveryConfigError() {
        assertThat(Range.wholeNumber(0, 10).describe()).isEqualTo("a whole number from 0 to 10");
        assertThat(Range.number(0, 1).describe()).isEqualTo("a number from 0 to 1");
        assertThat(Range.numberAbove(1, 1000).describe()).isEqualTo("a number > 1 and <= 1000");
        assertThat(Range.duration(1_000_000L, 86_400_000_000_000L).describe())
                .isEqualTo("a duration from 1ms to 24h");
    }

    @Test
    void checksTheEdges() {
        Range r = Range.wholeNumber(1, 3);
        assertThat(r.check("n", 1)).isEqualTo(1);
        assertThat(r.check("n", 3)).isEqualTo(3);
        assertThatThrownBy(() -> r.check("n", 4)).isInstanceOf(SettingException.class)
                .hasMessage("n: 4 is out of range; a whole number from 1 to 3")
                .satisfies(e -> {
                    assertThat(((SettingException) e).setting()).isEqualTo("n");
                    assertThat(((SettingException) e).problem()).isEqualTo("4 is out of range; a whole number from 1 to 3");
                });
        Range above = Range.numberAbove(1, 2);
        assertThat(above.contains(1)).isFalse();
        assertThat(above.contains(1.5)).isTrue();
        assertThat(above.contains(Double.NaN)).isFalse();
        assertThatThrownBy(() -> above.check("f", Double.POSITIVE_INFINITY)).isInstanceOf(SettingException.class);
        assertThatThrownBy(() -> Range.duration(1_000_000L, 2_000_000L).check("d", -5))
                .hasMessage("d: -5ns is out of range; a duration from 1ms to 2ms");
    }
}
