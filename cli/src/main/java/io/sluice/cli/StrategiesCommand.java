package io.sluice.cli;

import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.StrategyProvider;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.WrapperProvider;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sluice strategies}: every strategy and wrapper with its parameters and defaults. */
@Command(name = "strategies", mixinStandardHelpOptions = true,
        description = "List every routing strategy and wrapper: name, what it does, parameters with defaults.")
final class StrategiesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--names", description = "Print only the strategy names, one a line.")
    boolean namesOnly;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        StrategyRegistry registry = StrategyRegistry.standard();
        if (namesOnly) {
            registry.strategyNames().forEach(out::println);
            out.flush();
            return;
        }
        out.println("Strategies (select with `strategy: NAME` and `params:`):");
        out.println();
        for (StrategyProvider p : registry.strategies()) {
            print(out, p.name(), p.description(), p.parameters());
        }
        out.println("Wrappers (apply around any strategy with `wrappers:`):");
        out.println();
        for (WrapperProvider w : registry.wrappers()) {
            print(out, w.name(), w.description(), w.parameters());
        }
        out.flush();
    }

    private static void print(PrintWriter out, String name, String description, List<ParameterSpec> params) {
        out.println("  " + name);
        out.println("      " + description);
        for (ParameterSpec s : params) {
            out.printf("      --%s=%s  [%s] %s%n", s.name(), s.defaultText(), s.allowedText(), s.description());
        }
        out.println();
    }
}
