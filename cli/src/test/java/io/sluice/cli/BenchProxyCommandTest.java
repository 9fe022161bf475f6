package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** What `sluice bench proxy` hands the harness; the harness itself is never run here. */
class BenchProxyCommandTest {
    private static final Path OUT = Path.of("/tmp/results/p");
    private static final Path LAUNCHER = Path.of("/src/sluice");

    private static BenchProxyCommand parse(String... args) {
        BenchProxyCommand command = new BenchProxyCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void withoutOptionsOnlyTheOutputDirectoryAndLauncherArePassed() {
        assertThat(parse().harnessArguments(LAUNCHER, OUT))
                .containsExactly("--out", "/tmp/results/p", "--sluice", "/src/sluice");
    }

    @Test
    void everyOptionSetIsPassedOn() {
        BenchProxyCommand command = parse("--threads", "1,2", "--rounds", "5", "--duration", "20s", "--warmup", "3s",
                "--connections", "64,256", "--cold", "5s", "--transport", "io_uring", "--wrk-threads", "2", "--quick",
                "--no-install");
        assertThat(command.harnessArguments(LAUNCHER, OUT)).containsExactly(
                "--threads", "1,2", "--rounds", "5", "--duration", "20s", "--warmup", "3s", "--connections", "64,256",
                "--cold", "5s", "--transport", "io_uring", "--wrk-threads", "2", "--quick", "--no-install", "--out",
                "/tmp/results/p", "--sluice", "/src/sluice");
    }

    @Test
    void withoutTheProxyCommandSluiceIsNotPassed() {
        assertThat(parse("--quick").harnessArguments(null, OUT))
                .containsExactly("--quick", "--out", "/tmp/results/p")
                .doesNotContain("--sluice");
    }

    @Test
    void theBenchmarkIsListedUnderBench() {
        CommandLine sluice = new CommandLine(new SluiceCommand());
        assertThat(sluice.getSubcommands().get("bench").getSubcommands()).containsKey("proxy");
    }

    @Test
    void sluiceIsMeasuredOnlyWhenTheRootCommandHasAProxySubcommand() {
        CommandLine without = new CommandLine(new Root());
        assertThat(BenchProxyCommand.hasProxyCommand(without.getCommandSpec())).isFalse();
        CommandLine with = new CommandLine(new Root()).addSubcommand("proxy", new Proxy());
        assertThat(BenchProxyCommand.hasProxyCommand(with.getCommandSpec())).isTrue();
    }

    @Command(name = "root")
    static final class Root implements Runnable {
        @Override
        public void run() {
        }
    }

    @Command(name = "proxy")
    static final class Proxy implements Runnable {
        @Override
        public void run() {
        }
    }

    @Test
    void resultsGoToAProxyBenchDirectoryByDefault() {
        assertThat(BenchCommand.defaultOutDir("proxy-bench").toString()).startsWith("results/proxy-bench-");
        assertThat(BenchCommand.defaultOutDir().toString()).startsWith("results/bench-");
    }
}
