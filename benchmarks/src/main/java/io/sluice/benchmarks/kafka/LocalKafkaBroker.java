package io.sluice.benchmarks.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft broker ({@code process.roles=broker,controller}) in a child JVM, started from
 * the Kafka jars on this JVM's class path, its storage in {@code dir}, listening on a free
 * 127.0.0.1 port. The harnesses use it when not given a broker. (The proxy's tests have their own,
 * {@code KafkaBroker}, with kill and restart.) Its {@link #main} runs one on its own, for
 * {@code ./sluice bench proxy --kafka HOST:PORT} (docs/kafka.md):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.kafka.LocalKafkaBroker [--port 19092] [--dir DIR]
 * </pre>
 *
 * <p>Not thread-safe.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private LocalKafkaBroker(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Runs a broker until this JVM is stopped (Ctrl-C, SIGTERM): {@code --port} (default 19092, 0 for
     * any free port) on 127.0.0.1, its storage in {@code --dir} (default a new temporary directory;
     * an existing formatted one is reused, topics and all).
     */
    public static void main(String[] args) throws Exception {
        int port = 19092;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("'" + a + "' needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--port" -> {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 0 || port > 65535) {
                        usage("--port must be 0..65535, got '" + v + "'");
                    }
                }
                case "--dir" -> dir = Path.of(v);
                default -> usage("unknown option '" + a + "'");
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("sluice-kafka-");
        }
        System.out.println("starting a KRaft broker in " + dir + " (log: " + dir.resolve("broker.log") + ") ...");
        LocalKafkaBroker broker = start(dir, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "local-kafka-broker-stop"));
        System.out.println("kafka broker on " + broker.bootstrapServers() + "; stop with Ctrl-C");
        System.out.println("e.g. ./sluice bench proxy --kafka " + broker.bootstrapServers());
        broker.awaitExit();
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: LocalKafkaBroker [--port 19092] [--dir DIR]");
        System.exit(2);
    }

    /** Formats the storage, starts the broker and returns once its port accepts connections (60 s at most). */
    public static LocalKafkaBroker start(Path dir) throws IOException, InterruptedException {
        return start(dir, 0);
    }

    /** As {@link #start(Path)} on {@code port}, or a free one when 0. */
    public static LocalKafkaBroker start(Path dir, int wantedPort) throws IOException, InterruptedException {
        int port = wantedPort == 0 ? freePort() : wantedPort;
        if (wantedPort != 0) {
            // Else the readiness probe below could connect to whoever holds the port.
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                throw new IOException("port " + port + " on 127.0.0.1 is taken (" + e.getMessage() + ")", e);
            }
        }
        int controller = freePort();
        Files.createDirectories(dir);
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "auto.create.topics.enable=true",
                ""), StandardCharsets.UTF_8);
        UUID u = UUID.randomUUID();
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
        // One argument with "=": a base64url id may start with '-', which the tool would read as an option.
        Process format = java(dir, "format.log", "kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId, "-c",
                props.toString(), "--ignore-formatted").start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("kafka storage format failed; see " + dir.resolve("format.log"));
        }
        Process broker = java(dir, "broker.log", "kafka.Kafka", props.toString()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new IOException("kafka broker exited; see " + dir.resolve("broker.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new LocalKafkaBroker(dir, port, broker);
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        broker.destroyForcibly();
        throw new IOException("kafka broker did not listen within 60 s; see " + dir.resolve("broker.log"));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker process's CPU time so far (user + system), in ns; -1 when the OS does not say. */
    public long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** Blocks until the broker process ends (the broker-only mode). */
    public void awaitExit() throws InterruptedException {
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static ProcessBuilder java(Path dir, String log, String main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xms256m", "-Xmx1g", "-Dlog4j2.level=WARN", "-cp", System.getProperty("java.class.path"),
                main));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
