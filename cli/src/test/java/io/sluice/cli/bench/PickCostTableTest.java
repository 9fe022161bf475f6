package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sluice.cli.bench.PickCostTable.Cell;
import io.sluice.cli.bench.PickCostTable.Row;
import io.sluice.reports.jmh.JmhResult;
import io.sluice.reports.jmh.JmhResults;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The summary of the hand-written fixtures pick-t1.json and pick-t2.json. Every expected number is
 * worked out in a comment from the fixture's rawData.
 */
class PickCostTableTest {
    private static final List<String> ORDER = List.of("round-robin", "weighted-random", "random", "maglev");

    private PickCostTable table;

    private static Path fixture(String name) {
        try {
            return Path.of(PickCostTableTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void readFixtures() {
        table = PickCostTable.of(JmhResults.read(List.of(fixture("pick-t1.json"), fixture("pick-t2.json"))), ORDER);
    }

    @Test
    void rowsFollowTheGivenOrderEqualWeightsFirstUnknownStrategiesLast() {
        assertThat(table.rows()).extracting(Row::label).containsExactly(
                "round-robin", "weighted-random", "weighted-random (weights 1..10)", "random", "maglev", "jump-hash");
    }

    @Test
    void backendCountsAreTheMeasuredOnesAscending() {
        assertThat(table.backendCounts()).containsExactly(10, 1000);
    }

    @Test
    void cellsHoldTheMedianNotTheMeanOfEachThreadCount() {
        // 1 thread: [3, 1, 2, 5, 4] -> 3. 2 threads: [4, 3, 5, 6] -> (4 + 5) / 2 = 4.5.
        assertThat(row("round-robin", "1").cell(10)).isEqualTo(new Cell(3.0, 4.5));
        // 1 thread: [20, 30, 26, 24, 50] -> 26 (mean 30). 2 threads, two forks [22, 24] + [23, 100, 21]
        // -> 21, 22, 23, 24, 100 -> 23 (mean 38).
        assertThat(row("round-robin", "1").cell(1000)).isEqualTo(new Cell(26.0, 23.0));
    }

    @Test
    void throughputRatioIsTwiceTheOneThreadTimeOverTheTwoThreadTime() {
        // Two threads at 4.5 ns each do 2 / 4.5 picks per ns; one at 3 ns does 1 / 3: ratio 2 * 3 / 4.5 = 1.333.
        assertThat(row("round-robin", "1").cell(10).throughputRatio()).isCloseTo(4.0 / 3.0, within(1e-12));
        // 2 * 26 / 23 = 2.2609: faster each with two threads than alone (the fixture's noise).
        assertThat(row("round-robin", "1").cell(1000).throughputRatio()).isCloseTo(52.0 / 23.0, within(1e-12));
        // 2 * 100 / 100: perfect scaling.
        assertThat(row("random", "1").cell(1000).throughputRatio()).isEqualTo(2.0);
    }

    @Test
    void aMissingRunLeavesNanAndNoRatio() {
        // jump-hash and the weighted row ran with 1 thread only; weighted-random never ran at 1000.
        assertThat(row("jump-hash", "1").cell(1000).twoThreadNanos()).isNaN();
        assertThat(row("jump-hash", "1").cell(1000).throughputRatio()).isNaN();
        assertThat(row("weighted-random", "1..10").cell(10)).isEqualTo(new Cell(8.0, Double.NaN));
        assertThat(row("weighted-random", "1").cell(1000).oneThreadNanos()).isNaN();
    }

    @Test
    void otherUnitsAreConvertedToNanoseconds() {
        // jump-hash reported [0.012, 0.010, 0.011] us/op: median 0.011 us = 11 ns.
        assertThat(row("jump-hash", "1").cell(1000).oneThreadNanos()).isCloseTo(11.0, within(1e-9));
    }

    @Test
    void otherBenchmarksAndOtherThreadCountsAreIgnored() {
        // The fixture's 4-thread round-robin run at 10 backends (999 ns) and SomethingElse.run are not in the table.
        assertThat(row("round-robin", "1").cell(10).twoThreadNanos()).isEqualTo(4.5);
        assertThat(table.rows()).hasSize(6);
    }

    @Test
    void pickTargetsApplyAtOneThousandBackendsToTheirStrategiesOnly() {
        assertThat(PickCostTable.pickTargetNanos("round-robin")).hasValue(25.0);
        assertThat(PickCostTable.pickTargetNanos("p2c-least-request")).hasValue(25.0);
        assertThat(PickCostTable.pickTargetNanos("p2c-peak-ewma")).hasValue(25.0);
        assertThat(PickCostTable.pickTargetNanos("p2c-utilisation")).hasValue(25.0);
        assertThat(PickCostTable.pickTargetNanos("maglev")).hasValue(15.0);
        assertThat(PickCostTable.pickTargetNanos("jump-hash")).hasValue(15.0);
        assertThat(PickCostTable.pickTargetNanos("p2c-peak-ewma[sampling=uniform]")).hasValue(25.0);
        // Every other strategy: no strategy may be too slow to deploy at 1000 backends.
        assertThat(PickCostTable.pickTargetNanos("response-time-weighted")).hasValue(100.0);
        assertThat(PickCostTable.pickTargetNanos("random")).hasValue(100.0);

        assertThat(PickCostTable.pickMissesTarget("round-robin", 1000, 26.0)).isTrue();
        assertThat(PickCostTable.pickMissesTarget("round-robin", 1000, 25.0)).as("at the target is fine").isFalse();
        assertThat(PickCostTable.pickMissesTarget("round-robin", 100, 26.0)).as("only at 1000").isFalse();
        assertThat(PickCostTable.pickMissesTarget("maglev", 1000, 15.5)).isTrue();
        assertThat(PickCostTable.pickMissesTarget("random", 1000, 1e6)).isTrue();
        assertThat(PickCostTable.pickMissesTarget("random", 1000, 100.0)).isFalse();
        assertThat(PickCostTable.pickMissesTarget("maglev", 1000, Double.NaN)).isFalse();
    }

    @Test
    void ratioTargetIsOnePointSevenAndNanIsNotAMiss() {
        assertThat(PickCostTable.ratioMissesTarget(1.69)).isTrue();
        assertThat(PickCostTable.ratioMissesTarget(1.7)).isFalse();
        assertThat(PickCostTable.ratioMissesTarget(Double.NaN)).isFalse();
        assertThat(table.anyMissesTarget()).isTrue();
    }

    @Test
    void markdownFlagsEveryMissAndOnlyMisses() {
        String md = table.toMarkdown();
        String[] lines = md.split("\n");
        assertThat(cells(lines[0])).containsExactly(
                "strategy", "1t 10", "1t 1000", "2t 10", "2t 1000", "2t/1t 10", "2t/1t 1000");
        assertThat(lines[1]).matches("\\|:-+\\|(-+:\\|){6}");
        // round-robin: 26 ns at 1000 misses 25; ratio 1.33 at 10 misses 1.7; 23 ns and ratio 2.26 do not.
        assertThat(cells(lines[2])).containsExactly("round-robin", "3.00", "26.0 !", "4.50", "23.0", "1.33 !", "2.26");
        // weighted-random: 2 * 6 / 7 = 1.714 >= 1.7; no pick target.
        assertThat(cells(lines[3])).containsExactly("weighted-random", "6.00", "-", "7.00", "-", "1.71", "-");
        assertThat(cells(lines[4])).containsExactly("weighted-random (weights 1..10)", "8.00", "-", "-", "-", "-", "-");
        assertThat(cells(lines[5])).containsExactly("random", "-", "100.0", "-", "100.0", "-", "2.00");
        // maglev: 15.0 equals its target (not a miss), 15.5 misses it; 2 * 15 / 15.5 = 1.94.
        assertThat(cells(lines[6])).containsExactly("maglev", "-", "15.0", "-", "15.5 !", "-", "1.94");
        assertThat(cells(lines[7])).containsExactly("jump-hash", "-", "11.0", "-", "-", "-", "-");
        assertThat(md).contains("over 25 ns for p2c-least-request, p2c-peak-ewma, p2c-utilisation, round-robin;")
                .contains("over 15 ns for jump-hash, maglev;")
                .contains("over 100 ns for any other strategy or retry;")
                .contains("below 1.7");
    }

    @Test
    void markdownColumnsAreAlignedForPlainText() {
        String[] lines = table.toMarkdown().split("\n");
        for (int i = 1; i < 8; i++) {
            assertThat(lines[i]).as("line %d", i).hasSameSizeAs(lines[0]);
        }
    }

    @Test
    void aPickResultThatIsNotAnAverageTimeIsRefused() {
        JmhResult throughput = new JmhResult(PickCostTable.BENCHMARK, "thrpt", 1,
                Map.of("strategy", "random", "backends", "10"), "ops/us", List.of(1.0), "");
        assertThatThrownBy(() -> PickCostTable.of(List.of(throughput), ORDER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("avgt")
                .hasMessageContaining("ops/us");
    }

    @Test
    void noResultsMakeAnEmptyTable() {
        PickCostTable empty = PickCostTable.of(List.of(), ORDER);
        assertThat(empty.rows()).isEmpty();
        assertThat(empty.backendCounts()).isEmpty();
        assertThat(empty.anyMissesTarget()).isFalse();
    }

    @Test
    void aResultWithoutWeightsCountsAsEqualWeights() {
        JmhResult old = new JmhResult(PickCostTable.BENCHMARK, "avgt", 1,
                Map.of("strategy", "random", "backends", "10"), "ns/op", List.of(5.0), "");
        Row row = PickCostTable.of(List.of(old), ORDER).rows().get(0);
        assertThat(row.weights()).isEqualTo("1");
        assertThat(row.weighted()).isFalse();
        assertThat(row.label()).isEqualTo("random");
    }

    private Row row(String strategy, String weights) {
        return table.rows().stream()
                .filter(r -> r.strategy().equals(strategy) && r.weights().equals(weights))
                .findFirst().orElseThrow();
    }

    private static List<String> cells(String line) {
        return Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(String::trim).toList();
    }

    private static String result(String method, String strategy, int threads, double nanos) {
        return "{\"benchmark\": \"io.sluice.benchmarks.PickBenchmark." + method + "\", \"mode\": \"avgt\","
                + " \"threads\": " + threads + ", \"forks\": 1, \"jdkVersion\": \"17\","
                + " \"params\": {\"backends\": \"1000\", \"strategy\": \"" + strategy + "\", \"weights\": \"1..10\"},"
                + " \"primaryMetric\": {\"score\": " + nanos + ", \"scoreUnit\": \"ns/op\", \"rawData\": [[" + nanos
                + "]]}}";
    }

    /**
     * Retries are rows of their own, after the picks, held to 100 ns; a sampling variant is a row
     * of its own, held to its strategy's target (25 ns for p2c-peak-ewma).
     */
    @Test
    void retriesAndSamplingVariantsAreRowsOfTheirOwn(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.json");
        java.nio.file.Files.writeString(file, "[" + String.join(",",
                result("retry", "maglev", 1, 120.0),
                result("pick", "maglev", 1, 12.0),
                result("pick", "p2c-peak-ewma[sampling=uniform]", 1, 26.0),
                result("pick", "p2c-peak-ewma", 1, 20.0)) + "]");
        PickCostTable t = PickCostTable.of(JmhResults.read(file), List.of("p2c-peak-ewma", "maglev"));
        assertThat(t.rows()).extracting(Row::label).containsExactly(
                "p2c-peak-ewma (weights 1..10)", "p2c-peak-ewma[sampling=uniform] (weights 1..10)",
                "maglev (weights 1..10)", "maglev (weights 1..10) retry");
        assertThat(t.rows().get(3).targetNanos()).isEqualTo(100.0);
        String md = t.toMarkdown();
        assertThat(md).contains("| maglev (weights 1..10) retry").contains("120.0 !").contains("26.0 !")
                .contains("`retry` = a retry's pick");
        assertThat(md).contains(" 12.0 |").contains(" 20.0 |"); // at their targets: no mark
    }
}
