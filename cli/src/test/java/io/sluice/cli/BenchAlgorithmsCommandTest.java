package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Which strategies reach JMH and with what arguments; JMH itself is never run here. */
class BenchAlgorithmsCommandTest {
    private final StringWriter err = new StringWriter();

    @Test
    void withoutAListEveryRegisteredStrategyIsMeasured() {
        assertThat(BenchAlgorithmsCommand.select(List.of("round-robin", "maglev"), null, new PrintWriter(err)))
                .containsExactly("round-robin", "maglev");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void unregisteredNamesAreSkippedWithANoteAndTheRestKeepRegistrationOrder() {
        List<String> selected = BenchAlgorithmsCommand.select(List.of("round-robin", "random", "maglev"),
                List.of("maglev", "prequal", " round-robin ", "maglev", ""), new PrintWriter(err, true));
        assertThat(selected).containsExactly("round-robin", "maglev");
        assertThat(err.toString())
                .contains("skipping 'prequal': no such strategy is registered (registered: round-robin, random, maglev)")
                .doesNotContain("skipping 'maglev'");
    }

    @Test
    void nothingRegisteredIsAClearError() {
        assertThatThrownBy(() -> BenchAlgorithmsCommand.select(List.of(), null, new PrintWriter(err)))
                .isInstanceOf(CliException.class)
                .hasMessage("nothing to benchmark: no strategy is registered");
    }

    @Test
    void nothingLeftAfterSkippingIsAClearError() {
        assertThatThrownBy(() -> BenchAlgorithmsCommand.select(List.of("random"), List.of("maglev"),
                new PrintWriter(err, true)))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("none of the requested strategies is registered (registered: random)");
        assertThat(err.toString()).contains("skipping 'maglev'");
    }

    @Test
    void jmhGetsOnlyTheSelectedStrategiesTheThreadCountAndAJsonResultFile() {
        Path file = Path.of("out", "pick-t2.json");
        List<String> args = BenchAlgorithmsCommand.jmhArguments(JmhProfile.QUICK, BenchAlgorithmsCommand.PICK_REGEX,
                List.of("round-robin", "maglev"), "1..10", 2, file);
        assertThat(args.get(0)).isEqualTo(BenchAlgorithmsCommand.PICK_REGEX);
        assertThat(String.join(" ", args))
                .contains("-p strategy=round-robin,maglev")
                .contains("-p backends=10,100,1000")
                .contains("-p weights=1..10")
                .contains("-t 2")
                .contains("-bm avgt -tu ns")
                .contains("-f 1 -wi 1 -w 200ms -i 3 -r 200ms")
                .endsWith("-rf json -rff " + file);
    }

    @Test
    void theBenchmarkRegexesMatchThePickAndRetryMethodsOnly() {
        assertThat("io.sluice.benchmarks.PickBenchmark.pick").matches(BenchAlgorithmsCommand.BENCHMARK_REGEX);
        assertThat("io.sluice.benchmarks.PickBenchmark.retry").matches(BenchAlgorithmsCommand.BENCHMARK_REGEX);
        assertThat("io.sluice.benchmarks.PickBenchmark.pickMany").doesNotMatch(BenchAlgorithmsCommand.BENCHMARK_REGEX);
        assertThat("io.sluice.benchmarks.PickBenchmark.pick").matches(BenchAlgorithmsCommand.PICK_REGEX);
        assertThat("io.sluice.benchmarks.PickBenchmark.retry").doesNotMatch(BenchAlgorithmsCommand.PICK_REGEX);
    }

    /** Every strategy whose pick reads weights is measured under unequal weights too, the samplers both ways. */
    @Test
    void weightDependentStrategiesAndSamplingVariantsAreRegistered() {
        List<String> registered = io.sluice.algorithms.StrategyRegistry.standard().strategyNames();
        assertThat(registered).containsAll(BenchAlgorithmsCommand.WEIGHT_DEPENDENT);
        assertThat(BenchAlgorithmsCommand.WEIGHT_DEPENDENT).containsAll(BenchAlgorithmsCommand.SAMPLING_VARIANTS);
        for (String name : BenchAlgorithmsCommand.SAMPLING_VARIANTS) {
            assertThat(io.sluice.algorithms.StrategyRegistry.standard().strategy(name).parameters())
                    .anySatisfy(p -> assertThat(p.name()).isEqualTo("sampling"));
        }
    }

    @Test
    void anUnregisteredStrategyStopsTheCommandBeforeAnythingIsBuiltOrRun(@org.junit.jupiter.api.io.TempDir Path dir) {
        CommandLine cmd = new CommandLine(new SluiceCommand());
        cmd.setErr(new PrintWriter(err, true));
        Path out = dir.resolve("results");
        int exit = cmd.execute("bench", "algorithms", "--quick", "--out", out.toString(),
                "--strategies", "no-such-strategy");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("none of the requested strategies is registered");
        assertThat(err.toString()).contains("skipping 'no-such-strategy'");
        assertThat(out).doesNotExist();
    }

    @Test
    void benchWithoutASuiteListsTheSuites() {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new SluiceCommand());
        cmd.setOut(new PrintWriter(out, true));
        assertThat(cmd.execute("bench")).isZero();
        assertThat(out.toString()).contains("algorithms");
    }
}
