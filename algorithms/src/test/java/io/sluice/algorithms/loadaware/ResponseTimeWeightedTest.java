package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.sluice.algorithms.loadaware.Fleet.MS;
import static io.sluice.algorithms.loadaware.Fleet.fiveSigma;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ResponseTimeWeightedTest {
    private static final String NAME = "response-time-weighted";

    /**
     * Costs ewma x (in flight + 1) / weight: b0 (w 1) 10 ms x 4 = 40; b1 (w 2) 30 ms x 2 / 2 = 30;
     * b2 (w 1) 35 ms x 1 = 35. b1 is the cheapest, every time, though it is not the fastest: it
     * has room.
     */
    @Test
    void picksTheLowestLatencyTimesLoadPerWeight() {
        Fleet fleet = new Fleet(1, 1, 2, 1).latency(0, 10 * MS).inFlight(0, 3)
                .latency(1, 30 * MS).inFlight(1, 1)
                .latency(2, 35 * MS);
        assertThat(fleet.counts(fleet.picker(NAME, Map.of()), 500)).containsExactly(0, 500, 0);
    }

    /** Without the weight b1 would cost 60 and lose to b2's 35: the weight is what decided above. */
    @Test
    void weightMatters() {
        Fleet fleet = new Fleet(1, 1, 1, 1).latency(0, 10 * MS).inFlight(0, 3)
                .latency(1, 30 * MS).inFlight(1, 1)
                .latency(2, 35 * MS);
        assertThat(fleet.counts(fleet.picker(NAME, Map.of()), 500)).containsExactly(0, 0, 500);
    }

    /**
     * An idle unmeasured backend costs 0, so it is tried; once it has a request out and no answer it
     * takes the penalty and loses to measured backends; once measured it competes on its latency.
     */
    @Test
    void unmeasuredBackendIsTriedOnceThenPenalisedUntilMeasured() {
        Fleet fleet = Fleet.ofEqual(1, 3).latency(0, MS).latency(1, MS);
        Picker picker = fleet.picker(NAME, Map.of());
        assertThat(fleet.counts(picker, 100)).containsExactly(0, 0, 100);
        fleet.load(2).onRequestStart();
        assertThat(fleet.counts(picker, 100)[2]).as("unanswered, unmeasured: penalised").isZero();
        fleet.load(2).onRequestEnd(fleet.now(), MS / 2, true);
        assertThat(fleet.counts(picker, 100)).as("measured at 0.5 ms, the fastest").containsExactly(0, 0, 100);
    }

    /**
     * Ties are broken uniformly at random. Four unmeasured backends all cost 0: 1/4 each,
     * 10,000 +- 5 sqrt(40000 * 3/16) = 433 of 40,000. Reservoir sampling makes it uniform; a
     * first-found or scan-from-random-offset rule would not pass (the latter gives the last of a
     * run of ties only 1/n).
     */
    @Test
    void tiesAreBrokenUniformly() {
        Fleet fleet = Fleet.ofEqual(43, 4);
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), 40_000);
        for (long c : counts) {
            assertThat((double) c).isCloseTo(10_000, within(fiveSigma(40_000, 0.25)));
        }
    }

    /**
     * Two of four tie at the minimum (b1, b3: 5 ms idle), the others cost more: b1 and b3 split
     * evenly, 10,000 +- 5 sqrt(20000 / 4) = 354 of 20,000; b0 and b2 get nothing.
     */
    @Test
    void onlyTheTiedMinimumShares() {
        Fleet fleet = Fleet.ofEqual(47, 4).latency(0, 6 * MS).latency(1, 5 * MS).latency(2, 9 * MS).latency(3, 5 * MS);
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of()), 20_000);
        assertThat(counts[0]).isZero();
        assertThat(counts[2]).isZero();
        assertThat((double) counts[1]).isCloseTo(10_000, within(fiveSigma(20_000, 0.5)));
    }

    /** The tree orders backends by keys that do not change with time: a pick reads no clock. */
    @Test
    void neverReadsTheClock() {
        Fleet fleet = Fleet.ofEqual(53, 6).latency(0, MS);
        Picker picker = fleet.picker(NAME, Map.of());
        long before = fleet.clockReads();
        fleet.counts(picker, 500);
        assertThat(fleet.clockReads() - before).isZero();
    }

    @Test
    void emptySetGivesNull() {
        Fleet fleet = Fleet.ofEqual(1, 2);
        assertThat(fleet.picker(NAME, Map.of(), EndpointSet.empty()).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void oneBackendIsAlwaysPicked() {
        Fleet fleet = Fleet.ofEqual(1, 1).latency(0, 900 * MS).inFlight(0, 9);
        assertThat(fleet.counts(fleet.picker(NAME, Map.of()), 100)).containsExactly(100);
    }

    @Test
    void unhealthyBackendIsNeverPickedEvenWhenCheapest() {
        Fleet fleet = Fleet.ofEqual(1, 3).latency(0, 50 * MS).latency(1, 50 * MS);
        long[] counts = fleet.counts(fleet.picker(NAME, Map.of(), fleet.withHealth(2, HealthState.EJECTED)), 1000);
        assertThat(counts[2]).isZero();
    }

    @Test
    void hasNoParameters() {
        assertThat(StrategyRegistry.standard().strategy(NAME).parameters()).isEmpty();
    }
}
