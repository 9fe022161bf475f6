package io.sluice.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.proxy.http.ResponseDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive connections to backends, per backend address, for one event loop. Client
 * connections on that loop borrow from it, so a borrowed connection runs on the same thread as
 * its client and nothing is locked (the pattern of Netty's proxy example: the outbound channel
 * shares the inbound channel's event loop).
 *
 * <p>Reuse is last-in first-out: the most recently used connection is the likeliest to be alive
 * and warm, and the others age out through the idle timeout.
 *
 * <p>Not thread-safe: only its event loop may call it.
 */
final class UpstreamPool {
    /** Idle connections kept per backend address and event loop; more are closed. */
    static final int MAX_IDLE_PER_ADDRESS = 256;
    /** A pooled connection unused this long is closed. */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final int MAX_STATUS_LINE = 8 * 1024;
    static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;
    static final int MAX_RESPONSE_HEADERS = 256;

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<InetSocketAddress, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();

    UpstreamPool(EventLoop loop, Transport transport, io.netty.buffer.ByteBufAllocator allocator) {
        this.loop = loop;
        this.bootstrap = new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.ALLOCATOR, allocator)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    EventLoop loop() {
        return loop;
    }

    /** An idle live connection to {@code address}, or null. */
    UpstreamConnection poll(InetSocketAddress address) {
        ArrayDeque<UpstreamConnection> q = idle.get(address);
        if (q == null) {
            return null;
        }
        UpstreamConnection c;
        while ((c = q.pollLast()) != null) {
            if (c.channel().isActive()) {
                return c;
            }
        }
        return null;
    }

    /** Starts a new connection; its {@link UpstreamConnection} is in the pipeline once connected. */
    ChannelFuture connect(InetSocketAddress address, long connectTimeoutNanos) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos)));
        UpstreamPool pool = this;
        return bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ResponseDecoder decoder = new ResponseDecoder(MAX_STATUS_LINE, MAX_RESPONSE_HEADER_BYTES,
                                MAX_RESPONSE_HEADERS);
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, IDLE_NANOS, TimeUnit.NANOSECONDS))
                                .addLast("encoder", new HttpRequestEncoder())
                                .addLast("decoder", decoder)
                                .addLast("upstream", new UpstreamConnection(pool, address, decoder));
                    }
                })
                .connect(address);
    }

    void offer(UpstreamConnection c) {
        ArrayDeque<UpstreamConnection> q = idle.computeIfAbsent(c.address(), a -> new ArrayDeque<>());
        if (q.size() >= MAX_IDLE_PER_ADDRESS) {
            c.close();
            return;
        }
        q.offerLast(c);
    }

    void remove(UpstreamConnection c) {
        ArrayDeque<UpstreamConnection> q = idle.get(c.address());
        if (q != null) {
            q.remove(c);
        }
    }

    /** Closes the idle connections to every address not in {@code keep} (backends a reload removed). */
    void closeIdleExcept(java.util.Set<InetSocketAddress> keep) {
        for (java.util.Iterator<Map.Entry<InetSocketAddress, ArrayDeque<UpstreamConnection>>> it =
                idle.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<InetSocketAddress, ArrayDeque<UpstreamConnection>> e = it.next();
            if (!keep.contains(e.getKey())) {
                it.remove();
                for (UpstreamConnection c : new ArrayList<>(e.getValue())) {
                    c.close();
                }
            }
        }
    }

    /** Idle connections to {@code address} (tests and, later, the admin API). */
    int idleCount(InetSocketAddress address) {
        ArrayDeque<UpstreamConnection> q = idle.get(address);
        return q == null ? 0 : q.size();
    }
}
