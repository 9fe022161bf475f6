package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    private static final List<Target> ALL = List.of(Target.DIRECT, Target.SLUICE, Target.HAPROXY, Target.NGINX);

    static Run run(int threads, int round, Target target, double rps, double p50, double p99, long non2xx) {
        return new Run(threads, 64, round, target,
                new WrkResult(rps, (long) rps * 10, p50, p50 * 1.2, p50 * 1.5, p99, 0, 0, 0, 0, non2xx),
                10.0 + round);
    }

    /** Three rounds per target; each target has one outlier round that the medians must ignore. */
    static List<Run> threeRounds(double sluiceRps, double sluiceP99) {
        List<Run> runs = new ArrayList<>();
        double[] factor = {1.0, 0.4, 1.02};
        for (int round = 1; round <= 3; round++) {
            double f = factor[round - 1];
            runs.add(run(1, round, Target.DIRECT, 50_000 * f, 300, 1_000 / f, 0));
            runs.add(run(1, round, Target.SLUICE, sluiceRps * f, 600, sluiceP99 / f, 0));
            runs.add(run(1, round, Target.HAPROXY, 25_000 * f, 700, 2_500 / f, 0));
            runs.add(run(1, round, Target.NGINX, 20_000 * f, 800, 3_000 / f, 0));
        }
        return runs;
    }

    @Test
    void mediansIgnoreTheDisturbedRoundAndRatiosAreOfTheMedians() {
        Comparison c = Comparison.of(1, 64, ALL, threeRounds(30_000, 2_000), Map.of());
        // Sluice req/s over the rounds: 30,000, 12,000, 30,600 -> median 30,000; HAProxy's 25,000.
        Comparison.Row sluice = c.row(Target.SLUICE);
        assertThat(sluice.rounds()).isEqualTo(3);
        assertThat(sluice.requestsPerSecond()).isCloseTo(30_000, within(1e-6));
        // p99: 2000, 5000, 1960.78 -> 2000; HAProxy: 2500, 6250, 2450.98 -> 2500.
        assertThat(sluice.p99Micros()).isCloseTo(2_000, within(1e-6));
        assertThat(sluice.p50Micros()).isCloseTo(600, within(1e-6));
        assertThat(sluice.cpuMicrosPerRequest()).isCloseTo(12, within(1e-6));
        assertThat(c.sluiceRequestsPerSecondRatio()).isCloseTo(1.2, within(1e-9));
        assertThat(c.sluiceP99Ratio()).isCloseTo(0.8, within(1e-9));
        assertThat(c.verdict()).isEqualTo(Comparison.Verdict.MET);
        assertThat(c.row(Target.HAPROXY).requestsPerSecondVsHaproxy()).isEqualTo(1.0);
        assertThat(c.row(Target.DIRECT).requestsPerSecondVsHaproxy()).isCloseTo(2.0, within(1e-9));
        assertThat(c.row(Target.NGINX).p99VsHaproxy()).isCloseTo(1.2, within(1e-9));
    }

    @Test
    void kafkaFedSluiceIsComparedWithStaticSluiceOfTheSameRun() {
        List<Target> targets = List.of(Target.DIRECT, Target.SLUICE, Target.SLUICE_KAFKA, Target.HAPROXY, Target.NGINX);
        List<Run> runs = new ArrayList<>(threeRounds(30_000, 2_000));
        double[] factor = {1.0, 0.4, 1.02};
        for (int round = 1; round <= 3; round++) {
            // 97 % of static Sluice's req/s, p99 1.1x, in every round: the ratio of the medians is 0.97
            runs.add(run(1, round, Target.SLUICE_KAFKA, 29_100 * factor[round - 1], 600, 2_200 / factor[round - 1], 0));
        }
        Comparison c = Comparison.of(1, 64, targets, runs, Map.of());
        assertThat(c.kafkaRequestsPerSecondRatio()).isCloseTo(0.97, within(1e-9));
        assertThat(c.kafkaLine()).isEqualTo(
                "Sluice with Kafka / static at 1 thread, c=64: 0.97x req/s, 1.10x p99: target met (needs >= 0.95x req/s)");
        assertThat(c.toMarkdown()).contains("| sluice-kafka | 3 | 29,100 |").contains(c.kafkaLine());

        List<Run> slow = new ArrayList<>(threeRounds(30_000, 2_000));
        for (int round = 1; round <= 3; round++) {
            slow.add(run(1, round, Target.SLUICE_KAFKA, 27_000 * factor[round - 1], 600, 2_000, 0));
        }
        assertThat(Comparison.of(1, 64, targets, slow, Map.of()).kafkaLine()).contains("0.90x req/s").contains("missed");
        // without the Kafka target there is no such line
        assertThat(Comparison.of(1, 64, ALL, threeRounds(30_000, 2_000), Map.of()).toMarkdown())
                .doesNotContain("Sluice with Kafka");
    }

    @Test
    void rowsFollowTheTargetOrder() {
        Comparison c = Comparison.of(1, 64, ALL, threeRounds(30_000, 2_000), Map.of());
        assertThat(c.rows()).extracting(Comparison.Row::target).containsExactlyElementsOf(ALL);
    }

    @Test
    void perRoundRatiosPairSluiceWithHaproxyOfTheSameRound() {
        Comparison c = Comparison.of(1, 64, ALL, threeRounds(30_000, 2_000), Map.of());
        assertThat(c.roundRatios()).extracting(Comparison.RoundRatio::round).containsExactly(1, 2, 3);
        // Both scaled by the same factor in each round: the paired ratio is 1.2 every time.
        assertThat(c.roundRatios()).allSatisfy(r -> {
            assertThat(r.requestsPerSecond()).isCloseTo(1.2, within(1e-9));
            assertThat(r.p99()).isCloseTo(0.8, within(1e-9));
        });
    }

    @Test
    void exactlyEqualToHaproxyMeetsTheTarget() {
        Comparison c = Comparison.of(1, 64, ALL, threeRounds(25_000, 2_500), Map.of());
        assertThat(c.sluiceRequestsPerSecondRatio()).isEqualTo(1.0);
        assertThat(c.sluiceP99Ratio()).isEqualTo(1.0);
        assertThat(c.verdict()).isEqualTo(Comparison.Verdict.MET);
    }

    @Test
    void fewerRequestsPerSecondMissesTheTarget() {
        Comparison c = Comparison.of(1, 64, ALL, threeRounds(24_000, 2_000), Map.of());
        assertThat(c.sluiceRequestsPerSecondRatio()).isCloseTo(0.96, within(1e-9));
        assertThat(c.verdict()).isEqualTo(Comparison.Verdict.MISSED);
        assertThat(c.verdictLine()).contains("0.96x req/s").contains("target missed");
    }

    @Test
    void aHigherP99MissesTheTargetEvenWithMoreRequests() {
        Comparison c = Comparison.of(1, 64, ALL, threeRounds(40_000, 2_600), Map.of());
        assertThat(c.sluiceRequestsPerSecondRatio()).isCloseTo(1.6, within(1e-9));
        assertThat(c.sluiceP99Ratio()).isCloseTo(1.04, within(1e-9));
        assertThat(c.verdict()).isEqualTo(Comparison.Verdict.MISSED);
    }

    @Test
    void errorsMissTheTargetWhateverTheRatios() {
        List<Run> runs = new ArrayList<>(threeRounds(30_000, 2_000));
        runs.set(1, run(1, 1, Target.SLUICE, 30_000, 600, 2_000, 5));
        Comparison c = Comparison.of(1, 64, ALL, runs, Map.of());
        assertThat(c.row(Target.SLUICE).errors()).isEqualTo(5);
        assertThat(c.verdict()).isEqualTo(Comparison.Verdict.MISSED);
        assertThat(c.verdictLine()).contains("with errors");
        assertThat(c.toMarkdown()).contains("| 5 ! |");
    }

    @Test
    void withoutSluiceThereIsNoVerdictButTheOthersAreCompared() {
        List<Run> runs = threeRounds(30_000, 2_000).stream().filter(r -> r.target() != Target.SLUICE).toList();
        List<Target> targets = List.of(Target.DIRECT, Target.HAPROXY, Target.NGINX);
        Comparison c = Comparison.of(1, 64, targets, runs, Map.of());
        assertThat(c.row(Target.SLUICE)).isNull();
        assertThat(c.sluiceRequestsPerSecondRatio()).isNaN();
        assertThat(c.verdict()).isEqualTo(Comparison.Verdict.NOT_MEASURED);
        assertThat(c.verdictLine()).contains("not measured (Sluice not run)");
        assertThat(c.roundRatios()).isEmpty();
        assertThat(c.row(Target.NGINX).requestsPerSecondVsHaproxy()).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void aTargetThatFailedToStartHasARowWithItsReasonAndNoNumbers() {
        List<Run> runs = threeRounds(30_000, 2_000).stream().filter(r -> r.target() != Target.SLUICE).toList();
        Comparison c = Comparison.of(1, 64, ALL, runs, Map.of(Target.SLUICE, "did not start: exited with code 1"));
        Comparison.Row sluice = c.row(Target.SLUICE);
        assertThat(sluice.rounds()).isZero();
        assertThat(sluice.requestsPerSecond()).isNaN();
        assertThat(sluice.failure()).isEqualTo("did not start: exited with code 1");
        assertThat(c.verdict()).isEqualTo(Comparison.Verdict.NOT_MEASURED);
        assertThat(c.verdictLine()).contains("no successful rounds");
        assertThat(c.toMarkdown()).contains("| sluice | 0 | - |").contains("sluice: did not start: exited with code 1");
    }

    @Test
    void aTargetThatFailedMidwayKeepsItsEarlierRounds() {
        List<Run> runs = threeRounds(30_000, 2_000).stream()
                .filter(r -> r.target() != Target.SLUICE || r.round() == 1).toList();
        Comparison c = Comparison.of(1, 64, ALL, runs, Map.of(Target.SLUICE, "exited with code 137"));
        assertThat(c.row(Target.SLUICE).rounds()).isEqualTo(1);
        assertThat(c.row(Target.SLUICE).failure()).contains("137");
        assertThat(c.sluiceRequestsPerSecondRatio()).isCloseTo(1.2, within(1e-9));
    }

    @Test
    void withoutHaproxyNoRatioCanBeFormed() {
        List<Run> runs = threeRounds(30_000, 2_000).stream().filter(r -> r.target() != Target.HAPROXY).toList();
        Comparison c = Comparison.of(1, 64, ALL, runs, Map.of(Target.HAPROXY, "could not start"));
        assertThat(c.row(Target.SLUICE).requestsPerSecondVsHaproxy()).isNaN();
        assertThat(c.verdict()).isEqualTo(Comparison.Verdict.NOT_MEASURED);
    }

    @Test
    void aRunOfAnotherThreadCountIsRefused() {
        List<Run> runs = List.of(run(2, 1, Target.HAPROXY, 1, 1, 1, 0));
        assertThatThrownBy(() -> Comparison.of(1, 64, ALL, runs, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMarkdownTableHasOneLinePerTargetInWrksUnits() {
        String md = Comparison.of(1, 64, ALL, threeRounds(30_000, 2_000), Map.of()).toMarkdown();
        assertThat(md).contains("| target | rounds | req/s | p50 | p99 |")
                .contains("| sluice | 3 | 30,000 | 600us | 2.00ms | 12us | 0 | 1.20x | 0.80x |")
                .contains("| haproxy | 3 | 25,000 | 700us | 2.50ms | 12us | 0 | 1.00x | 1.00x |")
                .contains("Sluice / HAProxy at 1 thread, c=64: 1.20x req/s, 0.80x p99: target met");
    }

    @Test
    void formattingFollowsWrksUnits() {
        assertThat(Comparison.formatMicros(486)).isEqualTo("486us");
        assertThat(Comparison.formatMicros(8.61)).isEqualTo("8.6us");
        assertThat(Comparison.formatMicros(2_890)).isEqualTo("2.89ms");
        assertThat(Comparison.formatMicros(1_110_000)).isEqualTo("1.11s");
        assertThat(Comparison.formatMicros(Double.NaN)).isEqualTo("-");
        assertThat(Comparison.formatRate(16_983.07)).isEqualTo("16,983");
        assertThat(Comparison.formatRatio(0.9549)).isEqualTo("0.95x");
        assertThat(Comparison.formatRatio(Double.NaN)).isEqualTo("-");
    }
}
