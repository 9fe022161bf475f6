package io.sluice.cli;

import io.sluice.proxy.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command: every subcommand the launcher script runs. */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = SluiceCommand.Version.class,
        description = "Load balancer for IoT platforms, with a simulator that tells you which routing strategy"
                + " to deploy before you deploy it.",
        subcommands = {
                StrategiesCommand.class,
                SimulateCommand.class,
                DemoCommand.class,
                BenchCommand.class,
                ProxyCommand.class,
                EmulateCommand.class,
                ValidateCommand.class,
                LoadPlanCommand.class,
                MqttLoadCommand.class,
                CoapLoadCommand.class,
                ReportCommand.class,
                AgentCommand.class,
                CommandLine.HelpCommand.class
        })
public final class SluiceCommand implements Runnable {
    /** {@code --version}: the version the build stamped (see {@link BuildInfo}), and the JVM it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"sluice " + BuildInfo.version(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad usage). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The command line, with bad input ({@link CliException}, illegal arguments) printed as one line and exit 1. */
    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new SluiceCommand());
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof CliException) {
                commandLine.getErr().println("sluice: " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cmd;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
