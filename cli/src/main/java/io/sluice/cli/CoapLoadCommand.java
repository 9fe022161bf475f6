package io.sluice.cli;

import io.sluice.algorithms.Durations;
import io.sluice.config.ConfigException;
import io.sluice.loadtests.coap.CoapFleet;
import io.sluice.loadtests.coap.CoapLoadRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code sluice coap-load}: CoAP devices over UDP through the proxy ({@link CoapLoadRun}):
 * requests/s, latency percentiles, timeouts and retransmissions, and whether each device's answers
 * all came from one server. Exit 1 when a device was answered by several servers or by none.
 */
@Command(name = "coap-load", mixinStandardHelpOptions = true, versionProvider = SluiceCommand.Version.class,
        description = {"Drive N CoAP devices (a UDP port each, confirmable requests) through a Sluice coap listener;"
                + " report requests/s, latency percentiles, timeouts and retransmissions, and check each device"
                + " keeps one server.",
                "Self-contained: --servers 3 starts three CoAP servers and a proxy in this process.",
                "Against your own: --target HOST:PORT (its servers must name themselves in the answer's payload).",
                "Each device is a socket, and with --servers the proxy in this process holds one more per device: ulimit -n above twice the device count (it checks)."})
final class CoapLoadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--devices", defaultValue = "1000", description = "Devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @CommandLine.Option(names = "--target", paramLabel = "HOST:PORT", description = "The proxy's coap listener.")
    String target;

    @CommandLine.Option(names = "--servers", paramLabel = "K", defaultValue = "0",
            description = "Start K CoAP servers (s1..sK) and a proxy in this process.")
    int servers;

    @CommandLine.Option(names = "--seed", defaultValue = "42", description = "Tokens, message ids and phases (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Option(names = "--threads", defaultValue = "2", description = "Event loops (default: ${DEFAULT-VALUE}).")
    int threads;

    @CommandLine.Option(names = "--rate", defaultValue = "1",
            description = "Requests a second per device (default: ${DEFAULT-VALUE}).")
    double rate;

    @CommandLine.Option(names = "--payload", defaultValue = "32", description = "Bytes a request, 0 to 1024 (default: ${DEFAULT-VALUE}).")
    int payload;

    @CommandLine.Option(names = "--duration", defaultValue = "10s", description = "How long devices send (default: ${DEFAULT-VALUE}).")
    String duration;

    @CommandLine.Option(names = "--ack-timeout", defaultValue = "2s",
            description = "RFC 7252 ACK_TIMEOUT: first retransmission after 1 to 1.5 times this (default: ${DEFAULT-VALUE}).")
    String ackTimeout;

    @CommandLine.Option(names = "--max-retransmit", defaultValue = "4",
            description = "RFC 7252 MAX_RETRANSMIT, 0 to 20 (default: ${DEFAULT-VALUE}).")
    int maxRetransmit;

    @Override
    public Integer call() throws Exception {
        if (devices < 1 || threads < 1 || !(rate > 0) || payload < 0 || payload > 1024 || servers < 0
                || maxRetransmit < 0 || maxRetransmit > 20) {
            throw new CliException("--devices, --threads and --rate must be above 0, --payload 0 to 1024, --servers at"
                    + " least 0, --max-retransmit 0 to 20");
        }
        if ((target == null) == (servers == 0)) {
            throw new CliException("give either --target HOST:PORT or --servers K");
        }
        CoapLoadRun.Options o = new CoapLoadRun.Options(devices, target == null ? null : MqttLoadCommand.hostPort(target),
                servers, seed, threads, rate, payload, Duration.ofNanos(positive("--duration", duration)),
                Duration.ofNanos(positive("--ack-timeout", ackTimeout)), maxRetransmit);
        PrintWriter err = spec.commandLine().getErr();
        err.println("sluice coap-load: " + devices + " devices; measured on this machine as it is (the generator, the"
                + " proxy and the servers share it)");
        err.flush();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        CoapFleet.Result r;
        try {
            r = CoapLoadRun.run(o, out);
        } catch (ConfigException e) {
            err.println("sluice: " + String.join("\n  ", e.lines()));
            err.flush();
            return 1;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
        return r.devicesOnSeveralServers() == 0 && r.unansweredDevices() == 0 ? 0 : 1;
    }

    private static long positive(String option, String text) {
        long n;
        try {
            n = Durations.parseNanos(text, option);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (n <= 0) {
            throw new CliException(option + ": " + text + " must be above 0");
        }
        return n;
    }
}
