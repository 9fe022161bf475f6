package io.sluice.cli;

import io.sluice.algorithms.Durations;
import io.sluice.config.ConfigException;
import io.sluice.loadtests.mqtt.MqttLoadRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sluice mqtt-load}: an MQTT device fleet through the proxy ({@link MqttLoadRun}): connects/s,
 * messages/s, connect and publish-to-PUBACK latency percentiles, and whether every device is on
 * the broker the cluster's hash chooses, before and after a broker is killed. Exit 1 when a device
 * is not where the hash says or did not connect.
 */
@Command(name = "mqtt-load", mixinStandardHelpOptions = true, versionProvider = SluiceCommand.Version.class,
        description = {"Drive N MQTT devices through Sluice to a broker cluster; report connects/s, messages/s and"
                + " latency percentiles, and check each device is on its hash-chosen broker (also after a broker is"
                + " killed).",
                "Self-contained: --mosquitto 3 starts three mosquitto brokers and a proxy in this process;"
                        + " with --proxies K, K proxy processes on one config, the devices spread over them.",
                "Against your own: --target HOST:PORT[,HOST:PORT...] --proxy-config sluice.yaml --cluster NAME.",
                "Many devices need many file descriptors: ulimit -n 65536 first (mosquitto inherits it)."})
final class MqttLoadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--devices", defaultValue = "1000", description = "Devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @CommandLine.Option(names = "--target", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "The proxy's mqtt listener; several proxies' listeners get the connections round robin.")
    String target;

    @CommandLine.Option(names = "--proxy-config", paramLabel = "FILE",
            description = "The proxy's config: the brokers (backends of --cluster) and their hash.")
    Path proxyConfig;

    @CommandLine.Option(names = "--cluster", defaultValue = "brokers",
            description = "The brokers' cluster in --proxy-config (default: ${DEFAULT-VALUE}).")
    String cluster;

    @CommandLine.Option(names = "--mosquitto", paramLabel = "N", defaultValue = "0",
            description = "Start N mosquitto brokers (b1..bN) and a proxy in this process.")
    int mosquitto;

    @CommandLine.Option(names = "--proxies", paramLabel = "K", defaultValue = "1",
            description = "With --mosquitto: start K proxies, each its own process (its own file-descriptor budget),"
                    + " and spread the connections over them round robin (default: ${DEFAULT-VALUE}, in this process).")
    int proxies;

    @CommandLine.Option(names = "--seed", defaultValue = "42", description = "Client ids and publish phases (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Option(names = "--connect-rate", defaultValue = "2000",
            description = "New connections a second, at most (default: ${DEFAULT-VALUE}).")
    double connectRate;

    @CommandLine.Option(names = "--max-pending", defaultValue = "500",
            description = "Connections awaiting their CONNACK, at most (default: ${DEFAULT-VALUE}).")
    int maxPending;

    @CommandLine.Option(names = "--threads", defaultValue = "2", description = "Event loops (default: ${DEFAULT-VALUE}).")
    int threads;

    @CommandLine.Option(names = "--rate", defaultValue = "1",
            description = "Messages a second per device while publishing (default: ${DEFAULT-VALUE}).")
    double rate;

    @CommandLine.Option(names = "--qos", defaultValue = "1", description = "0 or 1 (default: ${DEFAULT-VALUE}).")
    int qos;

    @CommandLine.Option(names = "--payload", defaultValue = "64", description = "Bytes a message (default: ${DEFAULT-VALUE}).")
    int payload;

    @CommandLine.Option(names = "--duration", defaultValue = "10s",
            description = "How long devices publish; 0s: not at all (default: ${DEFAULT-VALUE}).")
    String duration;

    @CommandLine.Option(names = "--storm", description = "After publishing, every device reconnects at once.")
    boolean storm;

    @CommandLine.Option(names = "--kill", paramLabel = "BROKER",
            description = "Then kill this broker (self-contained), or wait for you to kill it; every device"
                    + " reconnects and must be on its new hash-chosen broker, the others on their old one.")
    String kill;

    @CommandLine.Option(names = "--timeout", defaultValue = "120s",
            description = "Longest a connect phase or a placement check may take (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws Exception {
        if (devices < 1 || qos < 0 || qos > 1 || !(rate > 0) || !(connectRate > 0) || maxPending < 1 || threads < 1
                || payload < 0 || mosquitto < 0 || proxies < 1) {
            throw new CliException("--devices, --connect-rate, --max-pending, --threads, --proxies and --rate must be above 0,"
                    + " --qos 0 or 1, --payload and --mosquitto at least 0");
        }
        if ((target == null) == (mosquitto == 0)) {
            throw new CliException("give either --target HOST:PORT (with --proxy-config to check placement) or"
                    + " --mosquitto N");
        }
        if (proxies > 1 && mosquitto == 0) {
            throw new CliException("--proxies starts proxies for a self-contained run (--mosquitto N); against your own"
                    + " proxies list their listeners: --target HOST:PORT,HOST:PORT");
        }
        List<InetSocketAddress> targets = target == null ? List.of()
                : Arrays.stream(target.split(",")).map(String::trim).map(MqttLoadCommand::hostPort).toList();
        MqttLoadRun.Options o = new MqttLoadRun.Options(devices, targets,
                proxyConfig, cluster, mosquitto, proxies, seed, connectRate, maxPending, threads, rate, qos, payload,
                Duration.ofNanos(parse("--duration", duration, true)), storm, kill,
                Duration.ofNanos(parse("--timeout", timeout, false)));
        PrintWriter err = spec.commandLine().getErr();
        err.println("sluice mqtt-load: " + devices + " devices; measured on this machine as it is (the generator, the"
                + " proxy and the brokers share it)");
        err.flush();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        MqttLoadRun.Report r;
        try {
            r = MqttLoadRun.run(o, out);
        } catch (ConfigException e) {
            err.println("sluice: " + String.join("\n  ", e.lines()));
            err.flush();
            return 1;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
        boolean placed = r.devicesPerBroker().isEmpty() || r.onHashBefore() == devices;
        boolean stormOk = r.onHashAfterStorm() < 0 || r.onHashAfterStorm() == devices;
        boolean killOk = r.victimDevices() < 0 || r.misplacedAfter() == 0 && r.moved() == r.victimDevices()
                && r.kept() == devices - r.victimDevices();
        return placed && stormOk && killOk ? 0 : 1;
    }

    static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new CliException("--target: '" + text + "' is not HOST:PORT with a port from 1 to 65535");
        }
    }

    private static long parse(String option, String text, boolean zeroAllowed) {
        long n;
        try {
            n = Durations.parseNanos(text, option);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (n < 0 || n == 0 && !zeroAllowed) {
            throw new CliException(option + ": " + text + " must be " + (zeroAllowed ? "0s or more" : "above 0"));
        }
        return n;
    }
}
