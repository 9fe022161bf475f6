package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.uring.IoUringTcpInfo;
import java.util.Arrays;
import java.util.Locale;

/**
 * The socket implementation every event loop, listener and upstream connection of one proxy uses:
 * stream (TCP) server and client sockets, and datagram (UDP) sockets for the datagram listeners to
 * come. Linux epoll when its native library loads, else Java NIO; Linux io_uring on request.
 *
 * <p>Chosen once per process with the system property {@value #PROPERTY}: {@code auto} (the
 * default: epoll, else NIO), {@code epoll}, {@code io_uring} or {@code nio}. A transport asked for
 * but not available here (no native library, a kernel without io_uring) is refused at start with
 * the reason, rather than silently replaced. io_uring is not the default until it has measured
 * faster than epoll on a quiet machine ({@code ./sluice bench proxy} runs Sluice with either).
 */
enum Transport {
    EPOLL {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        Class<? extends ServerChannel> serverChannel() {
            return EpollServerSocketChannel.class;
        }

        @Override
        Class<? extends SocketChannel> socketChannel() {
            return EpollSocketChannel.class;
        }

        @Override
        Class<? extends DatagramChannel> datagramChannel() {
            return EpollDatagramChannel.class;
        }

        @Override
        boolean available() {
            return Epoll.isAvailable();
        }

        @Override
        Throwable unavailabilityCause() {
            return Epoll.unavailabilityCause();
        }

        @Override
        boolean peerClosed(Channel ch) {
            return ch instanceof EpollSocketChannel s && s.tcpInfo(new EpollTcpInfo()).state() != TCP_ESTABLISHED;
        }
    },
    IO_URING {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return IoUringIoHandler.newFactory();
        }

        @Override
        Class<? extends ServerChannel> serverChannel() {
            return IoUringServerSocketChannel.class;
        }

        @Override
        Class<? extends SocketChannel> socketChannel() {
            return IoUringSocketChannel.class;
        }

        @Override
        Class<? extends DatagramChannel> datagramChannel() {
            return IoUringDatagramChannel.class;
        }

        @Override
        boolean available() {
            return IoUring.isAvailable();
        }

        @Override
        Throwable unavailabilityCause() {
            return IoUring.unavailabilityCause();
        }

        @Override
        boolean peerClosed(Channel ch) {
            return ch instanceof IoUringSocketChannel s
                    && s.tcpInfo(new IoUringTcpInfo()).state() != TCP_ESTABLISHED;
        }
    },
    NIO {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        Class<? extends ServerChannel> serverChannel() {
            return NioServerSocketChannel.class;
        }

        @Override
        Class<? extends SocketChannel> socketChannel() {
            return NioSocketChannel.class;
        }

        @Override
        Class<? extends DatagramChannel> datagramChannel() {
            return NioDatagramChannel.class;
        }

        @Override
        boolean available() {
            return true;
        }

        @Override
        Throwable unavailabilityCause() {
            return null;
        }

        @Override
        boolean peerClosed(Channel ch) {
            // Java sockets do not expose the TCP state; the stale-connection retry covers it.
            return false;
        }
    };

    /** The system property that chooses the transport. */
    static final String PROPERTY = "sluice.transport";
    /** Linux {@code TCP_ESTABLISHED} in {@code tcp_info.tcpi_state}. */
    private static final int TCP_ESTABLISHED = 1;

    abstract IoHandlerFactory ioHandlerFactory();

    abstract Class<? extends ServerChannel> serverChannel();

    abstract Class<? extends SocketChannel> socketChannel();

    abstract Class<? extends DatagramChannel> datagramChannel();

    /** Whether this transport works in this process (native library loaded, kernel support). */
    abstract boolean available();

    /** Why it does not, or null. */
    abstract Throwable unavailabilityCause();

    /**
     * Whether the kernel says the peer has closed (or reset) this connected stream socket; false
     * when it cannot tell. A system call: for the rare checks, not per request.
     */
    abstract boolean peerClosed(Channel ch);

    /** The transport {@value #PROPERTY} asks for, or epoll (else NIO) when it is unset or {@code auto}. */
    static Transport best() {
        return choose(System.getProperty(PROPERTY, "auto"));
    }

    /**
     * The transport named {@code name} ({@code auto}, {@code epoll}, {@code io_uring} or
     * {@code nio}, any case; {@code io-uring} and {@code iouring} also name io_uring).
     *
     * @throws IllegalArgumentException for another name, or a transport not available here (with why)
     */
    static Transport choose(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (n.isEmpty() || n.equals("auto")) {
            return EPOLL.available() ? EPOLL : NIO;
        }
        Transport t = switch (n) {
            case "epoll" -> EPOLL;
            case "io_uring", "iouring" -> IO_URING;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException(PROPERTY + ": unknown transport '" + name
                    + "'; allowed: auto, " + String.join(", ", Arrays.stream(values()).map(Transport::toString).toList()));
        };
        if (!t.available()) {
            Throwable why = t.unavailabilityCause();
            throw new IllegalArgumentException(PROPERTY + ": transport " + t + " is not available here"
                    + (why == null ? "" : ": " + why));
        }
        return t;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
