package io.sluice.algorithms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PeakEwmaTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void slowerSampleIsBelievedAtOnce() {
        PeakEwma ewma = new PeakEwma(10 * S, 0);
        ewma.observe(0, 5 * MS);
        ewma.observe(1, 50 * MS);
        assertThat(ewma.lastCostNanos()).isEqualTo(50.0 * MS);
    }

    @Test
    void fasterSampleDecaysAsTheClassDocumentWorksOut() {
        // The worked example in PeakEwma's Javadoc: 50 ms, then 5 ms one second later, tau = 10 s.
        PeakEwma ewma = new PeakEwma(10 * S, 0);
        ewma.observe(0, 50 * MS);
        ewma.observe(S, 5 * MS);
        double w = Math.exp(-0.1);
        assertThat(ewma.lastCostNanos()).isCloseTo(50 * MS * w + 5 * MS * (1 - w), within(1.0));
        assertThat(ewma.lastCostNanos() / MS).isCloseTo(45.7, within(0.05));
    }

    @Test
    void readingDecaysTowardsZeroWithoutWriting() {
        PeakEwma ewma = new PeakEwma(10 * S, 0);
        ewma.observe(0, 100 * MS);
        assertThat(ewma.costNanos(10 * S)).isCloseTo(100 * MS * Math.exp(-1), within(1.0));
        assertThat(ewma.lastCostNanos()).isEqualTo(100.0 * MS);
        assertThat(ewma.costNanos(0)).isEqualTo(100.0 * MS);
    }

    @Test
    void noSampleCostsNothing() {
        assertThat(new PeakEwma(S, 0).costNanos(5 * S)).isZero();
    }

    @Test
    void clockGoingBackwardsDoesNotInflateTheCost() {
        PeakEwma ewma = new PeakEwma(S, 10 * S);
        ewma.observe(10 * S, 20 * MS);
        ewma.observe(5 * S, 10 * MS);
        assertThat(ewma.lastCostNanos()).isEqualTo(20.0 * MS);
        assertThat(ewma.costNanos(4 * S)).isEqualTo(20.0 * MS);
    }

    @Test
    void rejectsNonPositiveDecay() {
        assertThatThrownBy(() -> new PeakEwma(0, 0)).hasMessageContaining("got 0");
    }
}
