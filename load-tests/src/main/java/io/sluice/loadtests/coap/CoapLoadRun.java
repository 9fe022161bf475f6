package io.sluice.loadtests.coap;

import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.loadtests.FileDescriptors;
import io.sluice.proxy.Proxy;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One CoAP load run: a {@link CoapFleet} sends confirmable requests through a Sluice {@code coap}
 * listener and reports requests/s, latency percentiles, timeouts, retransmissions and whether each
 * device's answers all came from one server (flow affinity).
 *
 * <p>Self-contained ({@link Options#servers()} &gt; 0): starts that many {@link CoapResponder}s
 * ({@code s1..sK}) and a Sluice proxy in this process (a {@code coap} listener, {@code round-robin}
 * over the servers for each new flow, so affinity comes from the flow table and not from a hash;
 * {@code coap} health checks). Otherwise {@link Options#target()} is a running proxy whose servers
 * put their name in the payload of their answers, as {@link CoapResponder} does.
 */
public final class CoapLoadRun {

    /**
     * @param devices       fleet size
     * @param target        the proxy's coap listener; null with {@code servers} &gt; 0
     * @param servers       CoAP servers to start for a self-contained run, or 0
     * @param seed          tokens, message ids and phases
     * @param threads       the fleet's event loops
     * @param rate          requests a second per device
     * @param payloadBytes  bytes a request
     * @param duration      how long devices send
     * @param ackTimeout    RFC 7252 ACK_TIMEOUT
     * @param maxRetransmit RFC 7252 MAX_RETRANSMIT
     */
    public record Options(int devices, InetSocketAddress target, int servers, long seed, int threads, double rate,
                          int payloadBytes, Duration duration, Duration ackTimeout, int maxRetransmit) {
    }

    private CoapLoadRun() {
    }

    /** Runs {@code o}, printing what it does to {@code out}. */
    public static CoapFleet.Result run(Options o, PrintStream out) throws Exception {
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            InetSocketAddress target = o.target();
            // A socket per device here, and with the proxy in this process one more per device (its flow's).
            long needed = (long) o.devices() * (o.servers() > 0 ? 2 : 1) + 1_000;
            long limit = FileDescriptors.limit();
            if (limit > 0 && limit < needed) {
                throw new IllegalArgumentException("this process may open " + limit + " files (ulimit -n) and needs"
                        + " about " + needed + " for " + o.devices() + " devices" + (o.servers() > 0
                                ? " with the proxy in this process (a socket per device here, one per flow there)"
                                : "") + "; raise ulimit -n, run fewer devices"
                        + (o.servers() > 0 ? ", or run the proxy apart and give --target" : ""));
            }
            if (o.servers() > 0) {
                List<CoapResponder> servers = new ArrayList<>();
                for (int i = 1; i <= o.servers(); i++) {
                    CoapResponder s = CoapResponder.start("s" + i);
                    closing.add(s);
                    servers.add(s);
                }
                Proxy proxy = Proxy.start(ProxyConfigs.parse(selfContainedConfig(servers)));
                closing.add(proxy);
                target = proxy.address("coap");
                out.printf("started %d CoAP servers (%s) and Sluice on 127.0.0.1:%d (coap listener, round-robin per"
                                + " new flow)%n", servers.size(),
                        String.join(", ", servers.stream().map(s -> s.name() + "=" + s.hostPort()).toList()),
                        target.getPort());
            }
            if (target == null) {
                throw new IllegalArgumentException("give the proxy's coap listener (--target host:port) or --servers K");
            }
            CoapFleet fleet = new CoapFleet(new CoapFleet.Settings(target, o.devices(), o.seed(), o.threads(),
                    o.ackTimeout(), o.maxRetransmit()));
            closing.add(fleet);
            out.printf("%d devices, each its own UDP port, %.2f confirmable requests/s each for %d s%n", o.devices(),
                    o.rate(), o.duration().toSeconds());
            CoapFleet.Result r = fleet.run(o.rate(), o.payloadBytes(), o.duration());
            out.println(r.summary());
            return r;
        } finally {
            for (int i = closing.size() - 1; i >= 0; i--) {
                try {
                    closing.get(i).close();
                } catch (Exception e) {
                    out.println("closing: " + e);
                }
            }
        }
    }

    static String selfContainedConfig(List<CoapResponder> servers) {
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nlisteners:\n"
                + "  - { name: coap, protocol: coap, bind: 127.0.0.1:0, cluster: servers, max-flows: 1000000 }\n"
                + "clusters:\n  - name: servers\n    strategy: round-robin\n"
                // As for the MQTT run: a cold JVM on a busy machine may miss a first check; keep the fall budget.
                + "    health-check: { type: coap, interval: 1s, timeout: 1s, rise: 1, fall: 3, initial-state: fully-up }\n"
                + "    backends:\n");
        for (CoapResponder s : servers) {
            y.append("      - { id: ").append(s.name()).append(", address: '").append(s.hostPort()).append("' }\n");
        }
        return y.toString();
    }
}
