package io.sluice.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.proxy.config.ProxyConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running proxy: event loops (epoll when available, else NIO; one per core unless
 * {@code workers} says otherwise), one bound socket per listener, and the current
 * {@link RoutingSnapshot}.
 *
 * <p>Start with {@link #start(ProxyConfig)}; stop with {@link #close()}. {@link #reload} swaps
 * routes and clusters atomically while connections stay open. Thread-safe.
 */
public final class Proxy implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup group;
    private final StrategyRegistry registry;
    private final Environment env;
    private final AtomicReference<RoutingSnapshot> snapshot = new AtomicReference<>();
    private final Map<String, ListenerState> listeners = new LinkedHashMap<>();
    private final Map<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
    private final List<RequestObserver> observers = new CopyOnWriteArrayList<>();

    private Proxy(ProxyConfig config, StrategyRegistry registry, Environment env) {
        this.transport = Transport.best();
        this.registry = registry;
        this.env = env;
        int threads = config.workers() > 0 ? config.workers() : Runtime.getRuntime().availableProcessors();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("sluice-io"),
                transport.ioHandlerFactory());
        this.snapshot.set(RoutingSnapshot.build(config, null, registry, env));
    }

    /**
     * Builds the routing state and binds every listener.
     *
     * @throws IllegalStateException when a listener cannot bind (its address is named)
     */
    public static Proxy start(ProxyConfig config) {
        return start(config, StrategyRegistry.standard(), Environment.system());
    }

    /** As {@link #start(ProxyConfig)}, with the strategy registry and environment given. */
    public static Proxy start(ProxyConfig config, StrategyRegistry registry, Environment env) {
        Proxy p = new Proxy(config, registry, env);
        try {
            for (ProxyConfig.Listener l : config.listeners()) {
                p.bind(l);
            }
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void bind(ProxyConfig.Listener l) {
        ListenerProtocol protocol = ListenerProtocol.BY_NAME.get(l.protocol());
        if (protocol == null) {
            throw new IllegalArgumentException("listener '" + l.name() + "': protocol '" + l.protocol()
                    + "' is not supported; allowed: " + String.join(", ", ListenerProtocol.BY_NAME.keySet()));
        }
        ListenerState state = new ListenerState(l, this);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(protocol.initializer(state));
        Channel ch;
        try {
            ch = b.bind(l.bind().host(), l.bind().port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IllegalStateException("listener '" + l.name() + "': cannot bind " + l.bind() + ": "
                    + e.getMessage(), e);
        }
        state.serverChannel = ch;
        synchronized (listeners) {
            listeners.put(l.name(), state);
        }
    }

    /** The current routing snapshot. */
    public RoutingSnapshot snapshot() {
        return snapshot.get();
    }

    /**
     * Applies a new configuration without closing connections: routes, clusters (unchanged ones
     * keep their state, see {@link Cluster#build}) and listener limits take effect for new
     * requests and connections. Listeners themselves (names, addresses, protocols) must stay as
     * they are; changing them needs a restart.
     *
     * @throws IllegalArgumentException when the listeners differ
     */
    public void reload(ProxyConfig config) {
        synchronized (listeners) {
            Map<String, ProxyConfig.Listener> next = new LinkedHashMap<>();
            for (ProxyConfig.Listener l : config.listeners()) {
                next.put(l.name(), l);
            }
            for (ListenerState s : listeners.values()) {
                ProxyConfig.Listener l = next.get(s.name);
                if (l == null || !l.bind().equals(s.config.bind()) || !l.protocol().equals(s.config.protocol())) {
                    throw new IllegalArgumentException("listener '" + s.name + "' changed its name, address or"
                            + " protocol; that needs a restart");
                }
            }
            if (next.size() != listeners.size()) {
                throw new IllegalArgumentException("listeners were added or removed; that needs a restart");
            }
            snapshot.set(RoutingSnapshot.build(config, snapshot.get(), registry, env));
            for (ListenerState s : listeners.values()) {
                s.config = next.get(s.name);
            }
        }
    }

    /** Where each listener is bound, by listener name, with the real port when the config said 0. */
    public Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        synchronized (listeners) {
            for (ListenerState s : listeners.values()) {
                out.put(s.name, (InetSocketAddress) s.serverChannel.localAddress());
            }
        }
        return out;
    }

    /** The address of one listener. */
    public InetSocketAddress address(String listener) {
        InetSocketAddress a = addresses().get(listener);
        if (a == null) {
            throw new IllegalArgumentException("no listener named '" + listener + "'");
        }
        return a;
    }

    /** Open client connections of one listener. */
    public int connections(String listener) {
        synchronized (listeners) {
            ListenerState s = listeners.get(listener);
            return s == null ? 0 : s.connections.get();
        }
    }

    /** "epoll" or "nio". */
    public String transport() {
        return transport.toString();
    }

    /** Adds an observer of every request from now on. */
    public void addObserver(RequestObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    public void removeObserver(RequestObserver observer) {
        observers.remove(observer);
    }

    List<RequestObserver> observers() {
        return observers;
    }

    UpstreamPool pool(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> new UpstreamPool(l, transport));
    }

    /** Idle pooled connections to {@code backend} over all event loops (tests). */
    int idleUpstreamConnections(InetSocketAddress backend) {
        int n = 0;
        for (UpstreamPool p : pools.values()) {
            n += p.loop().submit(() -> p.idleCount(backend)).syncUninterruptibly().getNow();
        }
        return n;
    }

    /** Closes the listeners and every connection, then stops the event loops. */
    @Override
    public void close() {
        List<Channel> servers = new ArrayList<>();
        synchronized (listeners) {
            for (ListenerState s : listeners.values()) {
                servers.add(s.serverChannel);
            }
        }
        for (Channel c : servers) {
            c.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
