package io.sluice.proxy;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;

/**
 * The socket implementation: Linux epoll when its native library loads, Java NIO otherwise. The
 * system property {@code sluice.transport=nio} forces NIO (to compare, or to rule epoll out).
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
    };

    abstract IoHandlerFactory ioHandlerFactory();

    abstract Class<? extends ServerChannel> serverChannel();

    abstract Class<? extends SocketChannel> socketChannel();

    /** Epoll if available and not overridden by {@code -Dsluice.transport=nio}. */
    static Transport best() {
        String forced = System.getProperty("sluice.transport", "").toLowerCase(Locale.ROOT);
        if (forced.equals("nio")) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
