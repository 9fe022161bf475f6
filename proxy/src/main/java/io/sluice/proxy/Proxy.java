package io.sluice.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.affinity.AffinityTable;
import io.sluice.proxy.accesslog.AccessLog;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.metrics.LiveState;
import io.sluice.proxy.metrics.ProxyMetrics;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running proxy: event loops ({@link Transport}: epoll when available, else NIO, io_uring on
 * request; one per core unless
 * {@code workers} says otherwise), one bound socket per listener, the current
 * {@link RoutingSnapshot}, and the operational side: each cluster's health checks, outlier
 * detection and affinity table, the {@link ProxyMetrics} and the access log.
 *
 * <h2>Life cycle</h2>
 * {@link #start(ProxyConfig)} binds every listener. {@link #reload} applies a new configuration
 * without dropping a connection or a request under way. {@link #shutdown(long)} is the graceful
 * stop (SIGTERM): stop accepting, let requests under way finish within a deadline, close
 * keep-alive connections after their current exchange, then {@link #close()}, which closes
 * whatever is left at once and stops every timer, check connection and thread.
 *
 * <h2>Reload</h2>
 * Everything is prepared before anything changes: the new access log file is opened and new
 * listeners are bound; if either fails the reload is refused and nothing changed. Then the new
 * snapshot is built (clusters carry over their load balancers, health and affinity as
 * {@link Cluster#build} says) and swapped in with one atomic write: requests already routed finish
 * on the snapshot they started with, connections stay open. Listeners that the new config drops,
 * or whose address or protocol changed, stop accepting and their connections close after their
 * exchange under way (a changed listener is a removal plus an addition). The number of event
 * loops ({@code workers}) cannot change without a restart: such a reload is refused.
 *
 * <p>Thread-safe; reloads, shutdown and admin changes are serialised.
 */
public final class Proxy implements AutoCloseable {
    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Transport transport;
    private final EventLoopGroup group;
    private final StrategyRegistry registry;
    private final Environment env;
    private final ProxyMetrics metrics = new ProxyMetrics(BuildInfo.version(), true);
    private final Cluster.Services services;
    private final long startedNanos = System.nanoTime();
    private final AtomicReference<RoutingSnapshot> snapshot = new AtomicReference<>();
    /** Guards listeners, retired, stopping and closed; reloads, shutdown and admin writes hold it. */
    private final Object lock = new Object();
    private final Map<String, ListenerState> listeners = new LinkedHashMap<>();
    /** Listeners a reload removed whose connections have not all closed yet. */
    private final List<ListenerState> retired = new ArrayList<>();
    private final Map<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
    private final List<RequestObserver> observers = new CopyOnWriteArrayList<>();
    private final Telemetry telemetry;
    private final OverloadMonitor overload;
    private final io.sluice.proxy.metrics.OverloadMetrics overloadMetrics;
    private volatile AccessLog accessLog = AccessLog.off();
    private volatile boolean stopping;
    private boolean closed;

    /** The allocator of every client and upstream channel (tests count its peak). */
    private final ByteBufAllocator allocator;

    private Proxy(ProxyConfig config, StrategyRegistry registry, Environment env, Transport transport,
                  ByteBufAllocator allocator) {
        this.transport = transport;
        this.allocator = allocator;
        this.registry = registry;
        this.env = env;
        int threads = config.workers() > 0 ? config.workers() : Runtime.getRuntime().availableProcessors();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("sluice-io"),
                transport.ioHandlerFactory());
        this.services = new Cluster.Services(group, new ReflectiveChannelFactory<>(transport.socketChannel()),
                new ReflectiveChannelFactory<>(transport.datagramChannel()), metrics, env);
        this.telemetry = new Telemetry(this);
        this.metrics.bindLiveState(new Live());
        io.sluice.proxy.tls.TlsMetrics.register(this.metrics.registry(), this::tlsTerminations);
        this.overload = new OverloadMonitor(group);
        this.overloadMetrics = new io.sluice.proxy.metrics.OverloadMetrics(metrics.registry(), new OverloadSource());
    }

    /**
     * Builds the routing state, starts health checks, opens the access log and binds every listener.
     *
     * @throws IllegalStateException    when a listener cannot bind (its address is named)
     * @throws IllegalArgumentException when the access log file cannot be opened, or a {@code jwt:} JWK set file
     *                                  cannot be read
     */
    public static Proxy start(ProxyConfig config) {
        return start(config, StrategyRegistry.standard(), Environment.system());
    }

    /** As {@link #start(ProxyConfig)}, with the strategy registry and environment given. */
    public static Proxy start(ProxyConfig config, StrategyRegistry registry, Environment env) {
        return start(config, registry, env, Transport.best(), ByteBufAllocator.DEFAULT);
    }

    /** As {@link #start(ProxyConfig, StrategyRegistry, Environment)} on the given transport (tests). */
    static Proxy start(ProxyConfig config, StrategyRegistry registry, Environment env, Transport transport) {
        return start(config, registry, env, transport, ByteBufAllocator.DEFAULT);
    }

    /** As {@link #start(ProxyConfig)}, with the buffers of every connection from {@code allocator}. */
    static Proxy start(ProxyConfig config, ByteBufAllocator allocator) {
        return start(config, StrategyRegistry.standard(), Environment.system(), Transport.best(), allocator);
    }

    private static Proxy start(ProxyConfig config, StrategyRegistry registry, Environment env, Transport transport,
                               ByteBufAllocator allocator) {
        Proxy p = new Proxy(config, registry, env, transport, allocator);
        try {
            p.accessLog = AccessLog.open(config.accessLog().path());
            p.snapshot.set(RoutingSnapshot.build(config, null, registry, env, p.services));
            p.overload.configure(config.overload());
            synchronized (p.lock) {
                for (ProxyConfig.Listener l : config.listeners()) {
                    ListenerState s = p.bind(l);
                    p.listeners.put(l.name(), s);
                }
            }
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    private ListenerState bind(ProxyConfig.Listener l) {
        ListenerState state = new ListenerState(l, this, metrics);
        state.jwt = jwtVerifier(l);
        open(state);
        return state;
    }

    /** The verifier of {@code l}'s {@code jwt:} block (its JWK set read now), or null without one. */
    private static JwtVerifier jwtVerifier(ProxyConfig.Listener l) {
        return l instanceof ProxyConfig.HttpListener h && h.jwt() != null ? JwtVerifier.of(l.name(), h.jwt()) : null;
    }

    /** Binds a socket for {@code state}'s address, layers and protocol (see {@link ListenerStack}). */
    private void open(ListenerState state) {
        state.serverChannel = ListenerStack.of(state.config).bind(group, transport, allocator, state);
    }

    /** The current routing snapshot. */
    public RoutingSnapshot snapshot() {
        return snapshot.get();
    }

    /** The configuration in force. */
    public ProxyConfig config() {
        return snapshot.get().config();
    }

    /** The proxy's metrics, for the admin {@code /metrics} endpoint. */
    public ProxyMetrics metrics() {
        return metrics;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    /**
     * What a reload changed, by name.
     *
     * @param clustersChanged   clusters whose settings or backends changed (their state carried over as
     *                          {@link Cluster#build} says)
     * @param listenersReplaced listeners whose address or protocol changed: the old socket drains, a new one is bound
     * @param accessLogReopened the access log path changed and the new one is open
     */
    public record ReloadSummary(List<String> clustersAdded, List<String> clustersRemoved, List<String> clustersChanged,
                                List<String> clustersUnchanged, List<String> listenersAdded,
                                List<String> listenersRemoved, List<String> listenersReplaced,
                                List<String> listenersUnchanged, boolean accessLogReopened) {
    }

    /**
     * Applies a new configuration without closing connections or failing requests under way (see
     * the class comment). When it throws, nothing changed.
     *
     * @throws IllegalArgumentException when the new config changes {@code workers}, its access log
     *                                  cannot be opened, or a {@code jwt:} JWK set file cannot be read
     * @throws IllegalStateException    when a new listener cannot bind, or the proxy is stopping
     */
    public ReloadSummary reload(ProxyConfig next) {
        Objects.requireNonNull(next, "config");
        synchronized (lock) {
            if (stopping) {
                throw new IllegalStateException("the proxy is stopping; reload refused");
            }
            RoutingSnapshot old = snapshot.get();
            ProxyConfig current = old.config();
            if (next.workers() != current.workers()) {
                throw new IllegalArgumentException("workers: changed from " + current.workers() + " to "
                        + next.workers() + "; the event loops are made at start, so this needs a restart");
            }
            // Plan the listeners.
            Map<String, ProxyConfig.Listener> wanted = new LinkedHashMap<>();
            for (ProxyConfig.Listener l : next.listeners()) {
                wanted.put(l.name(), l);
            }
            List<ListenerState> keep = new ArrayList<>();
            List<ListenerState> retire = new ArrayList<>();
            for (ListenerState s : listeners.values()) {
                ProxyConfig.Listener l = wanted.get(s.name);
                // A changed tls: block rebinds (the stack is built at bind); open connections drain.
                if (l != null && l.bind().equals(s.config.bind()) && l.protocol().equals(s.config.protocol())
                        && Objects.equals(l.tls(), s.config.tls())) {
                    keep.add(s);
                } else {
                    retire.add(s);
                }
            }
            List<ProxyConfig.Listener> add = new ArrayList<>();
            for (ProxyConfig.Listener l : next.listeners()) {
                if (keep.stream().noneMatch(s -> s.name.equals(l.name()))) {
                    add.add(l);
                }
            }
            // Certificate files changed under a kept TLS listener: load them now (a bad one fails the reload,
            // the old ones still served).
            for (ListenerState s : keep) {
                if (s.tls != null) {
                    s.tls.reload(false);
                }
            }
            // JWK set files of kept listeners are read again (a bad one fails the reload, the old keys still used).
            Map<String, JwtVerifier> verifiers = new java.util.HashMap<>();
            for (ListenerState s : keep) {
                verifiers.put(s.name, jwtVerifier(wanted.get(s.name)));
            }
            // Clusters' upstream.tls files are read again (a bad one fails the reload, the old contexts still used).
            Map<String, io.sluice.proxy.tls.UpstreamTlsContext> upstreamTls =
                    RoutingSnapshot.loadUpstreamTls(next, old, services);
            // Prepare what can fail: the access log, then the new sockets.
            boolean reopenLog = !next.accessLog().path().equals(current.accessLog().path());
            AccessLog newLog = reopenLog ? AccessLog.open(next.accessLog().path()) : null;
            List<ListenerState> bound = new ArrayList<>();
            List<ListenerState> freed = new ArrayList<>();
            try {
                for (ProxyConfig.Listener l : add) {
                    for (ListenerState s : retire) {
                        // The old socket holds the address the new one wants: release it first.
                        if (l.bind().port() != 0 && s.config.bind().equals(l.bind()) && !freed.contains(s)) {
                            s.serverChannel.close().syncUninterruptibly();
                            freed.add(s);
                        }
                    }
                    bound.add(bind(l));
                }
            } catch (RuntimeException e) {
                for (ListenerState s : bound) {
                    s.serverChannel.close().syncUninterruptibly();
                }
                StringBuilder msg = new StringBuilder(e.getMessage());
                for (ListenerState s : freed) {
                    try {
                        open(s);
                    } catch (RuntimeException again) {
                        msg.append("; and listener '").append(s.name).append("' could not be bound again: ")
                                .append(again.getMessage());
                    }
                }
                if (newLog != null) {
                    newLog.close();
                }
                throw new IllegalStateException(msg.toString(), e);
            }
            // Nothing below fails on a validated config.
            RoutingSnapshot fresh = RoutingSnapshot.build(next, old, registry, env, services, upstreamTls);
            for (ListenerState s : retire) {
                s.finalRouter = old.router(s.name);
            }
            snapshot.set(fresh);
            overload.configure(next.overload());
            for (ListenerState s : keep) {
                s.config = wanted.get(s.name);
                s.jwt = verifiers.get(s.name);
            }
            for (ListenerState s : retire) {
                listeners.remove(s.name);
                s.drain();
                retired.add(s);
            }
            retired.removeIf(s -> s.connections.get() == 0);
            Map<String, ListenerState> ordered = new LinkedHashMap<>();
            for (ProxyConfig.Listener l : next.listeners()) {
                ListenerState s = listeners.get(l.name());
                if (s == null) {
                    s = bound.stream().filter(b -> b.name.equals(l.name())).findFirst().orElseThrow();
                }
                ordered.put(l.name(), s);
            }
            listeners.clear();
            listeners.putAll(ordered);
            ReloadSummary summary = retireClusters(old, fresh, keep, retire, add, reopenLog);
            if (newLog != null) {
                AccessLog oldLog = accessLog;
                accessLog = newLog;
                oldLog.close();
            }
            return summary;
        }
    }

    /** After a swap: stops what the old snapshot's clusters ran that the new one does not carry; reports. */
    private ReloadSummary retireClusters(RoutingSnapshot old, RoutingSnapshot fresh, List<ListenerState> keep,
                                         List<ListenerState> retire, List<ProxyConfig.Listener> add,
                                         boolean reopenedLog) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Cluster c : old.clusters()) {
            Cluster n = fresh.cluster(c.name());
            c.retire(n);
            if (n == null) {
                removed.add(c.name());
                metrics.removeCluster(c.name());
            } else {
                (n == c ? unchanged : changed).add(c.name());
                for (ProxyConfig.BackendEntry b : c.config().backends()) {
                    if (n.entry(b.id()) == null) {
                        metrics.removeBackend(c.name(), b.id());
                    }
                }
            }
        }
        for (Cluster n : fresh.clusters()) {
            if (old.cluster(n.name()) == null) {
                added.add(n.name());
            }
        }
        // Idle pooled connections to backends no cluster has any more would otherwise wait for their idle timeout.
        Set<InetSocketAddress> inUse = new HashSet<>();
        for (Cluster c : fresh.clusters()) {
            for (ProxyConfig.BackendEntry b : c.config().backends()) {
                inUse.add(c.address(b.id()));
            }
        }
        for (UpstreamPool p : pools.values()) {
            p.loop().execute(() -> p.closeIdleExcept(inUse));
        }
        List<String> listenersAdded = new ArrayList<>();
        List<String> listenersRemoved = new ArrayList<>();
        List<String> listenersReplaced = new ArrayList<>();
        for (ProxyConfig.Listener l : add) {
            boolean wasThere = retire.stream().anyMatch(s -> s.name.equals(l.name()));
            (wasThere ? listenersReplaced : listenersAdded).add(l.name());
        }
        for (ListenerState s : retire) {
            if (!listenersReplaced.contains(s.name)) {
                listenersRemoved.add(s.name);
            }
        }
        List<String> listenersUnchanged = keep.stream().map(s -> s.name).toList();
        return new ReloadSummary(added, removed, changed, unchanged, listenersAdded, listenersRemoved,
                listenersReplaced, listenersUnchanged, reopenedLog);
    }

    /**
     * Sets a backend's weight at run time, serialised with reloads (see {@link Cluster#setWeight}).
     *
     * @return false when there is no such cluster or backend
     * @throws IllegalArgumentException when the weight is out of range
     */
    public boolean setWeight(String cluster, String backendId, int weight) {
        synchronized (lock) {
            Cluster c = snapshot.get().cluster(cluster);
            return c != null && c.setWeight(backendId, weight);
        }
    }

    /**
     * The entry point for server-reported load (see {@link LoadReports}): the report goes to the
     * backend's live load in the current snapshot, stamped with this proxy's clock.
     */
    public LoadReports loadReports() {
        return (cluster, backendId, utilisation) -> {
            if (Double.isNaN(utilisation)) {
                throw new IllegalArgumentException("utilisation must be a number in [0, 1], got NaN");
            }
            Cluster c = snapshot.get().cluster(cluster);
            io.sluice.algorithms.Endpoint e = c == null ? null : c.loadBalancer().endpoint(backendId);
            if (e == null) {
                return false;
            }
            e.load().reportUtilisation(utilisation, env.nanoTime());
            return true;
        };
    }

    /** The TLS termination of each TLS listener, by listener name. */
    private Map<String, io.sluice.proxy.tls.TlsTermination> tlsTerminations() {
        Map<String, io.sluice.proxy.tls.TlsTermination> out = new LinkedHashMap<>();
        synchronized (lock) {
            for (ListenerState s : listeners.values()) {
                if (s.tls != null) {
                    out.put(s.name, s.tls);
                }
            }
        }
        return out;
    }

    /** Where each listener is bound, by listener name, with the real port when the config said 0. */
    public Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        synchronized (lock) {
            for (ListenerState s : listeners.values()) {
                Channel ch = s.serverChannel;
                if (ch != null && ch.localAddress() != null) {
                    out.put(s.name, (InetSocketAddress) ch.localAddress());
                }
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

    /** Open client connections of one listener (a removed listener's last ones included). */
    public int connections(String listener) {
        synchronized (lock) {
            int n = 0;
            ListenerState s = listeners.get(listener);
            if (s != null) {
                n += s.connections.get();
            }
            for (ListenerState r : retired) {
                if (r.name.equals(listener)) {
                    n += r.connections.get();
                }
            }
            return n;
        }
    }

    /** Open client connections over every listener, removed ones included. */
    public int connections() {
        synchronized (lock) {
            int n = 0;
            for (ListenerState s : listeners.values()) {
                n += s.connections.get();
            }
            for (ListenerState s : retired) {
                n += s.connections.get();
            }
            return n;
        }
    }

    /** True once a graceful stop or close has begun. */
    public boolean stopping() {
        return stopping;
    }

    /** Nanoseconds since the proxy started. */
    public long uptimeNanos() {
        return System.nanoTime() - startedNanos;
    }

    /** "epoll", "io_uring" or "nio" (see {@link Transport}). */
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

    Telemetry telemetry() {
        return telemetry;
    }

    /** The proxy's own overload level ({@code overload:}); NORMAL when overload control is off. */
    public io.sluice.algorithms.overload.OverloadState.Level overloadLevel() {
        return overload.level();
    }

    io.sluice.proxy.metrics.OverloadMetrics overloadMetrics() {
        return overloadMetrics;
    }

    /** What the overload gauges read: the clusters' adaptive limits and the overload monitor. */
    private final class OverloadSource implements io.sluice.proxy.metrics.OverloadMetrics.Source {
        @Override
        public Map<String, io.sluice.algorithms.concurrency.AdaptiveConcurrencyLimit> concurrencyLimits() {
            RoutingSnapshot s = snapshot.get();
            Map<String, io.sluice.algorithms.concurrency.AdaptiveConcurrencyLimit> out = new LinkedHashMap<>();
            if (s != null) {
                for (Cluster c : s.clusters()) {
                    if (c.concurrencyLimit() != null) {
                        out.put(c.name(), c.concurrencyLimit());
                    }
                }
            }
            return out;
        }

        @Override
        public String overloadState() {
            return overload.stateLabel();
        }

        @Override
        public Map<String, Double> pressures() {
            return overload.pressures();
        }

        @Override
        public List<Double> eventLoopDelaysSeconds() {
            return overload.delaysSeconds();
        }
    }

    UpstreamPool pool(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> new UpstreamPool(l, transport, allocator));
    }

    /** Idle pooled connections to {@code backend} over all event loops (tests). */
    int idleUpstreamConnections(InetSocketAddress backend) {
        int n = 0;
        for (UpstreamPool p : pools.values()) {
            n += p.loop().submit(() -> p.idleCount(backend)).syncUninterruptibly().getNow();
        }
        return n;
    }

    /**
     * The graceful stop, what SIGTERM does: stops accepting on every listener, closes idle
     * keep-alive connections, lets each request under way finish (its response says
     * {@code Connection: close} when its head is not sent yet) and closes its connection after it,
     * waiting at most {@code drainNanos}; then {@link #close()}s what is left. Reloads are refused
     * from the start. Safe to call more than once; later calls wait for nothing.
     *
     * @return true when every connection had closed before the deadline, false when some were cut
     */
    public boolean shutdown(long drainNanos) {
        List<ListenerState> all = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return true;
            }
            stopping = true;
            all.addAll(listeners.values());
            all.addAll(retired);
        }
        for (ListenerState s : all) {
            s.drain();
        }
        long deadline = System.nanoTime() + Math.max(0, drainNanos);
        boolean drained;
        while (!(drained = open(all) == 0) && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        return drained;
    }

    private static int open(List<ListenerState> states) {
        int n = 0;
        for (ListenerState s : states) {
            n += s.connections.get();
        }
        return n;
    }

    /**
     * Closes the listeners and every connection at once, stops health checks, outlier detection
     * and affinity purges, stops the event loops and flushes and closes the access log.
     * Idempotent.
     */
    @Override
    public void close() {
        List<ListenerState> all = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = true;
            all.addAll(listeners.values());
            all.addAll(retired);
        }
        for (ListenerState s : all) {
            s.draining = true;
            Channel c = s.serverChannel;
            if (c != null) {
                c.close().syncUninterruptibly();
            }
        }
        // Close every connection explicitly: shutting the event loops down does not reliably close the
        // channels registered with them (seen with epoll: a client kept its open socket after the loops
        // had terminated), and an upstream attempt ends when its client connection does.
        List<ChannelFuture> closing = new ArrayList<>();
        for (ListenerState l : all) {
            for (Channel ch : l.channels) {
                closing.add(ch.close());
            }
        }
        for (UpstreamPool p : pools.values()) {
            try {
                p.loop().submit(() -> p.closeIdleExcept(Set.of())).await(STOP_WAIT_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(STOP_WAIT_NANOS, TimeUnit.NANOSECONDS);
        }
        RoutingSnapshot s = snapshot.get();
        if (s != null) {
            List<CompletableFuture<Void>> stops = new ArrayList<>();
            for (Cluster c : s.clusters()) {
                stops.add(c.stop());
            }
            try {
                CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0]))
                        .get(STOP_WAIT_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // The event loops' shutdown below ends whatever did not stop in time.
            }
        }
        overload.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        accessLog.close();
    }

    /** What the callback metrics read: the live loads, health, weights and affinity counters. */
    private final class Live implements LiveState {
        @Override
        public List<BackendSample> backends() {
            RoutingSnapshot s = snapshot.get();
            if (s == null) {
                return List.of();
            }
            List<BackendSample> out = new ArrayList<>();
            long now = System.nanoTime();
            for (Cluster c : s.clusters()) {
                for (Endpoint e : c.loadBalancer().endpoints().all()) {
                    out.add(new BackendSample(c.name(), e.id(), e.load().inFlight(),
                            e.load().latencyNanos(now) / 1e9, e.health(), c.weight(e.id())));
                }
            }
            return out;
        }

        @Override
        public List<AffinitySample> affinityTables() {
            RoutingSnapshot s = snapshot.get();
            if (s == null) {
                return List.of();
            }
            List<AffinitySample> out = new ArrayList<>();
            for (Cluster c : s.clusters()) {
                AffinityTable.AffinityStats stats = c.affinityStats();
                if (stats != null) {
                    out.add(new AffinitySample(c.name(), stats));
                }
            }
            return out;
        }

        @Override
        public AccessLogSample accessLog() {
            AccessLog log = accessLog;
            return log == AccessLog.off() ? null : new AccessLogSample(log.written(), log.dropped(), log.failed());
        }

        /**
         * Each event loop counts its own pool, on the loop (a pool is confined to it); a loop that does
         * not answer within a second (stopping) is left out of this scrape.
         */
        @Override
        public List<UpstreamSample> upstreamConnections() {
            RoutingSnapshot s = snapshot.get();
            if (s == null) {
                return List.of();
            }
            Map<InetSocketAddress, int[]> total = new HashMap<>();
            for (UpstreamPool p : pools.values()) {
                Map<InetSocketAddress, int[]> counts;
                try {
                    counts = p.loop().submit(p::connectionCounts).get(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
                    continue;
                }
                counts.forEach((a, n) -> {
                    int[] t = total.computeIfAbsent(a, x -> new int[2]);
                    t[0] += n[0];
                    t[1] += n[1];
                });
            }
            List<UpstreamSample> out = new ArrayList<>();
            for (Cluster c : s.clusters()) {
                for (ProxyConfig.BackendEntry b : c.config().backends()) {
                    int[] n = total.getOrDefault(c.address(b.id()), new int[2]);
                    out.add(new UpstreamSample(c.name(), b.id(), n[0], n[1]));
                }
            }
            return out;
        }

        @Override
        public List<CheckSample> healthChecks() {
            RoutingSnapshot s = snapshot.get();
            if (s == null) {
                return List.of();
            }
            List<CheckSample> out = new ArrayList<>();
            for (Cluster c : s.clusters()) {
                for (ProxyConfig.BackendEntry b : c.config().backends()) {
                    c.health().check(b.id()).ifPresent(st -> out.add(
                            new CheckSample(c.name(), b.id(), st.passed(), st.failed(), st.timedOut())));
                }
            }
            return out;
        }
    }
}
