package io.sluice.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
    /** A pooled connection unused this long is closed (within {@link #SWEEP_NANOS} after). */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final int MAX_STATUS_LINE = 8 * 1024;
    static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;
    static final int MAX_RESPONSE_HEADERS = 256;
    /** A connection idle longer than this has its TCP state checked before reuse. */
    static final long PEEK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EventLoop loop;
    private final Transport transport;
    private final Bootstrap bootstrap;
    /**
     * Idle connections by connector and address: connections made by different connectors (in clear,
     * over TLS with one cluster's settings, or another's) are never interchangeable.
     */
    private final Map<Key, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    /** Connected channels per address, pooled or in use: counted on connect and close, never per request. */
    private final Map<InetSocketAddress, int[]> open = new HashMap<>();
    private Http2Upstreams http2;

    UpstreamPool(EventLoop loop, Transport transport, io.netty.buffer.ByteBufAllocator allocator) {
        this.loop = loop;
        this.transport = transport;
        this.bootstrap = new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.ALLOCATOR, allocator)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
        // One sweep per pool closes what idled too long: no timer per connection, nothing per request.
        loop.scheduleWithFixedDelay(this::closeIdle, SWEEP_NANOS, SWEEP_NANOS, TimeUnit.NANOSECONDS);
    }

    /** Closes the pooled connections idle for longer than {@link #IDLE_NANOS}. */
    void closeIdle() {
        long now = System.nanoTime();
        List<UpstreamConnection> expired = null;
        for (ArrayDeque<UpstreamConnection> q : idle.values()) {
            for (UpstreamConnection c : q) {
                if (now - c.idleSinceNanos() > IDLE_NANOS) {
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(c);
                }
            }
        }
        if (expired != null) {
            for (UpstreamConnection c : expired) {
                c.close();
            }
        }
    }

    EventLoop loop() {
        return loop;
    }

    /** This loop's multiplexed HTTP/2 connections to backends, made on first use. */
    Http2Upstreams http2() {
        if (http2 == null) {
            http2 = new Http2Upstreams(this);
        }
        return http2;
    }

    /**
     * An idle live connection to {@code address}, or null. A pooled connection keeps reading, so a
     * close or reset from the backend normally removes it at once; what can slip through is a FIN
     * that reached the socket in the same event-loop turn. For a connection idle longer than
     * {@link #PEEK_AFTER_NANOS} (the ones a backend's keep-alive timeout closes) the kernel's TCP
     * state is asked too, where the transport can ({@link Transport#peerClosed}): one system call
     * on the rare borrow after a pause, none on the busy path. What still slips through is a stale
     * connection, retried at once on a new one by {@link ClientConnection}.
     */
    UpstreamConnection poll(UpstreamConnector connector, InetSocketAddress address) {
        ArrayDeque<UpstreamConnection> q = idle.get(new Key(connector, address));
        if (q == null) {
            return null;
        }
        UpstreamConnection c;
        long now = 0;
        while ((c = q.pollLast()) != null) {
            if (!c.channel().isActive()) {
                continue;
            }
            if (now == 0) {
                now = System.nanoTime();
            }
            if (now - c.idleSinceNanos() > PEEK_AFTER_NANOS && transport.peerClosed(c.channel())) {
                c.close();
                continue;
            }
            return c;
        }
        return null;
    }

    /**
     * Starts a new connection to {@code address}; once connected, {@code connector} has put its
     * {@link UpstreamConnection} in the pipeline. Over TLS ({@link UpstreamConnector#tls()}) the
     * future completes when the handshake has (a failed handshake fails it, as a refused connection
     * would), and the handlers above the TLS layer see the channel active only then.
     */
    ChannelFuture connect(UpstreamConnector connector, InetSocketAddress address, long connectTimeoutNanos) {
        return connect(connector.tls(), connector, address, connectTimeoutNanos);
    }

    /** As {@link #connect(UpstreamConnector, InetSocketAddress, long)}, with the TLS layer given apart. */
    ChannelFuture connect(io.sluice.proxy.tls.UpstreamTlsContext tls, UpstreamConnector connector,
                          InetSocketAddress address, long connectTimeoutNanos) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos)));
        UpstreamPool pool = this;
        UpstreamTlsGate gate = tls == null ? null : new UpstreamTlsGate(tls, address);
        ChannelFuture tcp = bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (gate != null) {
                            // The connect timeout bounds the handshake too (Netty's default is 10 s).
                            io.netty.handler.ssl.SslHandler ssl = tls.newHandler(ch.alloc(), address);
                            ssl.setHandshakeTimeoutMillis(millis);
                            ch.pipeline().addLast("tls", ssl).addLast("tls-gate", gate);
                        }
                        connector.install(ch, pool, address);
                        UpstreamConnection c = ch.pipeline().get(UpstreamConnection.class);
                        if (c != null) {
                            c.connector(connector);
                        }
                    }
                })
                .connect(address);
        if (tcp.isDone() && !tcp.isSuccess() && !tcp.channel().isRegistered()) {
            // No socket could be made (a full descriptor table): Netty fails that on its global executor with
            // a channel that has no loop; fail it on this loop instead, where the caller's state lives.
            return new DefaultChannelPromise(tcp.channel(), loop).setFailure(tcp.cause());
        }
        ChannelFuture f = tcp;
        if (gate != null) {
            // On this loop, so nothing of the connection has happened yet: the gate completes the promise.
            ChannelPromise ready = tcp.channel().newPromise();
            gate.ready(ready);
            tcp.addListener(done -> {
                if (!done.isSuccess()) {
                    ready.tryFailure(done.cause());
                }
            });
            f = ready;
        }
        ChannelFuture connected = f;
        connected.addListener(done -> {
            if (done.isSuccess()) {
                open.computeIfAbsent(address, a -> new int[1])[0]++;
                connected.channel().closeFuture().addListener(closed -> open.get(address)[0]--);
            }
        });
        return connected;
    }

    void offer(UpstreamConnection c) {
        ArrayDeque<UpstreamConnection> q = idle.computeIfAbsent(new Key(c.connector(), c.address()),
                a -> new ArrayDeque<>());
        if (q.size() >= MAX_IDLE_PER_ADDRESS) {
            c.close();
            return;
        }
        q.offerLast(c);
    }

    void remove(UpstreamConnection c) {
        ArrayDeque<UpstreamConnection> q = idle.get(new Key(c.connector(), c.address()));
        if (q != null) {
            q.remove(c);
        }
    }

    /** Closes the idle connections to every address not in {@code keep} (backends a reload removed). */
    void closeIdleExcept(java.util.Set<InetSocketAddress> keep) {
        for (java.util.Iterator<Map.Entry<Key, ArrayDeque<UpstreamConnection>>> it =
                idle.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, ArrayDeque<UpstreamConnection>> e = it.next();
            if (!keep.contains(e.getKey().address())) {
                it.remove();
                for (UpstreamConnection c : new ArrayList<>(e.getValue())) {
                    c.close();
                }
            }
        }
    }

    /**
     * Open and idle connections per address, {@code {open, idle}}, for the metrics; addresses with
     * neither are left out.
     */
    Map<InetSocketAddress, int[]> connectionCounts() {
        Map<InetSocketAddress, int[]> out = new HashMap<>();
        open.forEach((a, n) -> {
            if (n[0] > 0) {
                out.put(a, new int[]{n[0], idleCount(a)});
            }
        });
        return out;
    }

    /** Idle connections to {@code address} (tests and, later, the admin API). */
    int idleCount(InetSocketAddress address) {
        int n = 0;
        for (Map.Entry<Key, ArrayDeque<UpstreamConnection>> e : idle.entrySet()) {
            if (e.getKey().address().equals(address)) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    /** What idle connections are pooled by. */
    private record Key(UpstreamConnector connector, InetSocketAddress address) {
    }
}
