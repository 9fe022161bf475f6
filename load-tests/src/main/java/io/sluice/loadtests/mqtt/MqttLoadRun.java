package io.sluice.loadtests.mqtt;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.loadtests.FileDescriptors;
import io.sluice.proxy.Cluster;
import io.sluice.proxy.Proxy;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One MQTT load run: a {@link MqttFleet} connects through the proxy, publishes, optionally rides a
 * reconnect storm and the loss of a broker, and after each step the brokers are asked where every
 * device is ({@link BrokerLocator}) and the answer compared with the broker the cluster's hash
 * chooses for the client id (the proxy's own {@link Cluster} built from the same config, with a
 * killed broker marked unhealthy as the proxy's health checks mark it).
 *
 * <p>Self-contained ({@link Options#mosquitto()} &gt; 0): starts that many mosquitto brokers and a
 * Sluice proxy in this process (an {@code mqtt} listener, {@code ring-hash} on the client id,
 * {@code mqtt} health checks), and kills {@link Options#kill()} itself. With {@link Options#proxies()}
 * &gt; 1 it starts that many proxies instead, each its own process with its own file-descriptor budget
 * ({@link ProxyFleet}), on the same config; the devices' connections go to them round robin, and the
 * placement checks are the same: with a hash on the client id every proxy picks the same broker for
 * a device. Otherwise the proxies and brokers are the caller's: {@link Options#targets()} are their
 * listeners, {@link Options#proxyConfig()} and {@link Options#cluster()} name the brokers, and a
 * broker to kill is waited for until its port refuses connections (the operator kills it).
 */
public final class MqttLoadRun {

    /**
     * @param devices         fleet size
     * @param targets         the proxies' mqtt listeners, connections spread round robin; empty with {@code mosquitto} &gt; 0
     * @param proxyConfig     the proxy's config file, for the brokers and the hash; null: no placement check
     * @param cluster         the brokers' cluster in it
     * @param mosquitto       brokers to start for a self-contained run, or 0
     * @param proxies         proxies to start for a self-contained run: 1 in this process, more each in its own
     * @param seed            client ids and publish phases
     * @param connectRate     new connections a second, at most
     * @param maxPending      connections awaiting a CONNACK, at most
     * @param threads         the fleet's event loops
     * @param publishRate     messages a second per device
     * @param qos             0 or 1
     * @param payloadBytes    bytes a message
     * @param publishDuration how long devices publish; zero: no publish phase
     * @param storm           after publishing, every device reconnects at once
     * @param kill            a broker id to kill after that, or null
     * @param timeout         how long a connect phase or a placement check may take
     */
    public record Options(int devices, List<InetSocketAddress> targets, Path proxyConfig, String cluster, int mosquitto,
                          int proxies, long seed, double connectRate, int maxPending, int threads, double publishRate, int qos,
                          int payloadBytes, Duration publishDuration, boolean storm, String kill, Duration timeout) {
    }

    /**
     * What a run found.
     *
     * @param phases         connect, publish, storm, recover and storm-after-kill, in order (those that ran)
     * @param devicesPerBroker after the first connect, by broker id
     * @param placedBefore   devices the brokers placed after the first connect
     * @param onHashBefore   of them, devices on the broker the hash chooses
     * @param onHashAfterStorm devices on their hash-chosen broker after the storm (-1: no storm)
     * @param victimDevices  devices on the killed broker before it died (-1: nothing killed)
     * @param moved          of those, devices now on the broker the hash chooses without the victim
     * @param kept           devices of the other brokers still on the same broker
     * @param misplacedAfter devices placed after the kill on another broker than the hash chooses, or not placed
     * @param connectsPerProxy connections accepted through each target over the run, in target order
     */
    public record Report(List<MqttFleet.PhaseResult> phases, Map<String, Integer> devicesPerBroker, int placedBefore,
                         int onHashBefore, int onHashAfterStorm, int victimDevices, int moved, int kept,
                         int misplacedAfter, List<Long> connectsPerProxy) {
    }

    private MqttLoadRun() {
    }

    /** Runs {@code o}, printing each step to {@code out}. */
    public static Report run(Options o, PrintStream out) throws Exception {
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            if (o.proxies() < 1) {
                throw new IllegalArgumentException("proxies must be at least 1, got " + o.proxies());
            }
            if (o.proxies() > 1 && o.mosquitto() == 0) {
                throw new IllegalArgumentException("starting " + o.proxies() + " proxies needs a self-contained run"
                        + " (--mosquitto N); against your own proxies give each one's listener as a target");
            }
            List<InetSocketAddress> targets = o.targets();
            ProxyConfig config = o.proxyConfig() == null ? null : ProxyConfigs.load(o.proxyConfig());
            String clusterName = o.cluster();
            Map<String, MosquittoBroker> started = new LinkedHashMap<>();
            if (o.mosquitto() > 0) {
                Path dir = Files.createTempDirectory("sluice-mqtt-load");
                for (int i = 1; i <= o.mosquitto(); i++) {
                    MosquittoBroker b = MosquittoBroker.start("b" + i, dir);
                    closing.add(b);
                    started.put(b.id(), b);
                }
                String yaml = selfContainedConfig(started.values());
                config = ProxyConfigs.parse(yaml);
                clusterName = "brokers";
                if (o.proxies() == 1) {
                    Proxy proxy = Proxy.start(config);
                    closing.add(proxy);
                    targets = List.of(proxy.address("mqtt"));
                } else {
                    Path file = dir.resolve("sluice.yaml");
                    Files.writeString(file, yaml);
                    ProxyFleet proxies = ProxyFleet.start(file, "mqtt", o.proxies(), dir);
                    closing.add(proxies);
                    targets = proxies.addresses();
                }
                out.printf("started %d mosquitto brokers (%s) and %s on %s (ring-hash on the client id)%n",
                        started.size(), String.join(", ", started.values().stream()
                                .map(b -> b.id() + "=" + b.address()).toList()),
                        o.proxies() == 1 ? "Sluice" : o.proxies() + " Sluice processes (logs in " + dir + ")",
                        String.join(", ", targets.stream().map(MqttLoadRun::format).toList()));
            }
            if (targets == null || targets.isEmpty()) {
                throw new IllegalArgumentException("give the proxy's mqtt listener (--target host:port) or --mosquitto N");
            }
            Map<String, InetSocketAddress> brokers = new LinkedHashMap<>();
            ProxyConfig.Cluster cluster = null;
            if (config != null) {
                cluster = config.cluster(clusterName);
                if (cluster == null) {
                    throw new IllegalArgumentException("no cluster '" + clusterName + "' in the proxy config; clusters: "
                            + String.join(", ", config.clusters().stream().map(ProxyConfig.Cluster::name).toList()));
                }
                for (ProxyConfig.BackendEntry b : cluster.backends()) {
                    brokers.put(b.id(), new InetSocketAddress(b.address().host(), b.address().port()));
                }
            }
            if (o.kill() != null && !brokers.containsKey(o.kill())) {
                throw new IllegalArgumentException("cannot kill broker '" + o.kill() + "': brokers are "
                        + (brokers.isEmpty() ? "unknown without the proxy config" : String.join(", ", brokers.keySet())));
            }
            boolean placing = !brokers.isEmpty();
            // Each device is a socket here; in a self-contained run with one proxy, the proxy in this
            // process holds two more. A proxy of a fleet holds two for each of its share of the devices.
            boolean inProcessProxy = o.mosquitto() > 0 && o.proxies() == 1;
            long needed = (long) o.devices() * (inProcessProxy ? 3 : 1) + 1_000;
            long limit = FileDescriptors.limit();
            if (limit > 0 && limit < needed) {
                out.printf("warning: this process may open %d files (ulimit -n) and needs about %d for %d devices;"
                        + " raise it (ulimit -n 65536) or run fewer devices%n", limit, needed, o.devices());
            }
            long perProxy = 2L * o.devices() / o.proxies() + 1_000;
            if (o.mosquitto() > 0 && o.proxies() > 1 && limit > 0 && limit < perProxy) {
                out.printf("warning: each proxy may open %d files and needs about %d for its %d devices; start more"
                        + " (--proxies)%n", limit, perProxy, o.devices() / o.proxies());
            }
            MqttFleet fleet = new MqttFleet(new MqttFleet.Settings(targets, o.devices(), "dev", o.seed(),
                    o.connectRate(), o.maxPending(), o.threads(), placing));
            closing.add(fleet);
            List<MqttFleet.PhaseResult> phases = new ArrayList<>();

            MqttFleet.PhaseResult connect = fleet.connectAll(o.timeout());
            phases.add(connect);
            out.println(connect.summary("connects"));
            if (connect.ready() < o.devices()) {
                throw new IllegalStateException(connect.ready() + " of " + o.devices() + " devices connected within "
                        + o.timeout().toSeconds() + " s; is the target up, and ulimit -n high enough?");
            }
            Map<String, Integer> perBroker = new TreeMap<>();
            int placedBefore = 0;
            int onHashBefore = 0;
            Map<String, String> before = Map.of();
            Function<String, String> hash = null;
            if (placing) {
                hash = hashChoice(cluster, Set.of());
                before = BrokerLocator.locate(fleet, brokers, o.timeout());
                for (String b : before.values()) {
                    perBroker.merge(b, 1, Integer::sum);
                }
                placedBefore = before.size();
                onHashBefore = onHash(before, hash);
                out.printf("placement: %d/%d devices placed, %d on their hash-chosen broker; per broker %s%n",
                        placedBefore, o.devices(), onHashBefore, perBroker);
            }
            if (!o.publishDuration().isZero()) {
                MqttFleet.PhaseResult p = fleet.publish(o.publishRate(), o.qos(), o.payloadBytes(), o.publishDuration());
                phases.add(p);
                out.println(p.summary("QoS " + o.qos() + " messages") + (o.qos() == 0 ? " (QoS 0: no ack, no latency)"
                        : " (latency from the intended send time to the PUBACK)"));
            }
            int onHashAfterStorm = -1;
            if (o.storm()) {
                MqttFleet.PhaseResult s = fleet.reconnectAll(o.timeout());
                phases.add(s);
                out.println(s.summary("reconnects"));
                if (placing) {
                    Map<String, String> now = BrokerLocator.locate(fleet, brokers, o.timeout());
                    onHashAfterStorm = onHash(now, hash);
                    out.printf("placement after the storm: %d/%d on their hash-chosen broker%n", onHashAfterStorm,
                            o.devices());
                }
            }
            int victimDevices = -1;
            int moved = 0;
            int kept = 0;
            int misplaced = 0;
            int unplaced = 0;
            if (o.kill() != null) {
                String victim = o.kill();
                victimDevices = (int) before.values().stream().filter(victim::equals).count();
                long dropsBefore = fleet.drops();
                MosquittoBroker own = started.get(victim);
                if (own != null) {
                    own.kill();
                    out.printf("killed broker %s (%d devices on it)%n", victim, victimDevices);
                } else {
                    out.printf("kill broker %s (%s) now; waiting until its port refuses connections%n", victim,
                            format(brokers.get(victim)));
                    awaitRefused(brokers.get(victim), o.timeout());
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (fleet.drops() - dropsBefore < victimDevices && System.nanoTime() - deadline < 0) {
                    Thread.sleep(10);
                }
                MqttFleet.PhaseResult recover = fleet.awaitReady("recover", o.timeout());
                phases.add(recover);
                out.println(recover.summary("reconnects") + " (" + (fleet.drops() - dropsBefore) + " dropped)");
                // Every device reconnects once more: the survivors' devices must come back to their broker.
                MqttFleet.PhaseResult again = fleet.reconnectAll(o.timeout());
                phases.add(new MqttFleet.PhaseResult("storm2", again.ready(), again.devices(), again.events(),
                        again.failures(), again.nanos(), again.latency()));
                out.println(phases.get(phases.size() - 1).summary("reconnects"));
                Function<String, String> hashAfter = hashChoice(cluster, Set.of(victim));
                Map<String, String> after = BrokerLocator.locate(fleet, brokers, o.timeout());
                for (String id : fleet.clientIds()) {
                    String was = before.get(id);
                    String now = after.get(id);
                    if (now == null) {
                        unplaced++;
                    } else if (!now.equals(hashAfter.apply(id))) {
                        misplaced++;
                    } else if (victim.equals(was)) {
                        moved++;
                    } else if (now.equals(was)) {
                        kept++;
                    }
                }
                out.printf("after killing %s: %d/%d of its devices moved to their new hash-chosen broker, %d/%d others"
                                + " kept their broker, %d misplaced, %d not placed (no probe came back)%n", victim,
                        moved, victimDevices, kept, o.devices() - victimDevices, misplaced, unplaced);
                misplaced += unplaced;
            }
            List<Long> perProxyConnects = fleet.connectsPerTarget();
            if (targets.size() > 1) {
                out.printf("connections per proxy over the run: %s%n", perProxyConnects);
            }
            return new Report(phases, perBroker, placedBefore, onHashBefore, onHashAfterStorm, victimDevices, moved, kept,
                    misplaced, perProxyConnects);
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

    /**
     * The broker the cluster's strategy picks for each client id, with {@code down} marked
     * unhealthy: the proxy's own cluster built from the same config, so the same ring.
     */
    static Function<String, String> hashChoice(ProxyConfig.Cluster cluster, Set<String> down) {
        Cluster c = Cluster.build(cluster, null, StrategyRegistry.standard(), Environment.system());
        for (String id : down) {
            c.loadBalancer().setHealth(id, HealthState.UNHEALTHY);
        }
        return clientId -> {
            Endpoint e = c.loadBalancer().pick(RequestContext.ofKey(clientId));
            return e == null ? null : e.id();
        };
    }

    private static int onHash(Map<String, String> placement, Function<String, String> hash) {
        int n = 0;
        for (Map.Entry<String, String> e : placement.entrySet()) {
            if (e.getValue().equals(hash.apply(e.getKey()))) {
                n++;
            }
        }
        return n;
    }

    static String selfContainedConfig(Iterable<MosquittoBroker> brokers) {
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nlisteners:\n"
                + "  - { name: mqtt, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers, max-connections: 1000000 }\n"
                + "clusters:\n  - name: brokers\n    strategy: ring-hash\n"
                // A broker slow to accept under a connect burst is still the device's broker: a generous
                // connect timeout keeps the proxy from retrying the device on the next one.
                + "    timeouts: { connect: 10s }\n"
                // A broker that misses its checks is taken out and its devices go elsewhere, which the
                // placement check counts as misplaced: a cold proxy JVM, or brokers busy with a storm of
                // thousands of reconnects on a loaded machine, miss checks that a healthy broker would
                // pass. So keep the whole fall budget from the start (fully-up) and take a broker out only
                // after 10 s of failed checks. A killed broker's devices do not wait for that: a refused
                // connect is retried on the next backend of the ring, which is where the hash sends them.
                + "    health-check: { type: mqtt, interval: 2s, timeout: 2s, rise: 1, fall: 5, initial-state: fully-up }\n"
                + "    backends:\n");
        for (MosquittoBroker b : brokers) {
            y.append("      - { id: ").append(b.id()).append(", address: '").append(b.address()).append("' }\n");
        }
        return y.toString();
    }

    private static void awaitRefused(InetSocketAddress address, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try (Socket s = new Socket()) {
                s.connect(address, 200);
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("broker at " + format(address) + " still accepts connections after "
                + timeout.toSeconds() + " s");
    }

    private static String format(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
