package io.sluice.algorithms.strategy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StripedCursorTest {
    @Test
    void oneThreadCyclesExactlyFromTheStart() {
        StripedCursor cursor = new StripedCursor(2);
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            seen.add(cursor.next() % 5);
        }
        assertThat(seen).containsExactly(2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3);
    }

    @Test
    void positionsCountUpFromTheStartWhateverTheLengthAPickerApplies() {
        StripedCursor cursor = new StripedCursor(7);
        assertThat(cursor.next()).isEqualTo(7);
        assertThat(cursor.next() % 3).isEqualTo(8 % 3);
        assertThat(cursor.next() % 5).isEqualTo(9 % 5);
    }

    @Test
    void staysInRangeThroughIntOverflow() {
        // Integer.MAX_VALUE = 2147483647 = 3 * 715827882 + 1, so MAX-2, MAX-1, MAX give 2, 0, 1; the
        // counter then wraps to Integer.MIN_VALUE, masked to 0: the documented short cycle.
        StripedCursor cursor = new StripedCursor(Integer.MAX_VALUE - 2);
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seen.add(cursor.next() % 3);
        }
        assertThat(seen).containsExactly(2, 0, 1, 0, 1, 2, 0, 1);
    }

    @Test
    void negativeStartIsMaskedIntoRange() {
        StripedCursor cursor = new StripedCursor(-1); // -1 & MAX_VALUE = MAX_VALUE, MAX % 4 = 3
        assertThat(cursor.next() % 4).isEqualTo(3);
        assertThat(cursor.next() % 4).isEqualTo(0); // wrapped to 0 & MAX_VALUE = 0
    }

    @Test
    void stripeCountIsAPowerOfTwoAtLeastTwiceTheProcessorsWithinBounds() {
        assertThat(StripedCursor.stripeCount(1)).isEqualTo(2);
        assertThat(StripedCursor.stripeCount(2)).isEqualTo(4);
        assertThat(StripedCursor.stripeCount(3)).isEqualTo(8);
        assertThat(StripedCursor.stripeCount(32)).isEqualTo(64);
        assertThat(StripedCursor.stripeCount(500)).isEqualTo(64);
        assertThat(StripedCursor.stripeCount(0)).isEqualTo(2);
        assertThat(Integer.bitCount(StripedCursor.STRIPES)).isEqualTo(1);
    }

}
