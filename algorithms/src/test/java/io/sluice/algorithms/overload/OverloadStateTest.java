package io.sluice.algorithms.overload;

import io.sluice.algorithms.overload.OverloadState.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OverloadStateTest {

    @Test
    void thresholdsRaiseAndHysteresisHolds() {
        OverloadState o = new OverloadState(new OverloadState.Thresholds(0.8, 0.95, 0.1));
        assertThat(o.update(0.5, 0.1)).isEqualTo(Level.NORMAL);
        assertThat(o.update(0.81, 0.1)).isEqualTo(Level.STOP_ACCEPTING);
        assertThat(o.update(0.2, 0.96)).as("the highest pressure decides").isEqualTo(Level.SHEDDING);
        assertThat(o.update(0.9)).as("not below 0.85").isEqualTo(Level.SHEDDING);
        assertThat(o.update(0.84)).isEqualTo(Level.STOP_ACCEPTING);
        assertThat(o.update(0.75)).as("not below 0.7").isEqualTo(Level.STOP_ACCEPTING);
        assertThat(o.update(0.69)).isEqualTo(Level.NORMAL);
        assertThat(o.update(0.79)).as("rising needs the threshold itself").isEqualTo(Level.NORMAL);
    }

    @Test
    void aFallFromSheddingGoesStraightToWhatThePressureCallsFor() {
        OverloadState o = new OverloadState(new OverloadState.Thresholds(0.8, 0.95, 0.1));
        o.update(1.0);
        assertThat(o.update(0.1)).isEqualTo(Level.NORMAL);
    }

    @Test
    void pressureIsCapped() {
        assertThat(OverloadState.pressure(300, 100)).isEqualTo(1.0);
        assertThat(OverloadState.pressure(50, 100)).isEqualTo(0.5);
        assertThat(OverloadState.pressure(50, 0)).isEqualTo(0.0);
    }

    @Test
    void badThresholdsAreRefused() {
        assertThatThrownBy(() -> new OverloadState.Thresholds(0.9, 0.8, 0.1)).hasMessageContaining("shed-at");
        assertThatThrownBy(() -> new OverloadState.Thresholds(0.8, 0.9, 0.8)).hasMessageContaining("hysteresis");
    }
}
