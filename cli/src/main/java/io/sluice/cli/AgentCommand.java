package io.sluice.cli;

import io.sluice.proxy.kafka.LoadAgent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice agent}: publishes one backend's load on the Kafka load topic for proxies whose
 * cluster uses a load-aware strategy (docs/kafka.md). Stops on SIGTERM/SIGINT, withdrawing the
 * backend first when it joined it.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = SluiceCommand.Version.class,
        description = {"Run beside a backend and publish its load reports to Kafka (docs/kafka.md).",
                "The load is the machine's CPU busy fraction from /proc, or what --url answers (a number in"
                        + " [0, 1] or JSON with a utilisation field).",
                "Exit codes: 0 stopped, 1 bad arguments."})
final class AgentCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @CommandLine.Option(names = "--cluster", required = true, description = "The proxy cluster of the backend.")
    String cluster;

    @CommandLine.Option(names = "--backend", required = true, description = "The backend id.")
    String backend;

    @CommandLine.Option(names = "--address", paramLabel = "HOST:PORT",
            description = "Where the proxy reaches the backend (needed with --join).")
    String address;

    @CommandLine.Option(names = "--join", description = "Announce the backend on the membership topic at start and"
            + " withdraw it at stop (for clusters with membership: kafka or both).")
    boolean join;

    @CommandLine.Option(names = "--port", defaultValue = "0", description = "The backend's local port: connections"
            + " established to it are sent as queue-length (0 = not sent).")
    int port;

    @CommandLine.Option(names = "--url", description = "Read the utilisation from this local URL instead of /proc.")
    String url;

    @CommandLine.Option(names = "--interval", defaultValue = "1s", description = "How often to report, like 500ms"
            + " or 1s (default ${DEFAULT-VALUE}).")
    String interval;

    @CommandLine.Option(names = "--load-topic", defaultValue = "sluice.load") String loadTopic;

    @CommandLine.Option(names = "--membership-topic", defaultValue = "sluice.membership") String membershipTopic;

    @CommandLine.Option(names = "--property", paramLabel = "KEY=VALUE", description = "A Kafka client property"
            + " (security.protocol, sasl.*, ssl.*); repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        long millis = parseMillis(interval);
        LoadAgent agent = new LoadAgent(new LoadAgent.Settings(bootstrap, properties, loadTopic, membershipTopic,
                cluster, backend, address, port, url, millis, join));
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.stop();
            try {
                main.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sluice-agent-stop"));
        agent.run();
        return 0;
    }

    static long parseMillis(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Long.parseLong(t.substring(0, t.length() - 2));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000)).toMillis();
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new CliException("--interval: '" + text + "' is not a duration; like 500ms or 2s");
    }
}
