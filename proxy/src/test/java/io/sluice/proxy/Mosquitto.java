package io.sluice.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real mosquitto broker (the Debian package) on a free loopback port, with its own config file. */
final class Mosquitto implements AutoCloseable {
    final String id;
    final int port;
    private final Process process;

    private Mosquitto(String id, int port, Process process) {
        this.id = id;
        this.port = port;
        this.process = process;
    }

    /** Starts a broker that keeps sessions in memory; returns once its port accepts connections (10 s deadline). */
    static Mosquitto start(String id, Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve(id + ".conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + "max_queued_messages 1000\nlog_type error\n");
        Process p = new ProcessBuilder(ExternalTool.require("mosquitto"), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(id + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new Mosquitto(id, port, p);
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("mosquitto " + id + " did not listen on " + port + ": "
                            + Files.readString(dir.resolve(id + ".log")));
                }
                Thread.onSpinWait();
            }
        }
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** Kills it (SIGKILL: no goodbye to its clients) and waits for the process to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
