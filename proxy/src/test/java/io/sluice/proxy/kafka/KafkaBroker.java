package io.sluice.proxy.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Apache Kafka broker in KRaft mode ({@code process.roles=broker,controller}) in its own JVM,
 * started from the Kafka jars on the test class path: the storage is formatted in a temporary
 * directory, the broker listens on free 127.0.0.1 ports, and {@link #start()} returns once an admin
 * client can describe the cluster. {@link #kill()} sends SIGKILL (the outage tests); {@link #start()}
 * again brings it back on the same ports and the same log, so clients reconnect to the same address.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;

    KafkaBroker(Path dir) {
        this.dir = dir;
        this.port = freePort();
        this.controllerPort = freePort();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Formats the storage on first use, starts the broker, and waits until it answers. */
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path props = dir.resolve("server.properties");
        Path logs = dir.resolve("data");
        if (!Files.exists(props)) {
            Files.writeString(props, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + logs,
                    "num.partitions=1",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "auto.create.topics.enable=true",
                    // Fast restarts after SIGKILL: the old registration is fenced within 2 s, and
                    // the single-voter quorum elects itself at once.
                    "broker.session.timeout.ms=2000",
                    "broker.heartbeat.interval.ms=300",
                    "controller.quorum.election.timeout.ms=300",
                    "controller.quorum.fetch.timeout.ms=1000",
                    "log.initial.task.delay.ms=0",
                    ""), StandardCharsets.UTF_8);
            String clusterId = base64Uuid();
            // One argument with "=": a base64url id may start with '-', which the tool would read as an option.
            Process format = java("kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId, "-c", props.toString(),
                    "--ignore-formatted").start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException("kafka storage format failed: " + Files.readString(dir.resolve("format.log")));
            }
        }
        long t0 = System.nanoTime();
        process = java("kafka.Kafka", props.toString()).start();
        awaitReady();
        System.err.printf("kafka broker on %s answered in %d ms%n", bootstrapServers(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** SIGKILL: the broker dies mid-write, as in a crash. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private ProcessBuilder java(String main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A small heap and C1 only: the broker starts in a few seconds on a loaded 2-core box.
        cmd.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlog4j2.level=WARN", "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        String log = main.endsWith("StorageTool") ? "format.log" : "broker.log";
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile()));
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("kafka broker exited with " + process.exitValue() + ": " + tail());
            }
            if (portOpen()) {
                Properties p = new Properties();
                p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
                p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
                p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
                try (Admin admin = Admin.create(p)) {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    // still starting
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IOException("kafka broker did not answer within " + START_DEADLINE + ": " + tail());
    }

    private boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String tail() throws IOException {
        Path log = dir.resolve("broker.log");
        if (!Files.exists(log)) {
            return "(no log)";
        }
        String s = Files.readString(log);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    private static String base64Uuid() {
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
