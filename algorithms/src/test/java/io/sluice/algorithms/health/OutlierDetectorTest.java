package io.sluice.algorithms.health;

import io.sluice.algorithms.HealthState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.sluice.algorithms.health.OutlierEvent.Kind.EJECTED;
import static io.sluice.algorithms.health.OutlierEvent.Kind.RESTORED;
import static io.sluice.algorithms.health.OutlierEvent.Kind.SUPPRESSED;
import static io.sluice.algorithms.health.RequestOutcome.GATEWAY_ERROR;
import static io.sluice.algorithms.health.RequestOutcome.LOCAL_ORIGIN_FAILURE;
import static io.sluice.algorithms.health.RequestOutcome.SERVER_ERROR;
import static io.sluice.algorithms.health.RequestOutcome.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutlierDetectorTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    private static List<String> ids(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("b" + i);
        }
        return out;
    }

    /** Records {@code n} results and returns the events of the last one. */
    private static List<OutlierEvent> repeat(OutlierDetector d, String id, RequestOutcome o, int n, long now) {
        List<OutlierEvent> last = List.of();
        for (int i = 0; i < n; i++) {
            last = d.record(id, o, 5 * MS, now);
        }
        return last;
    }

    private static OutlierConfig.Builder everyoneMayGo() {
        return OutlierConfig.builder().maxEjectionPercent(100).latencyFactor(0);
    }

    @Test
    void defaultsAreEnvoys() {
        OutlierConfig c = OutlierConfig.defaults();
        assertThat(c.consecutive5xx()).isEqualTo(5);
        assertThat(c.intervalNanos()).isEqualTo(10 * S);
        assertThat(c.baseEjectionNanos()).isEqualTo(30 * S);
        assertThat(c.maxEjectionNanos()).isEqualTo(300 * S);
        assertThat(c.maxEjectionPercent()).isEqualTo(10);
        assertThat(c.alwaysEjectOneHost()).isFalse();
        assertThat(c.latencyFactor()).as("Sluice's latency rule is opt-in").isZero();
    }

    @Test
    void ejectsOnTheFifthConsecutiveFailureByDefault() {
        OutlierDetector d = OutlierDetector.create(OutlierConfig.defaults(), ids(10), 0);
        assertThat(repeat(d, "b3", SERVER_ERROR, 4, S)).isEmpty();
        assertThat(d.isEjected("b3")).isFalse();

        List<OutlierEvent> events = d.record("b3", SERVER_ERROR, 5 * MS, S);
        assertThat(events).containsExactly(
                new OutlierEvent(EJECTED, "b3", EjectionReason.CONSECUTIVE_5XX, S, 30 * S, 1));
        assertThat(d.isEjected("b3")).isTrue();
        assertThat(d.health("b3")).isEqualTo(HealthState.EJECTED);
        assertThat(d.ejected()).containsExactly("b3");
        assertThat(d.stats().consecutive5xxEjections()).isEqualTo(1);
    }

    @Test
    void aSuccessBetweenFailuresStartsTheCountOver() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(3), 0);
        repeat(d, "b0", SERVER_ERROR, 4, 0);
        d.record("b0", SUCCESS, MS, 0);
        assertThat(repeat(d, "b0", SERVER_ERROR, 4, 0)).isEmpty();
        assertThat(d.isEjected("b0")).isFalse();
        assertThat(d.record("b0", SERVER_ERROR, MS, 0)).extracting(OutlierEvent::kind).containsExactly(EJECTED);
    }

    @Test
    void gatewayRuleIsOffByDefault() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().consecutive5xx(0).build(), ids(3), 0);
        assertThat(repeat(d, "b0", GATEWAY_ERROR, 100, 0)).isEmpty();
        assertThat(d.isEjected("b0")).isFalse();
    }

    @Test
    void gatewayRuleEjectsOnConsecutiveGatewayErrors() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().consecutiveGatewayFailure(3).build(), ids(3), 0);
        List<OutlierEvent> events = repeat(d, "b1", GATEWAY_ERROR, 3, 0);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(EJECTED);
            assertThat(e.reason()).isEqualTo(EjectionReason.CONSECUTIVE_GATEWAY_FAILURE);
        });
        assertThat(d.stats().gatewayFailureEjections()).isEqualTo(1);
    }

    @Test
    void aNonGatewayServerErrorResetsOnlyTheGatewayCount() {
        OutlierDetector d = OutlierDetector.create(
                everyoneMayGo().consecutiveGatewayFailure(3).consecutive5xx(5).build(), ids(3), 0);
        repeat(d, "b1", GATEWAY_ERROR, 2, 0);
        d.record("b1", SERVER_ERROR, MS, 0);
        assertThat(d.status("b1", 0)).get().satisfies(s -> {
            assertThat(s.consecutiveGatewayFailures()).isZero();
            assertThat(s.consecutiveFailures()).isEqualTo(3);
        });
        List<OutlierEvent> events = repeat(d, "b1", GATEWAY_ERROR, 2, 0);
        assertThat(events).singleElement().extracting(OutlierEvent::reason).isEqualTo(EjectionReason.CONSECUTIVE_5XX);
    }

    @Test
    void localOriginFailuresCountForBothRules() {
        OutlierDetector d = OutlierDetector.create(
                everyoneMayGo().consecutiveGatewayFailure(10).consecutive5xx(4).build(), ids(3), 0);
        List<OutlierEvent> events = repeat(d, "b2", LOCAL_ORIGIN_FAILURE, 4, 0);
        assertThat(events).singleElement().extracting(OutlierEvent::reason).isEqualTo(EjectionReason.CONSECUTIVE_5XX);

        OutlierDetector g = OutlierDetector.create(
                everyoneMayGo().consecutiveGatewayFailure(2).consecutive5xx(10).build(), ids(3), 0);
        assertThat(repeat(g, "b2", LOCAL_ORIGIN_FAILURE, 2, 0)).singleElement()
                .extracting(OutlierEvent::reason).isEqualTo(EjectionReason.CONSECUTIVE_GATEWAY_FAILURE);
    }

    @Test
    void httpStatusesMapToOutcomes() {
        assertThat(RequestOutcome.ofHttpStatus(200)).isEqualTo(SUCCESS);
        assertThat(RequestOutcome.ofHttpStatus(404)).isEqualTo(SUCCESS);
        assertThat(RequestOutcome.ofHttpStatus(429)).isEqualTo(SUCCESS);
        assertThat(RequestOutcome.ofHttpStatus(500)).isEqualTo(SERVER_ERROR);
        assertThat(RequestOutcome.ofHttpStatus(501)).isEqualTo(SERVER_ERROR);
        assertThat(RequestOutcome.ofHttpStatus(502)).isEqualTo(GATEWAY_ERROR);
        assertThat(RequestOutcome.ofHttpStatus(503)).isEqualTo(GATEWAY_ERROR);
        assertThat(RequestOutcome.ofHttpStatus(504)).isEqualTo(GATEWAY_ERROR);
        assertThat(RequestOutcome.ofHttpStatus(599)).isEqualTo(SERVER_ERROR);
    }

    @Test
    void restoresExactlyWhenTheEjectionTimeHasPassed() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(2), 0);
        long t0 = 7 * S;
        repeat(d, "b0", SERVER_ERROR, 5, t0);
        assertThat(d.nextRestoreAtNanos()).contains(t0 + 30 * S);

        assertThat(d.restoreDue(t0 + 30 * S - 1)).isEmpty();
        assertThat(d.isEjected("b0")).isTrue();

        assertThat(d.restoreDue(t0 + 30 * S)).containsExactly(
                new OutlierEvent(RESTORED, "b0", EjectionReason.CONSECUTIVE_5XX, t0 + 30 * S, 0, 0));
        assertThat(d.isEjected("b0")).isFalse();
        assertThat(d.nextRestoreAtNanos()).isEmpty();
        assertThat(d.stats().restorations()).isEqualTo(1);
    }

    @Test
    void evaluateRestoresWhatIsDue() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(2), 0);
        repeat(d, "b1", SERVER_ERROR, 5, 0);
        assertThat(d.evaluate(10 * S)).isEmpty();
        assertThat(d.evaluate(30 * S)).extracting(OutlierEvent::kind).containsExactly(RESTORED);
    }

    @Test
    void restoringClearsTheFailureCounters() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(2), 0);
        repeat(d, "b0", SERVER_ERROR, 5, 0);
        // Failures of requests that were in flight when it was ejected still arrive.
        repeat(d, "b0", SERVER_ERROR, 3, S);
        d.restoreDue(30 * S);
        assertThat(d.status("b0", 30 * S)).get().extracting(OutlierDetector.BackendStatus::consecutiveFailures)
                .isEqualTo(0);
        assertThat(repeat(d, "b0", SERVER_ERROR, 4, 31 * S)).isEmpty();
    }

    /**
     * Base 10s, max 35s, re-ejected right after each restore (no healthy interval, so no decay):
     * multiplier 1, 2, 3, 4, 5, 5 (it stops growing once m * base >= max + base) and durations
     * min(10 m, 35) = 10, 20, 30, 35, 35, 35.
     */
    @Test
    void ejectionTimeGrowsWithRepeatedEjectionsAndCaps() {
        OutlierDetector d = OutlierDetector.create(
                everyoneMayGo().baseEjectionTime(10 * S).maxEjectionTime(35 * S).build(), ids(2), 0);
        long now = 0;
        List<Long> durations = new ArrayList<>();
        List<Integer> multipliers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            OutlierEvent e = repeat(d, "b0", SERVER_ERROR, 5, now).get(0);
            durations.add(e.ejectionNanos() / S);
            multipliers.add(e.multiplier());
            now += e.ejectionNanos();
            assertThat(d.restoreDue(now)).hasSize(1);
        }
        assertThat(durations).containsExactly(10L, 20L, 30L, 35L, 35L, 35L);
        assertThat(multipliers).containsExactly(1, 2, 3, 4, 5, 5);
        assertThat(d.status("b0", now).orElseThrow().timesEjected()).isEqualTo(6);
    }

    @Test
    void multiplierDecaysByOneForEachHealthyInterval() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().interval(10 * S).build(), ids(2), 0);
        repeat(d, "b0", SERVER_ERROR, 5, 0);
        d.restoreDue(30 * S);
        repeat(d, "b0", SERVER_ERROR, 5, 30 * S);
        long restoredAt = 90 * S;
        d.restoreDue(restoredAt);
        assertThat(d.status("b0", restoredAt).orElseThrow().multiplier()).isEqualTo(2);

        d.evaluate(restoredAt + 5 * S);
        assertThat(d.status("b0", 0).orElseThrow().multiplier()).as("less than an interval").isEqualTo(2);
        d.evaluate(restoredAt + 10 * S);
        assertThat(d.status("b0", 0).orElseThrow().multiplier()).isEqualTo(1);
        d.evaluate(restoredAt + 20 * S);
        d.evaluate(restoredAt + 30 * S);
        assertThat(d.status("b0", 0).orElseThrow().multiplier()).as("never below 0").isZero();

        OutlierEvent again = repeat(d, "b0", SERVER_ERROR, 5, restoredAt + 31 * S).get(0);
        assertThat(again.ejectionNanos()).isEqualTo(30 * S);
    }

    @Test
    void defaultTenPercentEjectsNobodyInAClusterOfFewerThanTen() {
        OutlierDetector d = OutlierDetector.create(OutlierConfig.defaults(), ids(9), 0);
        List<OutlierEvent> events = repeat(d, "b0", SERVER_ERROR, 5, 0);
        assertThat(events).containsExactly(
                new OutlierEvent(SUPPRESSED, "b0", EjectionReason.CONSECUTIVE_5XX, 0, 0, 0));
        assertThat(d.ejected()).isEmpty();
        assertThat(d.stats().suppressed()).isEqualTo(1);
    }

    @Test
    void alwaysEjectOneHostAllowsOneEjectionInASmallCluster() {
        OutlierDetector d = OutlierDetector.create(
                OutlierConfig.builder().alwaysEjectOneHost(true).build(), ids(5), 0);
        assertThat(repeat(d, "b0", SERVER_ERROR, 5, 0)).extracting(OutlierEvent::kind).containsExactly(EJECTED);
        assertThat(repeat(d, "b1", SERVER_ERROR, 5, 0)).extracting(OutlierEvent::kind).containsExactly(SUPPRESSED);
        assertThat(d.ejected()).containsExactly("b0");
    }

    @Test
    void maxEjectionPercentCapsEjectionsAndRestoringFreesASlot() {
        OutlierDetector d = OutlierDetector.create(OutlierConfig.builder().maxEjectionPercent(20).build(), ids(10), 0);
        for (String id : List.of("b0", "b1", "b2")) {
            repeat(d, id, SERVER_ERROR, 5, 0);
        }
        assertThat(d.ejected()).containsExactly("b0", "b1");
        d.restoreDue(30 * S);
        assertThat(repeat(d, "b2", SERVER_ERROR, 5, 31 * S)).extracting(OutlierEvent::kind).containsExactly(EJECTED);
    }

    @Test
    void aSuppressedOutlierNeedsAFullNewRunOfFailures() {
        OutlierDetector d = OutlierDetector.create(OutlierConfig.defaults(), ids(5), 0);
        repeat(d, "b0", SERVER_ERROR, 5, 0);
        assertThat(repeat(d, "b0", SERVER_ERROR, 4, 0)).isEmpty();
        assertThat(d.record("b0", SERVER_ERROR, MS, 0)).extracting(OutlierEvent::kind).containsExactly(SUPPRESSED);
        assertThat(d.stats().suppressed()).isEqualTo(2);
    }

    @Test
    void zeroPercentEjectsNobodyEvenAlone() {
        OutlierDetector d = OutlierDetector.create(OutlierConfig.builder().maxEjectionPercent(0).build(), ids(1), 0);
        assertThat(repeat(d, "b0", SERVER_ERROR, 5, 0)).extracting(OutlierEvent::kind).containsExactly(SUPPRESSED);
    }

    @Test
    void aSingleBackendCanBeEjectedWhenThePercentAllowsAll() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(1), 0);
        repeat(d, "b0", SERVER_ERROR, 5, 0);
        assertThat(d.ejected()).containsExactly("b0");
    }

    @Test
    void anEmptyClusterIgnoresEverything() {
        OutlierDetector d = OutlierDetector.create(OutlierConfig.defaults(), List.of(), 0);
        assertThat(repeat(d, "ghost", SERVER_ERROR, 10, 0)).isEmpty();
        assertThat(d.evaluate(S)).isEmpty();
        assertThat(d.ejected()).isEmpty();
        assertThat(d.status("ghost", 0)).isEmpty();
        assertThat(d.stats().backends()).isZero();
    }

    @Test
    void resultsForUnknownBackendsAreIgnored() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(2), 0);
        assertThat(repeat(d, "b9", SERVER_ERROR, 10, 0)).isEmpty();
        assertThat(d.isEjected("b9")).isFalse();
        assertThat(d.health("b9")).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void removingAnEjectedBackendFreesItsSlot() {
        OutlierDetector d = OutlierDetector.create(OutlierConfig.builder().alwaysEjectOneHost(true).build(),
                ids(5), 0);
        repeat(d, "b0", SERVER_ERROR, 5, 0);
        d.setBackends(List.of("b1", "b2", "b3", "b4"), S);
        assertThat(d.ejected()).isEmpty();
        assertThat(repeat(d, "b1", SERVER_ERROR, 5, S)).extracting(OutlierEvent::kind).containsExactly(EJECTED);
    }

    @Test
    void aReaddedBackendStartsFresh() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(2), 0);
        repeat(d, "b0", SERVER_ERROR, 5, 0);
        d.setBackends(List.of("b1"), S);
        d.setBackends(List.of("b0", "b1"), 2 * S);
        assertThat(d.isEjected("b0")).isFalse();
        assertThat(d.status("b0", 2 * S).orElseThrow().timesEjected()).isZero();
        assertThat(d.restoreDue(100 * S)).as("the old ejection is gone with the old member").isEmpty();
    }

    @Test
    void membershipChangesKeepTheStateOfBackendsThatStay() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(3), 0);
        repeat(d, "b1", SERVER_ERROR, 3, 0);
        d.setBackends(List.of("b1", "b2", "b7"), S);
        assertThat(d.status("b1", S).orElseThrow().consecutiveFailures()).isEqualTo(3);
        assertThat(d.status("b0", S)).isEmpty();
    }

    @Test
    void duplicateBackendIdsAreRefused() {
        assertThatThrownBy(() -> OutlierDetector.create(OutlierConfig.defaults(), List.of("a", "b", "a"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
    }

    /** Records 100 requests per backend at the given latencies, one every 10 ms. */
    private static void traffic(OutlierDetector d, long[] latencyMs, int requests, long start) {
        for (int r = 0; r < requests; r++) {
            for (int i = 0; i < latencyMs.length; i++) {
                d.record("b" + i, SUCCESS, latencyMs[i] * MS, start + r * 10 * MS);
            }
        }
    }

    private static OutlierConfig.Builder latencyRule() {
        return OutlierConfig.builder().maxEjectionPercent(50).latencyFactor(3).latencyMinimumRequests(100)
                .latencyMinimumHosts(5);
    }

    /** Costs 10, 11, 12, 13, 60 ms: median 12, threshold 36, so b4 alone is an outlier. */
    @Test
    void latencyOutlierIsEjectedAtTheSweep() {
        OutlierDetector d = OutlierDetector.create(latencyRule().build(), ids(5), 0);
        traffic(d, new long[]{10, 11, 12, 13, 60}, 100, 0);
        assertThat(d.isEjected("b4")).as("the rule runs at the sweep, not inline").isFalse();
        List<OutlierEvent> events = d.evaluate(S);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(EJECTED);
            assertThat(e.backendId()).isEqualTo("b4");
            assertThat(e.reason()).isEqualTo(EjectionReason.LATENCY);
        });
        assertThat(d.stats().latencyEjections()).isEqualTo(1);
    }

    @Test
    void latencyWithinTheFactorIsNotAnOutlier() {
        OutlierDetector d = OutlierDetector.create(latencyRule().build(), ids(5), 0);
        traffic(d, new long[]{10, 11, 12, 13, 35}, 100, 0);
        assertThat(d.evaluate(S)).isEmpty();
    }

    @Test
    void latencyRuleIgnoresBackendsBelowTheRequestVolume() {
        OutlierDetector d = OutlierDetector.create(latencyRule().latencyMinimumHosts(4).build(), ids(5), 0);
        traffic(d, new long[]{10, 11, 12, 13}, 100, 0);
        for (int r = 0; r < 99; r++) {
            d.record("b4", SUCCESS, 90 * MS, r * 10 * MS);
        }
        assertThat(d.evaluate(S)).isEmpty();
    }

    @Test
    void latencyRuleNeedsTheMinimumNumberOfJudgedBackends() {
        OutlierDetector d = OutlierDetector.create(latencyRule().latencyMinimumHosts(6).build(), ids(5), 0);
        traffic(d, new long[]{10, 11, 12, 13, 90}, 100, 0);
        assertThat(d.evaluate(S)).isEmpty();
    }

    @Test
    void latencyRuleIsOffWithFactorZero() {
        OutlierDetector d = OutlierDetector.create(latencyRule().latencyFactor(0).build(), ids(5), 0);
        traffic(d, new long[]{10, 11, 12, 13, 900}, 100, 0);
        assertThat(d.evaluate(S)).isEmpty();
    }

    @Test
    void latencyRuleCountsOnlyThisIntervalsRequests() {
        OutlierDetector d = OutlierDetector.create(latencyRule().build(), ids(5), 0);
        traffic(d, new long[]{10, 11, 12, 13, 14}, 60, 0);
        d.evaluate(S);
        assertThat(d.status("b0", S).orElseThrow().requestsThisInterval()).isZero();
        traffic(d, new long[]{10, 11, 12, 13, 90}, 60, S);
        assertThat(d.evaluate(2 * S)).as("60 + 60 requests, but only 60 in this interval").isEmpty();
    }

    /** Ten backends, two slow, budget of one (10%): the slower one goes, the other is suppressed. */
    @Test
    void latencyEjectsTheWorstFirstWhenTheBudgetIsShort() {
        OutlierDetector d = OutlierDetector.create(latencyRule().maxEjectionPercent(10).build(), ids(10), 0);
        traffic(d, new long[]{10, 10, 60, 10, 10, 10, 90, 10, 10, 10}, 100, 0);
        List<OutlierEvent> events = d.evaluate(S);
        assertThat(events).extracting(OutlierEvent::kind, OutlierEvent::backendId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EJECTED, "b6"),
                        org.assertj.core.groups.Tuple.tuple(SUPPRESSED, "b2"));
    }

    @Test
    void allZeroLatenciesJudgeNobody() {
        OutlierDetector d = OutlierDetector.create(latencyRule().build(), ids(5), 0);
        traffic(d, new long[]{0, 0, 0, 0, 0}, 100, 0);
        assertThat(d.evaluate(S)).isEmpty();
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(EnvoyOutlierDetector.median(new double[]{4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(EnvoyOutlierDetector.median(new double[]{5, 1, 3})).isEqualTo(3);
        assertThat(EnvoyOutlierDetector.median(new double[]{7})).isEqualTo(7);
    }

    @Test
    void rejectsOutOfRangeSettingsNamingTheValueAndRange() {
        assertThatThrownBy(() -> OutlierConfig.builder().consecutive5xx(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("consecutive-5xx: -1 is out of range; a whole number from 0 to 10000");
        assertThatThrownBy(() -> OutlierConfig.builder().maxEjectionPercent(101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-ejection-percent: 101 is out of range; a whole number from 0 to 100");
        assertThatThrownBy(() -> OutlierConfig.builder().interval(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval: 0ns is out of range; a duration from 1ms to 1h");
        assertThatThrownBy(() -> OutlierConfig.builder().latencyFactor(1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latency-factor: 1 is out of range; 0 (rule off) or a number > 1 and <= 1000");
        assertThatThrownBy(() -> OutlierConfig.builder().latencyFactor(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsMaxEjectionTimeShorterThanBase() {
        assertThatThrownBy(() -> OutlierConfig.builder().baseEjectionTime(60 * S).maxEjectionTime(30 * S).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-ejection-time: 30s is shorter than base-ejection-time (1m); it must be at least that");
    }

    @Test
    void nextRestoreIsTheEarliestEjectionEnd() {
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(3), 0);
        repeat(d, "b0", SERVER_ERROR, 5, 10 * S);
        repeat(d, "b1", SERVER_ERROR, 5, 5 * S);
        assertThat(d.nextRestoreAtNanos()).isEqualTo(Optional.of(35 * S));
    }

    @Test
    void clockNearLongMaxDoesNotOverflowTheRestoreTime() {
        long t0 = Long.MAX_VALUE - 10 * S;
        OutlierDetector d = OutlierDetector.create(everyoneMayGo().build(), ids(2), t0);
        repeat(d, "b0", SERVER_ERROR, 5, t0);
        assertThat(d.restoreDue(t0 + 5 * S)).isEmpty();
        assertThat(d.restoreDue(t0 + 30 * S)).hasSize(1);
    }

    /**
     * Four threads hammer 20 backends with failures. The budget (10% of 20 = 2) must hold however
     * the ejection attempts interleave, and every counted ejection must be a backend ejected now.
     */
    @Test
    void concurrentFailuresNeverExceedTheBudget() throws Exception {
        OutlierDetector d = OutlierDetector.create(OutlierConfig.builder().consecutive5xx(3).build(), ids(20), 0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            futures.add(pool.submit(() -> {
                start.await();
                int maxSeen = 0;
                for (int i = 0; i < 50_000; i++) {
                    d.record("b" + ((i + offset) % 20), SERVER_ERROR, MS, i);
                    if ((i & 255) == 0) {
                        maxSeen = Math.max(maxSeen, d.ejected().size());
                    }
                }
                return maxSeen;
            }));
        }
        start.countDown();
        for (Future<Integer> f : futures) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isLessThanOrEqualTo(2);
        }
        pool.shutdown();
        assertThat(d.ejected()).hasSize(2);
        assertThat(d.stats().ejections()).isEqualTo(2);
        assertThat(d.stats().ejectedNow()).isEqualTo(2);
    }
}
