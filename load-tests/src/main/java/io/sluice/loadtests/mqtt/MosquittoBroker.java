package io.sluice.loadtests.mqtt;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real mosquitto broker (the Debian package) on a free loopback port, for the self-contained
 * run and the tests. Its config allows unlimited connections ({@code max_connections -1}); how
 * many it can really hold is bounded by the file-descriptor limit it inherits ({@code ulimit -n}).
 */
public final class MosquittoBroker implements AutoCloseable {
    private final String id;
    private final int port;
    private final Process process;
    private final Path log;

    private MosquittoBroker(String id, int port, Process process, Path log) {
        this.id = id;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts broker {@code id} with its config and log in {@code dir}; returns once its port accepts
     * connections.
     *
     * @throws IllegalStateException when mosquitto is not installed or does not listen within 10 s
     */
    /** The mosquitto program: on the PATH, else in /usr/sbin where Debian installs it; empty when absent. */
    public static Optional<Path> executable() {
        List<String> dirs = new ArrayList<>(List.of(
                System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "mosquitto"))) {
                return Optional.of(Path.of(dir, "mosquitto"));
            }
        }
        return Optional.empty();
    }

    public static MosquittoBroker start(String id, Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve(id + ".conf");
        Path log = dir.resolve(id + ".log");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + "max_connections -1\nmax_queued_messages 1000\nlog_type error\nlog_type warning\n");
        Path mosquitto = executable().orElseThrow(() -> new IllegalStateException(
                "mosquitto is not installed: not on the PATH nor in /usr/sbin (Debian: apt-get install mosquitto)"));
        Process p;
        try {
            p = new ProcessBuilder(mosquitto.toString(), "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run mosquitto (Debian: apt-get install mosquitto): "
                    + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new MosquittoBroker(id, port, p, log);
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("mosquitto " + id + " did not listen on " + port + ": "
                            + Files.readString(log));
                }
                Thread.sleep(5);
            }
        }
    }

    public String id() {
        return id;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** What the broker logged (errors and warnings). */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no goodbye to its clients; waits for the process to end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
