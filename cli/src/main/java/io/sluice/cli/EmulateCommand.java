package io.sluice.cli;

import io.sluice.emulator.Emulator;
import io.sluice.simulator.scenario.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice emulate SCENARIO}: the scenario's backends as real HTTP servers on 127.0.0.1 until
 * stopped, its scripted events replayed from the start on the wall clock.
 */
@Command(name = "emulate", mixinStandardHelpOptions = true, versionProvider = SluiceCommand.Version.class,
        description = {"Start a scenario's backends as real HTTP servers on 127.0.0.1 reproducing the simulator's"
                + " backend model (servers, service-time distribution and speed, FIFO or processor sharing, queue"
                + " capacity answered 503) and replay its events on the wall clock (crash refuses connections,"
                + " slowdown, stall, recover). The same --seed gives the same service times per backend.",
                "Prints one line `<id> 127.0.0.1:<port>` per backend, then runs until stopped (Ctrl-C)."})
final class EmulateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "SCENARIO", description = "A scenario file or built-in name.")
    String scenario;

    @CommandLine.Option(names = "--seed", paramLabel = "N", description = "Run seed (default: the scenario's).")
    Long seed;

    @CommandLine.Option(names = "--base-port", paramLabel = "PORT", defaultValue = "0",
            description = "First backend's port, the others in order after it; 0 for free ports (default).")
    int basePort;

    @CommandLine.Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Event-loop threads shared by the backends (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws InterruptedException {
        if (basePort < 0 || basePort > 65535) {
            throw new CliException("--base-port: " + basePort + " is not a port; 0 to 65535");
        }
        if (threads < 1 || threads > 64) {
            throw new CliException("--threads: " + threads + " is out of range; 1 to 64");
        }
        Scenario s = ValidateCommand.load(scenario);
        long runSeed = seed == null ? s.seed() : seed;
        PrintWriter out = spec.commandLine().getOut();
        Emulator emu = Emulator.start(s, runSeed, basePort, threads);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emu.close();
            stopped.countDown();
        }, "emulate-stop"));
        for (Map.Entry<String, InetSocketAddress> e : emu.addresses().entrySet()) {
            out.println(e.getKey() + " 127.0.0.1:" + e.getValue().getPort());
        }
        out.println("emulating " + s.describeBackends() + " (seed " + runSeed + "); Ctrl-C stops");
        out.flush();
        emu.startEvents();
        stopped.await();
        return 0;
    }
}
