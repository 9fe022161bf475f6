package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.RequestContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The selection rules on their own, with hand-made gauges: the half of a strategy that is not the load signal. */
class ChooserTest {
    /** A gauge of fixed costs, with an optional fallback. */
    private record FixedCosts(double[] costs, LoadMetric.Gauge fallback) implements LoadMetric.Gauge {
        @Override
        public double cost(int i, long nowNanos) {
            return costs[i];
        }

        @Override
        public Time time() {
            return Time.NONE;
        }
    }

    @Test
    void lowerCostBeatsAndTiesStayWithTheChampion() {
        LoadMetric.Gauge none = null;
        assertThat(PowerOfChoices.beats(none, 1, 1.0, 0, 2.0, 0)).isTrue();
        assertThat(PowerOfChoices.beats(none, 1, 2.0, 0, 2.0, 0)).isFalse();
        assertThat(PowerOfChoices.beats(none, 1, 3.0, 0, 2.0, 0)).isFalse();
    }

    @Test
    void fallbackSettlesTiesAndMissingReadings() {
        LoadMetric.Gauge fallback = new FixedCosts(new double[] {5, 1}, null);
        assertThat(PowerOfChoices.beats(fallback, 1, 2.0, 0, 2.0, 0)).as("tie").isTrue();
        assertThat(PowerOfChoices.beats(fallback, 1, Double.NaN, 0, 0.1, 0)).as("challenger unread").isTrue();
        assertThat(PowerOfChoices.beats(fallback, 1, 0.1, 0, Double.NaN, 0)).as("champion unread").isTrue();
        assertThat(PowerOfChoices.beats(fallback, 0, 0.1, 1, Double.NaN, 0)).as("fallback says champion").isFalse();
        assertThat(PowerOfChoices.beats(fallback, 1, 3.0, 0, 2.0, 0)).as("primary decides").isFalse();
    }

    @Test
    void laterIsRightAcrossTheWrapAround() {
        assertThat(PowerOfChoices.later(5, 9)).isEqualTo(9);
        assertThat(PowerOfChoices.later(9, 5)).isEqualTo(9);
        assertThat(PowerOfChoices.later(Long.MAX_VALUE, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void fullScanRefusesAGaugeWithAFallback() {
        Fleet fleet = Fleet.ofEqual(1, 2);
        LoadMetric.Gauge withFallback = new FixedCosts(new double[] {1, 2}, new FixedCosts(new double[] {1, 2}, null));
        assertThatThrownBy(() -> new LowestCost().picker(fleet.endpoints, withFallback, fleet.env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fallback");
    }

    @Test
    void fullScanTakesTheMinimum() {
        Fleet fleet = Fleet.ofEqual(1, 4);
        var picker = new LowestCost().picker(fleet.endpoints, new FixedCosts(new double[] {3, 2, 0.5, 9}, null), fleet.env);
        for (int i = 0; i < 50; i++) {
            assertThat(picker.pick(RequestContext.NONE).id()).isEqualTo("b2");
        }
    }

    /** With d = 16 draws over 4 endpoints the cheapest is missed only with probability (3/4)^16 = 1%: over 1,000 picks it wins >= 950. */
    @Test
    void moreChoicesFindTheCheapestMoreOften() {
        Fleet fleet = Fleet.ofEqual(3, 4);
        var picker = PowerOfChoices.withReplacement(16)
                .picker(fleet.endpoints, new FixedCosts(new double[] {3, 2, 0.5, 9}, null), fleet.env);
        assertThat(fleet.counts(picker, 1000)[2]).isGreaterThanOrEqualTo(950);
    }

    /**
     * The d-draw tournament over a gauge read at sample times (peak EWMA), tau 10 s: b0 measured
     * 100 ms at t = 0, b1 80 ms and b2 90 ms at t = 3 s. b0 is the cheapest only through decay
     * (100 e^-0.3 = 74 ms; undecayed b1 would be). It is missed only when none of 16 draws lands
     * on it, (2/3)^16 = 0.15%: >= 990 of 1,000. And no clock is read.
     */
    @Test
    void tournamentAtSampleTimesNeedsNoClock() {
        Fleet fleet = Fleet.ofEqual(3, 3).latency(0, 100 * Fleet.MS);
        fleet.advance(3 * Fleet.SECOND);
        fleet.latency(2, 90 * Fleet.MS).latency(1, 80 * Fleet.MS);
        var picker = PowerOfChoices.withReplacement(16)
                .picker(fleet.endpoints, PeakEwmaLoad.INSTANCE.gauge(fleet.endpoints), fleet.env);
        long before = fleet.clockReads();
        assertThat(fleet.counts(picker, 1000)[0]).isGreaterThanOrEqualTo(990);
        assertThat(fleet.clockReads()).isEqualTo(before);
    }

    @Test
    void rejectsFewerThanTwoChoices() {
        assertThatThrownBy(() -> PowerOfChoices.withReplacement(1)).hasMessageContaining("d >= 2");
    }

    @Test
    void activeRequestsRejectsABadBias() {
        assertThatThrownBy(() -> new ActiveRequests(-1)).hasMessageContaining("bias");
        assertThatThrownBy(() -> new ActiveRequests(Double.NaN)).hasMessageContaining("bias");
        assertThat(new ActiveRequests(0).gauge(List.<Endpoint>of(Fleet.ofEqual(1, 1).endpoints.get(0))).time())
                .isEqualTo(LoadMetric.Gauge.Time.NONE);
    }
}
