package io.sluice.proxy.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.proxy.Proxy;
import io.sluice.proxy.ReloadResult;
import io.sluice.proxy.config.ProxyConfig;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin API: JSON over HTTP/1.1 on its own socket ({@code admin.listen}, 127.0.0.1:9901 by
 * default), apart from the proxy's listeners and event loops.
 *
 * <pre>
 *   GET  /live                                     liveness: 200 while the process serves, draining included
 *   GET  /ready                                    readiness: 200 ready; 503 starting or draining
 *   GET  /health                                   status for people (JSON): serving or draining, uptime,
 *                                                  connections, listeners; always 200 while it answers
 *   GET  /metrics                                  Prometheus text exposition (format 0.0.4)
 *   GET  /clusters                                 every cluster, in brief
 *   GET  /clusters/{c}                             one cluster and its backends: health, check status,
 *                                                  in-flight, EWMA, weight, counters
 *   POST /clusters/{c}/backends/{id}/weight        {"weight": N}, N in [1, 1000000]
 *   POST /clusters/{c}/backends/{id}/drain         take no new requests, finish those under way
 *   POST /clusters/{c}/backends/{id}/undrain       back to normal
 *   POST /reload                                   re-read the config file: 200 and what changed, or
 *                                                  422 with every error (the old config keeps running)
 * </pre>
 * A known path with another method is 405 (with {@code Allow}), an unknown path or cluster or
 * backend 404, a body that is not the JSON asked for 400; every error is
 * {@code {"error": "..."}}.
 *
 * <h2>Threads</h2>
 * One NIO event loop reads and writes; every request is handled on one worker thread, in arrival
 * order, because a reload reads a file, binds sockets and waits for an old access log to flush:
 * none of that may block an event loop, and running admin requests one at a time makes a weight
 * change or a drain never race a reload from the same operator.
 *
 * <h2>Probes</h2>
 * An orchestrator restarts a process whose liveness probe fails and stops sending traffic to one
 * whose readiness probe fails. A draining proxy must do the second and not the first, or it is
 * killed before its requests finish: so {@code /live} stays 200 while draining and only
 * {@code /ready} turns 503. {@code /health} (the status page operators read) also answers 200
 * while the process serves, its body saying {@code "status": "draining"}, so a probe wired to it
 * never kills a draining proxy either. Before the first config is loaded there is no admin API yet
 * (its address comes from that config): a probe's connection is refused, which every orchestrator
 * counts as not live and not ready.
 *
 * <p>Thread safety: {@link #rebind} and {@link #close} may be called from any thread.
 */
public final class AdminServer implements AutoCloseable {
    /** What {@code GET /ready} reports. */
    public enum Readiness {
        /** The process is still starting: 503. */
        STARTING,
        /** Serving with its config: 200. */
        READY,
        /** The graceful stop has begun: 503, while {@code /live} stays 200. */
        DRAINING
    }

    /** Largest request body accepted; admin bodies are a few bytes of JSON. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** An admin connection idle this long is closed. */
    static final long IDLE_SECONDS = 60;

    private final EventLoopGroup group;
    private final ExecutorService worker;
    private final AdminApi api;
    private volatile Channel server;
    /** Open admin connections, closed explicitly at {@link #close()} (the event loop's shutdown may not). */
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

    private AdminServer(Proxy proxy, Supplier<ReloadResult> reload, Supplier<Readiness> readiness) {
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sluice-admin-io", true),
                NioIoHandler.newFactory());
        this.worker = Executors.newSingleThreadExecutor(new DefaultThreadFactory("sluice-admin", true));
        this.api = new AdminApi(proxy, reload, readiness);
    }

    /**
     * Binds the admin API.
     *
     * @param reload    re-reads the config file and applies it: what {@code POST /reload} runs
     * @param readiness what {@code GET /ready} reports, read at each request
     * @throws IllegalStateException naming the address when it cannot bind
     */
    public static AdminServer start(ProxyConfig.HostPort listen, Proxy proxy, Supplier<ReloadResult> reload,
                                    Supplier<Readiness> readiness) {
        AdminServer s = new AdminServer(Objects.requireNonNull(proxy, "proxy"), Objects.requireNonNull(reload, "reload"),
                Objects.requireNonNull(readiness, "readiness"));
        try {
            s.server = s.bind(listen);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private Channel bind(ProxyConfig.HostPort listen) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> connections.remove(ch));
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec(4096, 16 * 1024, 8192))
                                .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                                .addLast(new AdminHandler(api, worker));
                    }
                });
        try {
            return b.bind(listen.host(), listen.port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IllegalStateException("admin: cannot bind " + listen + ": " + e.getMessage(), e);
        }
    }

    /** Where the admin API listens, with the real port when the config said 0. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /**
     * Moves the admin API to another address (a reload changed {@code admin.listen}): binds the
     * new one first, then stops accepting on the old; connections already open stay until they
     * close (the response to the reload that asked for this goes out on one of them).
     *
     * @throws IllegalStateException when the new address cannot be bound; the old one stays
     */
    public synchronized void rebind(ProxyConfig.HostPort listen) {
        Channel next = bind(listen);
        Channel old = server;
        server = next;
        old.close();
    }

    /** Closes the socket and every admin connection, and stops the admin threads. Idempotent. */
    @Override
    public void close() {
        Channel s = server;
        if (s != null) {
            s.close().syncUninterruptibly();
        }
        for (Channel ch : connections) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        worker.shutdown();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
