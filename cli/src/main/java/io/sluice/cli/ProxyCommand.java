package io.sluice.cli;

import io.sluice.proxy.Proxy;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.ConfigParser;
import io.sluice.proxy.config.ProxyConfig;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice proxy --config FILE} runs the proxy until interrupted; {@code sluice proxy --check
 * FILE} only validates the file, printing every problem with its YAML path.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Run the HTTP load-balancing proxy from a YAML config, or check a config.",
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
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path file = mode.check != null ? mode.check : mode.config;
        ProxyConfig config;
        try {
            config = ConfigParser.load(file);
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
        Proxy proxy;
        try {
            proxy = Proxy.start(config);
        } catch (RuntimeException e) {
            err.println("sluice: " + e.getMessage());
            err.flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            stopped.countDown();
        }, "sluice-shutdown"));
        for (Map.Entry<String, InetSocketAddress> e : proxy.addresses().entrySet()) {
            InetSocketAddress a = e.getValue();
            String host = a.getAddress().getHostAddress();
            if (host.indexOf(':') >= 0) {
                host = "[" + host + "]";
            }
            err.println("listening on http://" + host + ":" + a.getPort() + " (listener " + e.getKey() + ", "
                    + proxy.transport() + ")");
        }
        err.flush();
        stopped.await();
        return 0;
    }
}
