package io.sluice.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A plain blocking TCP server on a free loopback port; each accepted socket is handled on its own thread. */
final class ByteServer implements AutoCloseable {
    interface Handler {
        void handle(Socket s) throws Exception;
    }

    final String id;
    final ServerSocket server;
    final AtomicInteger accepted = new AtomicInteger();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ByteServer(String id, Handler handler) throws IOException {
        this.id = id;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(s);
                    Thread h = new Thread(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (Exception e) {
                            if (!server.isClosed()) {
                                failures.add(e);
                            }
                        }
                    }, "byte-server-" + id);
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "byte-server-accept-" + id);
        t.setDaemon(true);
        t.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
