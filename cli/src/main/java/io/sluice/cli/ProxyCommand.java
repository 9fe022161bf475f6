package io.sluice.cli;

import io.sluice.proxy.BuildInfo;
import io.sluice.proxy.Proxy;
import io.sluice.proxy.ProxyDaemon;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.ConfigParser;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice proxy --config FILE} runs the proxy until it is stopped; {@code sluice proxy --check
 * FILE} only validates the file, printing every problem with its YAML path.
 *
 * <p>While running: SIGHUP (or {@code POST /reload} on the admin API) re-reads the file and applies
 * it without dropping connections, or refuses it and keeps the running config; SIGTERM stops
 * accepting, lets requests under way finish within {@code drainTimeout}, and exits 0.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true, versionProvider = SluiceCommand.Version.class,
        description = {"Run the HTTP load-balancing proxy from a YAML config, or check a config.",
                "SIGHUP re-reads the config (a bad one is refused; the running one stays).",
                "SIGTERM stops accepting, lets requests finish within drainTimeout, exits 0.",
                "Logs one line per event on standard error (--log-format); the access log is separate.",
                "Exit codes: 0 ok, 1 invalid config or a listener could not bind."})
final class ProxyCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyCommand.class);

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

    @CommandLine.Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "${SLUICE_LOG_FORMAT:-text}",
            description = "How the running proxy logs to standard error, one event a line: text or json"
                    + " (default: ${DEFAULT-VALUE}; also from the environment variable SLUICE_LOG_FORMAT).")
    String logFormat;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Logging.Format format = switch (logFormat.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> Logging.Format.TEXT;
            case "json" -> Logging.Format.JSON;
            default -> throw new CliException("--log-format: '" + logFormat + "' is not a log format; text or json");
        };
        Path file = mode.check != null ? mode.check : mode.config;
        try {
            ConfigParser.load(file);
        } catch (ConfigException e) {
            err.println("sluice: " + file + ": " + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
            for (String line : e.errors()) {
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
        Logging.configure(format);
        ProxyDaemon daemon;
        try {
            daemon = ProxyDaemon.start(file);
        } catch (ConfigException e) {
            // The file changed between the check above and the start.
            LOG.error("{}: {}", file, String.join("; ", e.errors()));
            return 1;
        } catch (RuntimeException e) {
            LOG.error("cannot start: {}", e.getMessage());
            return 1;
        }
        // SIGTERM and SIGHUP are caught where the JVM allows; the hook covers SIGINT and the rest.
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::stop, "sluice-shutdown"));
        daemon.installSignalHandlers();
        Proxy proxy = daemon.proxy();
        LOG.info("sluice {} proxy started from {}", BuildInfo.version(), file.toAbsolutePath());
        for (Map.Entry<String, InetSocketAddress> e : proxy.addresses().entrySet()) {
            LOG.info("listening on http://{} (listener {}, {})", hostPort(e.getValue()), e.getKey(), proxy.transport());
        }
        LOG.info("admin API on http://{} (GET /live, /ready, /health, /metrics, /clusters; POST /reload)",
                hostPort(daemon.adminAddress()));
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
