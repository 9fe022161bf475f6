package io.sluice.reports.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading JMH's JSON (hand-written fixtures in JMH's shape) and the median of a result. */
class JmhResultsTest {
    static Path fixture(String name) {
        try {
            return Path.of(JmhResultsTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsEveryResultWithItsParametersUnitAndIterations() {
        List<JmhResult> results = JmhResults.read(fixture("pick-t1.json"));
        assertThat(results).hasSize(8);
        JmhResult first = results.get(0);
        assertThat(first.benchmark()).isEqualTo("io.sluice.benchmarks.PickBenchmark.pick");
        assertThat(first.mode()).isEqualTo("avgt");
        assertThat(first.threads()).isEqualTo(1);
        assertThat(first.params()).isEqualTo(Map.of("backends", "10", "strategy", "round-robin", "weights", "1"));
        assertThat(first.unit()).isEqualTo("ns/op");
        assertThat(first.iterations()).containsExactly(3.0, 1.0, 2.0, 5.0, 4.0);
        assertThat(first.jdkVersion()).isEqualTo("17.0.15");
        assertThat(results.get(7).mode()).isEqualTo("thrpt");
    }

    @Test
    void iterationsOfEveryForkAreFlattenedInRunOrder() {
        JmhResult twoForks = JmhResults.read(fixture("pick-t2.json")).get(1);
        assertThat(twoForks.iterations()).containsExactly(22.0, 24.0, 23.0, 100.0, 21.0);
    }

    @Test
    void aNanIterationIsDropped() {
        JmhResult maglev = JmhResults.read(fixture("pick-t2.json")).get(2);
        assertThat(maglev.iterations()).containsExactly(15.5, 15.5);
    }

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        // 3, 1, 2, 5, 4 sorts to 1, 2, 3, 4, 5: the middle is 3 (the mean would be 3 too, so see the next test).
        assertThat(result(3.0, 1.0, 2.0, 5.0, 4.0).median()).isEqualTo(3.0);
        // 20, 30, 26, 24, 50 sorts to 20, 24, 26, 30, 50: median 26 while the mean is 30.
        assertThat(result(20.0, 30.0, 26.0, 24.0, 50.0).median()).isEqualTo(26.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        // 4, 3, 5, 6 sorts to 3, 4, 5, 6: (4 + 5) / 2 = 4.5.
        assertThat(result(4.0, 3.0, 5.0, 6.0).median()).isEqualTo(4.5);
        assertThat(result(7.0, 1.0).median()).isEqualTo(4.0);
    }

    @Test
    void medianOfOneIterationIsThatIteration() {
        assertThat(result(8.25).median()).isEqualTo(8.25);
    }

    @Test
    void medianOfNoIterationIsNan() {
        assertThat(result().median()).isNaN();
    }

    @Test
    void medianIgnoresRunOrderAndSurvivesOneOutlier() {
        assertThat(result(21.0, 22.0, 23.0, 24.0, 1e9).median()).isCloseTo(23.0, within(0.0));
    }

    @Test
    void aFileThatIsNotAnArrayIsRefusedNamingTheSource() {
        assertThatThrownBy(() -> JmhResults.parse("{\"benchmark\": \"x\"}", "out.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out.json")
                .hasMessageContaining("not a JMH result file");
    }

    @Test
    void textThatIsNotJsonIsRefusedNamingTheSource() {
        assertThatThrownBy(() -> JmhResults.parse("# Run complete.", "log.txt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("log.txt: not JSON");
    }

    @Test
    void anEntryWithoutPrimaryMetricIsRefusedNamingItsIndex() {
        String json = "[{\"benchmark\": \"b\", \"mode\": \"avgt\", \"threads\": 1}]";
        assertThatThrownBy(() -> JmhResults.parse(json, "r.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("r.json[0]")
                .hasMessageContaining("'primaryMetric'");
    }

    @Test
    void anEmptyRunIsAnEmptyList() {
        assertThat(JmhResults.parse("[]", "empty.json")).isEmpty();
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = Path.of("no-such-dir", "pick-t1.json");
        assertThatThrownBy(() -> JmhResults.read(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
    }

    private static JmhResult result(Double... iterations) {
        return new JmhResult("b", "avgt", 1, Map.of(), "ns/op", List.of(iterations), "");
    }
}
