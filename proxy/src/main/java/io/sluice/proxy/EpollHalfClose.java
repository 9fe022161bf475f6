package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.Native;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;

/**
 * Keeps a half-closed epoll socket in its epoll set, so that writes to it after its input ended
 * are not lost (Netty 4.2.18).
 *
 * <p>The fault: when a channel's interest set becomes empty, Netty's epoll registration removes the
 * descriptor from epoll ({@code EPOLL_CTL_DEL}) but still believes it is added; the next interest it
 * sets is an {@code EPOLL_CTL_MOD}, which fails with {@code ENOENT}, and Netty fails every queued
 * write with {@code ChannelOutputShutdownException}. A relay meets it whenever one side has half
 * closed (its {@code EPOLLIN} and {@code EPOLLRDHUP} interest cleared) and the relay then writes to
 * that side faster than it reads: the write waits for {@code EPOLLOUT}, and the tail of the stream
 * is lost. {@code TcpRelayTest} shows it: 128 MiB each way to slow readers lost about 100 KiB in
 * half the runs on a loaded machine.
 *
 * <p>The remedy: {@code EPOLLERR} in the interest set. The kernel reports errors whether asked or
 * not, so asking changes no event the channel gets; it only keeps the set from ever being empty.
 * Netty's {@code setFlag} that adds it is protected, hence the method handle. Other transports
 * (NIO, io_uring) are left alone, and so is an epoll build without the method (then the
 * fault, if still there, shows as before).
 */
final class EpollHalfClose {
    private static final MethodHandle SET_FLAG = setFlag();

    private EpollHalfClose() {
    }

    private static MethodHandle setFlag() {
        try {
            // Declared on AbstractEpollChannel, which is package-private.
            for (Class<?> c = EpollSocketChannel.class; c != null; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (m.getName().equals("setFlag") && m.getParameterCount() == 1) {
                        m.setAccessible(true);
                        return MethodHandles.lookup().unreflect(m);
                    }
                }
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Call on the channel's event loop once it is registered; no-op for other transports. */
    static void keepRegistered(Channel ch) {
        if (SET_FLAG == null || !(ch instanceof EpollSocketChannel)) {
            return;
        }
        try {
            SET_FLAG.invoke(ch, Native.EPOLLERR);
        } catch (Throwable e) {
            ch.pipeline().fireExceptionCaught(e);
        }
    }
}
