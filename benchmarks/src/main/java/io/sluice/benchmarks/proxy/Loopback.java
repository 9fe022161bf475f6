package io.sluice.benchmarks.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The only address this benchmark uses: every backend, proxy and wrk run is on 127.0.0.1, on ports
 * the kernel hands out as free.
 */
final class Loopback {
    static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    /**
     * {@code count} distinct ports that were free a moment ago. Each is bound to port 0 (the kernel
     * picks) and the sockets are held until all are picked, so the ports differ; then they are
     * released for the servers to bind. Another process could take one in between: a server that
     * fails to bind says so in its log and the target is reported as failed.
     */
    static List<Integer> freePorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(HOST), 0));
                ports.add(socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a listening socket that never accepted cannot lose anything.
                }
            }
        }
    }

    /** {@code 127.0.0.1:port}. */
    static String address(int port) {
        return HOST + ":" + port;
    }
}
