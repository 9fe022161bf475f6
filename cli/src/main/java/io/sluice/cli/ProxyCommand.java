package io.sluice.cli;

import io.sluice.proxy.Proxy;
import io.sluice.proxy.ProxyDaemon;
import io.sluice.config.ConfigException;
import io.sluice.config.proxy.ProxyConfigs;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice proxy --config FILE} runs the proxy until it is stopped; {@code sluice proxy --check
 * FILE} only validates the file, printing every problem with its YAML path.
 *
 * <p>While running: SIGHUP (or {@code POST /reload} on the admin API) re-reads the file and applies
 * it without dropping connections, or refuses it and keeps the running config; SIGTERM stops
 * accepting, lets requests under way finish within {@code drain-timeout}, and exits 0.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Run the HTTP load-balancing proxy from a YAML config, or check a config.",
                "SIGHUP re-reads the config (a bad one is refused; the running one stays).",
                "SIGTERM stops accepting, lets requests finish within drain-timeout, exits 0.",
                "Exit codes: 0 ok, 1 invalid config or a listener could not bind."})
final class ProxyCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ArgGroup(multiplicity = "1")
    Mode mode;

    static final class Mode {
        @CommandLine.Option(names = "--config", paramLabel = "FILE", required = true,
                description = "Run the proxy with this config.")
        Path config;

        @CommandLine.Option(names = "--check", paramLabel = "FILE", required = true,
                description = "Only validate this config: prints 'config OK' or every error, and exits.")
        Path check;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path file = mode.check != null ? mode.check : mode.config;
        try {
            ProxyConfigs.load(file);
        } catch (ConfigException e) {
            err.println("sluice: " + file + ": " + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
            for (String line : e.lines()) {
                err.println("  " + line);
            }
            err.flush();
            return 1;
        }
        if (mode.check != null) {
            out.println("config OK");
            out.flush();
            return 0;
        }
        ProxyDaemon daemon;
        try {
            daemon = ProxyDaemon.start(file, line -> {
                err.println(line);
                err.flush();
            });
        } catch (ConfigException e) {
            // The file changed between the check above and the start: report as above.
            err.println("sluice: " + file + ": " + String.join("; ", e.lines()));
            err.flush();
            return 1;
        } catch (RuntimeException e) {
            err.println("sluice: " + e.getMessage());
            err.flush();
            return 1;
        }
        // SIGTERM and SIGHUP are caught where the JVM allows; the hook covers SIGINT and the rest.
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::stop, "sluice-shutdown"));
        daemon.installSignalHandlers();
        Proxy proxy = daemon.proxy();
        for (Map.Entry<String, InetSocketAddress> e : proxy.addresses().entrySet()) {
            err.println("listening on http://" + hostPort(e.getValue()) + " (listener " + e.getKey() + ", "
                    + proxy.transport() + ")");
        }
        err.println("admin API on http://" + hostPort(daemon.adminAddress()) + " (GET /clusters, /metrics, /health;"
                + " POST /reload)");
        err.flush();
        daemon.awaitStopped();
        return 0;
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return host + ":" + a.getPort();
    }
}
