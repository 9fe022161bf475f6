package io.sluice.algorithms.internal;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

class IndicesTest {
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
                assertThat(Indices.unsignedMod(h, m)).as("%s mod %s", Long.toUnsignedString(h), m)
                        .isEqualTo(reference(h, m));
            }
        }
        // The worked example in the Javadoc: (2^64 - 1) mod 7 = 1.
        assertThat(Indices.unsignedMod(-1L, 7)).isEqualTo(1);
    }

    @Property(tries = 2000, seed = "20240611")
    void unsignedModMatchesBigInteger(@ForAll long h, @ForAll @IntRange(min = 1) int m) {
        assertThat(Indices.unsignedMod(h, m)).isEqualTo(reference(h, m));
    }

    /** Multiply-shift covers [0, n) and its ends. */
    @Test
    void multiplyShiftMapsBitsOntoTheRange() {
        assertThat(Indices.multiplyShift(0L, 7)).isZero();
        assertThat(Indices.multiplyShift(0xFFFF_FFFFL, 7)).isEqualTo(6);
        assertThat(Indices.multiplyShift(0x8000_0000L, 2)).isEqualTo(1);
        assertThat(Indices.multiplyShift(0x7FFF_FFFFL, 2)).isZero();
    }

    /** Every 32-bit input lands in [0, n). */
    @Property(tries = 1000, seed = "20240611")
    void multiplyShiftStaysInRange(@ForAll long bits, @ForAll @IntRange(min = 1) int n) {
        assertThat(Indices.multiplyShift(bits & 0xFFFF_FFFFL, n)).isBetween(0, n - 1);
    }
}
