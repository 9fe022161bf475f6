package io.sluice.simulator.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.simulator.run.Progress;
import io.sluice.simulator.run.RunResult;
import io.sluice.simulator.run.Runner;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {
    private static final String YAML = """
            duration: 2s
            warm-up: 1s
            seeds: 3
            backends: [{name: api, count: 4, service-time: {distribution: exponential, mean: 1ms}}]
            strategies: [round-robin, {name: ring-hash, label: ring}]
            workload: {kind: poisson, rate: 1000, devices: 100}
            """;

    @Test
    void oneRowPerRunWithEveryColumn() {
        Scenario s = Scenarios.parse(YAML, "t", "t.yaml", null, Scenarios.Options.defaults());
        List<RunResult> results = new Runner(2, Progress.NONE).run(s.runs());
        String table = ComparisonTable.render(s, results);
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).isEqualTo("t (seed 1, 3 seeds each): 2 runs, 1s measured after 1s warm-up;"
                + " poisson 1000/s, 100 devices");
        assertThat(lines.get(1).split("\\s+")).containsExactly("strategy", "req/s", "mean", "p50", "p90", "p99",
                "p99+-", "p99.9", "max", "err%", "tmo%", "rej%", "jain", "max/mean", "affinity%");
        // The half-width of the p99 interval over the three seeds, as the results say.
        double half = results.get(0).confidence().p99Nanos().halfWidth();
        assertThat(lines.get(3).split("\\s+")[6]).isEqualTo(ComparisonTable.millis(half));
        assertThat(lines.get(2)).matches("[- ]+");
        assertThat(lines.get(3)).startsWith("round-robin  ");
        assertThat(lines.get(4)).startsWith("ring         ");
        // Consistent hashing keeps every device on its backend.
        assertThat(lines.get(4)).endsWith("100.0");
        assertThat(lines).hasSize(6);
        assertThat(lines.get(5)).endsWith("p99+- is the half-width of the 95% Student t interval over 3 seeds");
        // Right-aligned columns: every row as long as the header.
        assertThat(lines.get(3).length()).isEqualTo(lines.get(1).length());
        assertThat(ComparisonTable.render(s, results)).isEqualTo(table);
    }

    @Test
    void aSweepAddsItsColumn() {
        Scenario s = Scenarios.parse(YAML + "sweep: {parameter: load, values: [0.25, 0.5]}\n", "t", "t.yaml", null,
                Scenarios.Options.defaults()).withStrategies(List.of("random"));
        String table = ComparisonTable.render(s, new Runner(1, Progress.NONE).run(s.runs()));
        List<String> lines = table.lines().toList();
        assertThat(lines.get(1)).startsWith("strategy  load  ");
        assertThat(lines.get(3)).startsWith("random    0.25  ");
        assertThat(lines.get(4)).startsWith("random     0.5  ");
    }

    @Test
    void numbersKeepThreeSignificantDigits() {
        assertThat(ComparisonTable.millis(840_000)).isEqualTo("0.84");
        assertThat(ComparisonTable.millis(12_345_678)).isEqualTo("12.3");
        assertThat(ComparisonTable.millis(456_400_000)).isEqualTo("456");
        assertThat(ComparisonTable.percent(0.0123)).isEqualTo("1.23");
    }
}
