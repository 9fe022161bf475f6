package io.sluice.loadtests.mqtt;

import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.proxy.Proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * K Sluice proxies, each in its own JVM, all running one config: a fleet as it would sit behind an
 * L4 balancer. Separate processes because each has its own open-file budget: a proxy relaying a
 * device holds two descriptors (the device's and the broker's), so 10,000 devices need 20,000 and
 * more in one proxy, past a hard limit of 20,000 a process; two proxies hold 10,000 each.
 *
 * <p>Each child runs {@link #main} on this JVM's class path (the {@code sluice} jar, or the test
 * class path), binds its listeners as the config says (port 0: a free one), and writes the chosen
 * listener's address to a file the parent waits for. A child reads its standard input until end of
 * file and then stops, so it ends with its parent even when the parent is killed; {@link #close}
 * closes that input and waits.
 */
public final class ProxyFleet implements AutoCloseable {
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final List<Process> processes;
    private final List<InetSocketAddress> addresses;

    private ProxyFleet(List<Process> processes, List<InetSocketAddress> addresses) {
        this.processes = processes;
        this.addresses = addresses;
    }

    /**
     * Starts {@code count} proxies on {@code config} and returns once each listens.
     *
     * @param listener the listener whose address {@link #addresses()} gives
     * @param dir      where the children's logs and address files go
     * @throws IllegalStateException when a child exits or does not listen within 60 s (its log is in the message)
     */
    public static ProxyFleet start(Path config, String listener, int count, Path dir) throws IOException,
            InterruptedException {
        if (count < 1) {
            throw new IllegalArgumentException("a proxy fleet needs at least 1 proxy, got " + count);
        }
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<Process> processes = new ArrayList<>();
        List<Path> ready = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        ProxyFleet fleet = new ProxyFleet(processes, new ArrayList<>());
        try {
            for (int i = 1; i <= count; i++) {
                Path addressFile = dir.resolve("proxy-" + i + ".address");
                Path log = dir.resolve("proxy-" + i + ".log");
                Files.deleteIfExists(addressFile);
                // A small young generation is plenty for a relay; serial GC keeps K JVMs from each
                // starting a thread per core on a machine the generator and the brokers share.
                Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx1g",
                        "-cp", System.getProperty("java.class.path"), ProxyFleet.class.getName(),
                        config.toString(), listener, addressFile.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                processes.add(p);
                ready.add(addressFile);
                logs.add(log);
            }
            long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
            for (int i = 0; i < count; i++) {
                while (!Files.exists(ready.get(i))) {
                    if (!processes.get(i).isAlive() || System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("proxy " + (i + 1) + " of " + count + " did not start"
                                + (processes.get(i).isAlive() ? " within 60 s" : " (exit "
                                + processes.get(i).exitValue() + ")") + "; its log " + logs.get(i) + ":\n"
                                + Files.readString(logs.get(i)));
                    }
                    Thread.sleep(20);
                }
                String hostPort = Files.readString(ready.get(i), StandardCharsets.UTF_8).trim();
                int colon = hostPort.lastIndexOf(':');
                fleet.addresses.add(new InetSocketAddress(hostPort.substring(0, colon),
                        Integer.parseInt(hostPort.substring(colon + 1))));
            }
            return fleet;
        } catch (IOException | InterruptedException | RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    /** The listener's address on each proxy, in start order. */
    public List<InetSocketAddress> addresses() {
        return List.copyOf(addresses);
    }

    /** Closes each child's standard input (it stops), waits up to 10 s, then kills what is left. */
    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            try {
                p.getOutputStream().close();
            } catch (IOException e) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A child: {@code CONFIG LISTENER ADDRESS-FILE}. Runs the proxy, writes the listener's
     * {@code host:port} to the file (atomically, so the parent never reads half of it), and stops
     * at the end of standard input.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ProxyFleet CONFIG LISTENER ADDRESS-FILE");
            System.exit(2);
        }
        Proxy proxy = Proxy.start(ProxyConfigs.load(Path.of(args[0])));
        try {
            InetSocketAddress a = proxy.address(args[1]);
            Path file = Path.of(args[2]);
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, a.getHostString() + ":" + a.getPort(), StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            InputStream in = System.in;
            byte[] sink = new byte[256];
            while (in.read(sink) >= 0) {
                // Nothing is sent on it; end of file is the signal to stop.
            }
        } finally {
            proxy.close();
        }
        System.exit(0);
    }
}
