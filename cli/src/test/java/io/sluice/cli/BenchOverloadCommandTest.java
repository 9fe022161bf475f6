package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What `sluice bench overload` hands the harness; the harness itself is never run here. */
class BenchOverloadCommandTest {
    private static final Path OUT = Path.of("/tmp/results/o");
    private static final Path LAUNCHER = Path.of("/src/sluice");

    private static BenchOverloadCommand parse(String... args) {
        BenchOverloadCommand command = new BenchOverloadCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void everyOptionSetIsPassedOnAndOnlyThose() {
        assertThat(parse().harnessArguments(LAUNCHER, OUT))
                .containsExactly("--out", "/tmp/results/o", "--sluice", "/src/sluice");
        assertThat(parse("--rate", "500", "--overload", "5", "--burst", "10", "--duration", "20s", "--threads", "2",
                "--rounds", "4", "--filter-rules", "30", "--quick", "--no-install").harnessArguments(null, OUT))
                .containsExactly("--rate", "500", "--overload", "5", "--burst", "10", "--duration", "20s",
                        "--threads", "2", "--rounds", "4", "--filter-rules", "30", "--quick", "--no-install", "--out",
                        "/tmp/results/o");
    }

    @Test
    void theBenchmarkIsListedUnderBench() {
        CommandLine sluice = new CommandLine(new SluiceCommand());
        assertThat(sluice.getSubcommands().get("bench").getSubcommands()).containsKey("overload");
    }
}
