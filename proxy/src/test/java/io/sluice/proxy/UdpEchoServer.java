package io.sluice.proxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP server on a loopback port that answers every datagram with {@code "<id>:"} followed by the
 * datagram's bytes, and remembers the source addresses it saw, on one thread with a real
 * {@link DatagramSocket}.
 */
final class UdpEchoServer implements AutoCloseable {
    final String id;
    final AtomicInteger received = new AtomicInteger();
    final Set<String> sources = ConcurrentHashMap.newKeySet();
    private final DatagramSocket socket;
    private final Thread thread;

    UdpEchoServer(String id) throws IOException {
        this.id = id;
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "udp-echo-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    private void serve() {
        byte[] prefix = (id + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                received.incrementAndGet();
                sources.add(p.getSocketAddress().toString());
                byte[] out = new byte[prefix.length + p.getLength()];
                System.arraycopy(prefix, 0, out, 0, prefix.length);
                System.arraycopy(p.getData(), p.getOffset(), out, prefix.length, p.getLength());
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
