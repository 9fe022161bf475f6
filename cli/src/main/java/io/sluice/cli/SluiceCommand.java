package io.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command: every subcommand the launcher script runs. */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        version = "Sluice 0.1.0",
        description = "Load balancer for IoT platforms, with a simulator that tells you which routing strategy"
                + " to deploy before you deploy it.",
        subcommands = {
                StrategiesCommand.class,
                SimulateCommand.class,
                DemoCommand.class,
                BenchCommand.class,
                ProxyCommand.class,
                ReportCommand.class,
                CommandLine.HelpCommand.class
        })
public final class SluiceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad usage). */
    public static int execute(String... args) {
        CommandLine cmd = new CommandLine(new SluiceCommand());
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof CliException) {
                commandLine.getErr().println("sluice: " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cmd.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
