package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.sluice.algorithms.loadaware.Fleet.SECOND;
import static io.sluice.algorithms.loadaware.Fleet.fiveSigma;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class P2cUtilisationTest {
    private static final String NAME = "p2c-utilisation";

    /**
     * Fresh reports 0.2, 0.5, 0.8 and in-flight counts that say the opposite (so the test fails if
     * in-flight decided). Two distinct draws give each unordered pair 1/3 of the time; b0 wins
     * both its pairs (2/3), b1 wins against b2 (1/3), b2 never. Over 30,000 picks:
     * 20,000 +- 5 sqrt(30000 * 2/9) = 408.
     */
    @Test
    void prefersTheLowerUtilisation() {
        Fleet fleet = Fleet.ofEqual(59, 3).inFlight(0, 9).inFlight(1, 5);
        fleet.load(0).reportUtilisation(0.2, fleet.now());
        fleet.load(1).reportUtilisation(0.5, fleet.now());
        fleet.load(2).reportUtilisation(0.8, fleet.now());
        fleet.advance(SECOND);
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), 30_000);
        assertThat(counts[2]).isZero();
        assertThat((double) counts[0]).isCloseTo(20_000, within(fiveSigma(30_000, 2 / 9.0)));
    }

    /**
     * The same reports 6 s later (stale-after 5 s): in-flight decides. b0 (9 in flight) loses
     * every pair, b1 (5) beats b0 only, b2 (0) wins both its pairs: 0, 1/3, 2/3.
     */
    @Test
    void staleReportsFallBackToInFlight() {
        Fleet fleet = Fleet.ofEqual(61, 3).inFlight(0, 9).inFlight(1, 5);
        fleet.load(0).reportUtilisation(0.2, fleet.now());
        fleet.load(1).reportUtilisation(0.5, fleet.now());
        fleet.load(2).reportUtilisation(0.8, fleet.now());
        Picker picker = fleet.picker(NAME, Map.of());
        fleet.advance(6 * SECOND);
        long[] counts = fleet.counts(picker, 30_000);
        assertThat(counts[0]).isZero();
        assertThat((double) counts[2]).isCloseTo(20_000, within(fiveSigma(30_000, 2 / 9.0)));
    }

    /** A report exactly stale-after old is still fresh; one nanosecond more and it is not. */
    @Test
    void freshnessBoundaryIsInclusive() {
        Fleet fleet = Fleet.ofEqual(1, 2).inFlight(0, 3);
        fleet.load(0).reportUtilisation(0.1, 0);
        fleet.load(1).reportUtilisation(0.9, 0);
        Picker picker = fleet.picker(NAME, Map.of("stale-after", "2s"));
        fleet.advance(2 * SECOND);
        assertThat(fleet.counts(picker, 100)).containsExactly(100, 0);
        fleet.advance(1);
        assertThat(fleet.counts(picker, 100)).containsExactly(0, 100);
    }

    /**
     * One fresh, one never reported: both are compared on in-flight, never utilisation against
     * in-flight. b0 reported 0.1 (fresh) but has 4 in flight; b1 never reported and is idle: b1
     * wins every time.
     */
    @Test
    void missingReportOnEitherSideComparesBothOnInFlight() {
        Fleet fleet = Fleet.ofEqual(1, 2).inFlight(0, 4);
        fleet.load(0).reportUtilisation(0.1, fleet.now());
        assertThat(fleet.counts(fleet.picker(NAME, Map.of()), 100)).containsExactly(0, 100);
    }

    /** Neither ever reported: least in-flight per weight, (a + 1) / w: b0 (w 1, 1 in flight) 2, b1 (w 4, 3) 1. */
    @Test
    void noReportsAtAllIsWeightedLeastInFlight() {
        Fleet fleet = new Fleet(1, 1, 4).inFlight(0, 1).inFlight(1, 3);
        assertThat(fleet.counts(fleet.picker(NAME, Map.of()), 100)).containsExactly(0, 100);
    }

    /** Equal fresh utilisation: in-flight breaks the tie. */
    @Test
    void equalUtilisationIsSettledByInFlight() {
        Fleet fleet = Fleet.ofEqual(1, 2).inFlight(1, 2);
        fleet.load(0).reportUtilisation(0.5, fleet.now());
        fleet.load(1).reportUtilisation(0.5, fleet.now());
        assertThat(fleet.counts(fleet.picker(NAME, Map.of()), 100)).containsExactly(100, 0);
    }

    /** Utilisation is not divided by weight: it is already relative to the server. Weight 10 at 0.6 loses to weight 1 at 0.5. */
    @Test
    void weightDoesNotScaleUtilisation() {
        Fleet fleet = new Fleet(1, 10, 1);
        fleet.load(0).reportUtilisation(0.6, fleet.now());
        fleet.load(1).reportUtilisation(0.5, fleet.now());
        assertThat(fleet.counts(fleet.picker(NAME, Map.of()), 100)).containsExactly(0, 100);
    }

    /** Everything equal (same report, same in-flight): the first draw wins, 1/2 each, 10,000 +- 354 of 20,000. */
    @Test
    void equalLoadSpreadsUniformly() {
        Fleet fleet = Fleet.ofEqual(67, 2);
        fleet.load(0).reportUtilisation(0.4, fleet.now());
        fleet.load(1).reportUtilisation(0.4, fleet.now());
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), 20_000);
        assertThat((double) counts[0]).isCloseTo(10_000, within(fiveSigma(20_000, 0.5)));
    }

    @Test
    void readsTheClockOncePerPick() {
        Fleet fleet = Fleet.ofEqual(71, 4);
        Picker picker = fleet.picker(NAME, Map.of());
        long before = fleet.clockReads();
        fleet.counts(picker, 700);
        assertThat(fleet.clockReads() - before).isEqualTo(700);
    }

    @Test
    void emptySetGivesNull() {
        Fleet fleet = Fleet.ofEqual(1, 2);
        assertThat(fleet.picker(NAME, Map.of(), EndpointSet.empty()).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void oneBackendIsAlwaysPicked() {
        Fleet fleet = Fleet.ofEqual(1, 1);
        fleet.load(0).reportUtilisation(1.0, fleet.now());
        assertThat(fleet.counts(fleet.picker(NAME, Map.of()), 100)).containsExactly(100);
    }

    @Test
    void unhealthyBackendIsNeverPickedEvenWhenIdlest() {
        Fleet fleet = Fleet.ofEqual(1, 3);
        fleet.load(1).reportUtilisation(0.0, fleet.now());
        fleet.load(0).reportUtilisation(0.9, fleet.now());
        fleet.load(2).reportUtilisation(0.9, fleet.now());
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of(), fleet.withHealth(1, HealthState.UNHEALTHY)), 1000);
        assertThat(counts[1]).isZero();
    }

    @Test
    void declaresStaleAfter() {
        var provider = StrategyRegistry.standard().strategy(NAME);
        assertThat(provider.parameters()).extracting(ParameterSpec::name).containsExactly("stale-after", "sampling");
        assertThat(provider.parameters().get(0).defaultText()).isEqualTo("5s");
        Fleet fleet = Fleet.ofEqual(1, 2);
        assertThatThrownBy(() -> StrategyRegistry.standard().create(NAME, Map.of("stale-after", "2h"), fleet.env))
                .hasMessageContaining("stale-after");
        assertThatThrownBy(() -> StrategyRegistry.standard().create(NAME, Map.of("stale-after", "fast"), fleet.env))
                .hasMessageContaining("stale-after");
        assertThat(StrategyRegistry.standard().create(NAME, Map.of("stale-after", "250ms"), fleet.env).name())
                .isEqualTo(NAME);
    }
}
