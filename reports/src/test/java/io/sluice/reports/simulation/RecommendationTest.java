package io.sluice.reports.simulation;

import static io.sluice.reports.simulation.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.reports.simulation.Recommendation.Verdict;
import io.sluice.reports.simulation.SimulationResults.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recommendation rule, one step at a time, and its edges. */
class RecommendationTest {
    @Test
    void theJavadocExampleTheRunThatFailsMostIsOutAndTheTwoTiedOnP99AreDecidedByTheMean() {
        // Failed 0.03 %, 0.05 %, 2 %; p99 120, 118, 90. Limit 0.13 %: C is out. 120 <= 118 x 1.02 = 120.36: tied.
        Run a = run("a", 0.0003, 120.0, 20.0, 0.9);
        Run b = run("b", 0.0005, 118.0, 25.0, 0.9);
        Run c = run("c", 0.02, 90.0, 10.0, 0.9);
        Recommendation rec = Recommendation.of(List.of(a, b, c));
        assertThat(rec.winner()).containsSame(a);
        assertThat(rec.verdicts()).extracting(Verdict::reason).containsExactly("recommended",
                "mean latency 25.00 ms, more than 2 % above the lowest (20.00 ms)",
                "failed 2.00 % of requests, more than 0.1 percentage point above the best (0.030 %)");
    }

    /** The class comment's worked example with seeds: A [118, 124], B [121, 127], C [130, 134]. */
    @Test
    void withIntervalsOverlappingP99sTieAndASeparateOneIsOut() {
        double[] ok = {0.0003, 0.0002, 0.0004};
        Run a = Runs.withIntervals("a", ok, new double[] {121, 118, 124}, new double[] {20, 19, 21}, 0.9);
        Run b = Runs.withIntervals("b", ok, new double[] {124, 121, 127}, new double[] {15, 14, 16}, 0.9);
        Run c = Runs.withIntervals("c", ok, new double[] {132, 130, 134}, new double[] {10, 9, 11}, 0.9);
        Recommendation rec = Recommendation.of(List.of(a, b, c));
        assertThat(rec.withIntervals()).isTrue();
        assertThat(rec.rule()).isEqualTo(Recommendation.RULE_WITH_INTERVALS);
        // A and B tie on p99; B's mean interval [14, 16] lies below A's [19, 21]: B wins.
        assertThat(rec.winner()).containsSame(b);
        assertThat(rec.verdicts()).extracting(Verdict::reason).containsExactly(
                "mean latency 20.00 [19.00, 21.00] ms, wholly above the lowest 15.00 [14.00, 16.00] ms",
                "recommended",
                "p99 132.0 [130.0, 134.0] ms, wholly above the lowest 121.0 [118.0, 124.0] ms");
        // On one seed the 2 % rule would have put B out on p99 (124 > 121 x 1.02 = 123.42).
        Recommendation one = Recommendation.of(List.of(run("a", 0.0003, 121.0, 20.0, 0.9),
                run("b", 0.0003, 124.0, 15.0, 0.9)));
        assertThat(one.withIntervals()).isFalse();
        assertThat(one.winner().orElseThrow().strategy()).isEqualTo("a");
    }

    @Test
    void withIntervalsAFailedShareIsOutOnlyWhenItsWholeIntervalIsPastTheBestPlusTheTolerance() {
        // Best failed share [0.1 %, 0.3 %]: the limit is 0.3 % + 0.1 point = 0.4 %. A run at [0.35 %, 0.6 %]
        // may be as good and stays; one at [0.45 %, 0.5 %] is out however fast.
        Run best = Runs.withIntervals("best", new double[] {0.002, 0.001, 0.003}, new double[] {200, 190, 210},
                new double[] {20, 19, 21}, 1.0);
        Run maybe = Runs.withIntervals("maybe", new double[] {0.004, 0.0035, 0.006}, new double[] {100, 95, 105},
                new double[] {20, 19, 21}, 1.0);
        Run worse = Runs.withIntervals("worse", new double[] {0.0047, 0.0045, 0.005}, new double[] {50, 45, 55},
                new double[] {20, 19, 21}, 1.0);
        Recommendation rec = Recommendation.of(List.of(best, maybe, worse));
        assertThat(rec.winner()).containsSame(maybe);
        assertThat(rec.verdicts().get(2).reason()).startsWith("failed 0.470 % [0.450 %, 0.500 %] of requests,"
                + " wholly above the best 0.200 % [0.100 %, 0.300 %]");
    }

    @Test
    void withIntervalsAnUnboundedIntervalFallsBackToTheTwoPerCentRuleOnItsMean() {
        Run bounded = Runs.withIntervals("bounded", new double[] {0, 0, 0}, new double[] {100, 95, 105},
                new double[] {20, 19, 21}, 1.0);
        Run unbounded = Runs.withIntervals("unbounded", new double[] {0, 0, 0}, new double[] {104},
                new double[] {10}, 1.0);
        Recommendation rec = Recommendation.of(List.of(bounded, unbounded));
        assertThat(rec.winner()).containsSame(bounded);
        assertThat(rec.verdicts().get(1).reason()).contains("more than 2 % above the lowest");
    }

    @Test
    void aRunExactlyAtTheFailureLimitStaysIn() {
        // Best 0.1 %, limit 0.2 %: the 0.2 % run is at the limit, not above it, and has the lower p99.
        Run best = run("best", 0.001, 200.0, 20.0, 1.0);
        Run atLimit = run("at-limit", 0.002, 100.0, 20.0, 1.0);
        assertThat(Recommendation.of(List.of(best, atLimit)).winner()).containsSame(atLimit);
    }

    @Test
    void aP99MoreThanTwoPerCentAboveTheLowestLoses() {
        // 100 x 1.02 = 102: 102.5 is out even with a lower mean.
        Run low = run("low", 0, 100.0, 30.0, 1.0);
        Run high = run("high", 0, 102.5, 5.0, 1.0);
        Recommendation rec = Recommendation.of(List.of(high, low));
        assertThat(rec.winner()).containsSame(low);
        assertThat(rec.verdicts().get(0).reason()).isEqualTo("p99 102.5 ms, more than 2 % above the lowest (100.0 ms)");
    }

    @Test
    void aTieOnBothLatenciesGoesToTheFairerRun() {
        Run uneven = run("uneven", 0, 100.0, 20.0, 0.80);
        Run even = run("even", 0, 101.0, 20.3, 0.95);
        Recommendation rec = Recommendation.of(List.of(uneven, even));
        assertThat(rec.winner()).containsSame(even);
        assertThat(rec.verdicts().get(0).reason()).isEqualTo("tied on latency; fairness 0.800 below 0.950");
    }

    @Test
    void aMissingFairnessCountsAsZero() {
        Run unknown = run("unknown", 0, 100.0, 20.0, null);
        Run known = run("known", 0, 100.0, 20.0, 0.5);
        assertThat(Recommendation.of(List.of(unknown, known)).winner()).containsSame(known);
    }

    @Test
    void aCompleteTieGoesToTheRunListedFirst() {
        Run first = run("first", 0, 100.0, 20.0, 1.0);
        Run second = run("second", 0, 100.0, 20.0, 1.0);
        Recommendation rec = Recommendation.of(List.of(first, second));
        assertThat(rec.winner()).containsSame(first);
        assertThat(rec.verdicts().get(1).reason()).isEqualTo("tied with first on every criterion; listed after it");
    }

    @Test
    void twoEqualRunsWithTheSameLabelAreStillTwoVerdicts() {
        Run one = run("same", 0, 100.0, 20.0, 1.0);
        Run other = run("same", 0, 100.0, 20.0, 1.0);
        assertThat(one).isEqualTo(other);
        Recommendation rec = Recommendation.of(List.of(one, other));
        assertThat(rec.verdicts()).extracting(Verdict::chosen).containsExactly(true, false);
    }

    @Test
    void runsThatCompletedNothingAreOutAndIfAllAreThereIsNoRecommendation() {
        Run none = run("none", 0, null, null, null);
        Run some = run("some", 0.5, 900.0, 300.0, 0.2);
        Recommendation rec = Recommendation.of(List.of(none, some));
        assertThat(rec.winner()).containsSame(some);
        assertThat(rec.verdicts().get(0).reason()).isEqualTo("completed nothing, so it has no p99");

        Recommendation nothing = Recommendation.of(List.of(none));
        assertThat(nothing.winner()).isEmpty();
        assertThat(nothing.baseline()).isEmpty();
        assertThat(nothing.verdicts()).extracting(Verdict::chosen).containsExactly(false);
    }

    @Test
    void aSingleRunIsRecommendedWithNothingToCompare() {
        Run only = run("only", 0, 100.0, 20.0, 1.0);
        Recommendation rec = Recommendation.of(List.of(only));
        assertThat(rec.winner()).containsSame(only);
        assertThat(rec.baseline()).isEmpty();
    }

    @Test
    void theBaselineIsRoundRobinWhenThereIsOneElseTheRunnerUp() {
        Run rr = run("round-robin", 0, 300.0, 30.0, 1.0);
        Run p2c = run("p2c", 0, 100.0, 20.0, 1.0);
        Run random = run("random", 0, 200.0, 25.0, 1.0);
        Recommendation withRr = Recommendation.of(List.of(rr, p2c, random));
        assertThat(withRr.baseline()).containsSame(rr);
        assertThat(withRr.baselineIsRoundRobin()).isTrue();

        Recommendation withoutRr = Recommendation.of(List.of(p2c, random));
        assertThat(withoutRr.baseline()).containsSame(random);
        assertThat(withoutRr.baselineIsRoundRobin()).isFalse();

        // Round robin winning is compared with the runner-up.
        Run fastRr = run("round-robin", 0, 50.0, 10.0, 1.0);
        Recommendation rrWins = Recommendation.of(List.of(fastRr, p2c, random));
        assertThat(rrWins.winner()).containsSame(fastRr);
        assertThat(rrWins.baseline()).containsSame(p2c);
        assertThat(rrWins.baselineIsRoundRobin()).isFalse();
    }

    @Test
    void aRunIsRoundRobinByLabelOrBySpec() {
        Run labelled = run("rr", 0, 1.0, 1.0, 1.0);
        Run bySpec = new Run("rr", "round-robin", null, 1, labelled.summary(), null, List.of(),
                labelled.latencyHistogram(), List.of(), labelled.timeSeries());
        assertThat(Recommendation.isRoundRobin(labelled)).isFalse();
        assertThat(Recommendation.isRoundRobin(bySpec)).isTrue();
        assertThat(Recommendation.isRoundRobin(run("round-robin", 0, 1.0, 1.0, 1.0))).isTrue();
    }

    @Test
    void noRunsIsAnError() {
        assertThatThrownBy(() -> Recommendation.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentagesKeepSmallRatesReadable() {
        assertThat(Recommendation.percent(0.00027)).isEqualTo("0.027 %");
        assertThat(Recommendation.percent(0.0000017)).isEqualTo("0.00017 %");
        assertThat(Recommendation.percent(0.0302)).isEqualTo("3.02 %");
        assertThat(Recommendation.percent(0.25)).isEqualTo("25.0 %");
        assertThat(Recommendation.percent(0)).isEqualTo("0 %");
        assertThat(Recommendation.millis(0.9123)).isEqualTo("0.912");
        assertThat(Recommendation.millis(120.4)).isEqualTo("120");
    }
}
