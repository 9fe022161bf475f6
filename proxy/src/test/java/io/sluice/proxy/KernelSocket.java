package io.sluice.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the Linux kernel says about one loopback TCP connection, from {@code /proc/net/tcp}: its
 * state and how many received bytes the application has not read yet. Lets a test wait for a
 * fact the proxy cannot be asked about, such as "the proxy has read the bytes I sent" (its receive
 * queue is empty) or "the proxy's side has received my FIN" (CLOSE_WAIT), instead of sleeping and
 * hoping.
 *
 * @param state   the TCP state ({@code 01} ESTABLISHED, {@code 08} CLOSE_WAIT...), hex as the kernel writes it
 * @param rxQueue received bytes not yet read by the application
 */
record KernelSocket(String state, long rxQueue) {
    static final String ESTABLISHED = "01";
    static final String CLOSE_WAIT = "08";
    private static final Path TCP = Path.of("/proc/net/tcp");
    /** Dual-stack sockets (Java's, Netty's epoll) list 127.0.0.1 as ::ffff:127.0.0.1 here. */
    private static final Path TCP6 = Path.of("/proc/net/tcp6");

    /** Whether this machine has {@code /proc/net/tcp} (Linux). */
    static boolean available() {
        return Files.isReadable(TCP);
    }

    /**
     * The socket on 127.0.0.1 whose local port is {@code localPort} and whose peer is 127.0.0.1:
     * {@code remotePort}; null when there is none.
     */
    static KernelSocket of(int localPort, int remotePort) {
        // 127.0.0.1 is 0100007F in /proc/net/tcp and ends ...FFFF00000100007F in /proc/net/tcp6.
        String local = String.format(Locale.ROOT, "0100007F:%04X", localPort);
        String remote = String.format(Locale.ROOT, "0100007F:%04X", remotePort);
        List<String> lines = new java.util.ArrayList<>();
        try {
            lines.addAll(Files.readAllLines(TCP));
            if (Files.isReadable(TCP6)) {
                lines.addAll(Files.readAllLines(TCP6));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + TCP, e);
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 4 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                String[] queues = f[4].split(":");
                return new KernelSocket(f[3], Long.parseLong(queues[1], 16));
            }
        }
        return null;
    }

    /** The proxy's side of a client connection: local port the proxy's, peer the client's. */
    static KernelSocket proxySideOf(java.net.Socket client) {
        return of(client.getPort(), client.getLocalPort());
    }
}
