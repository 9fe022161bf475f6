package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.PeakEwma;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The pick path of the EWMA strategies leans on {@link PeakEwma#costNanos}, which replaces
 * {@code Math.exp} by a cubic polynomial when the last sample is recent (dt / tau &lt; 2^-10).
 * The polynomial must be indistinguishable from e^-x: its error is below x^4 / 24 &lt; 4e-14
 * relative, so 1e-12 is a safe bound, on both sides of the switch.
 */
class PeakEwmaDecayTest {
    private static final long TAU = 10_000_000_000L;

    @Test
    void decayMatchesTheExponentialOnBothSidesOfTheFastPath() {
        double[] fractions = {1e-9, 1e-6, 1e-4, 0x1p-11, 0x1p-10 * (1 - 1e-12), 0x1p-10, 0x1p-10 * 1.001, 0.01, 0.5, 3, 40};
        for (double x : fractions) {
            PeakEwma ewma = new PeakEwma(TAU, 0);
            ewma.observe(0, 50_000_000L);
            long dt = Math.round(x * TAU);
            double expected = 50_000_000.0 * Math.exp(-(double) dt / TAU);
            assertThat(ewma.costNanos(dt)).as("dt/tau = %s", x).isCloseTo(expected, within(expected * 1e-12));
        }
    }

    @Test
    void noDecayAtOrBeforeTheLastSample() {
        PeakEwma ewma = new PeakEwma(TAU, 0);
        ewma.observe(1_000, 7_000_000L);
        assertThat(ewma.costNanos(1_000)).isEqualTo(7_000_000.0);
        assertThat(ewma.costNanos(500)).isEqualTo(7_000_000.0);
        assertThat(new PeakEwma(TAU, 0).costNanos(123)).isZero();
    }
}
