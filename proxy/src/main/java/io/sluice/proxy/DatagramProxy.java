package io.sluice.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.metrics.DatagramMetrics;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datagram proxy on a {@code udp} or {@code coap} listener's bound socket: a flow table from a
 * client's source address and port to a backend and an upstream socket connected to it.
 *
 * <h2>Flows</h2>
 * A datagram from an unknown source makes a flow: the cluster picks a backend (a strategy pick per
 * flow, with the affinity key below), and a new datagram socket, connected to that backend, is
 * opened on this listener's event loop. The client's datagrams go out on it, and whatever the
 * backend sends back on it is relayed to the client from the listener's address, so the client
 * talks to one address and each backend sees one source per client. A flow with no datagram either
 * way for {@code idle-timeout} is forgotten and its socket closed (a sweep every quarter of the
 * timeout, from the least recently active flow on). The table holds at most {@code max-flows}:
 * a new flow over it evicts the least recently active one ({@code sluice_udp_flows_ended_total
 * {reason="evicted"}}). A backend answering with ICMP port unreachable (a refused send on the
 * connected socket) ends the flow, so the client's next datagram picks again.
 *
 * <h2>Affinity key</h2>
 * With {@code session-persistence: { mode: source }} the client's IP, through the affinity table;
 * else the source {@code ip:port}, given to the strategy (a hashing strategy keeps a flow that
 * comes back after expiring on its backend). For {@code coap}, {@link CoapInspector}: a DTLS
 * Connection ID is the key and is remembered for the idle timeout, so a device whose NAT rebinds
 * (new address and port, same CID) reaches the server that holds its DTLS session; a CoAP
 * message's token (or message id) is remembered for {@code exchange-lifetime}, so a
 * retransmission or the next block of an exchange sent from a new source port reaches the same
 * server. Malformed CoAP datagrams are dropped and counted.
 *
 * <p>Backpressure: datagrams are not queued beyond a flow's first connect (at most
 * {@link #MAX_PENDING}); a socket that cannot take more drops like the network would.
 *
 * <p>Not thread-safe: everything runs on the bound channel's event loop.
 */
final class DatagramProxy extends ChannelInboundHandlerAdapter {
    /** Datagrams held for a flow while its upstream socket connects. */
    static final int MAX_PENDING = 64;
    /** Distinct flow-socket failures logged, at most (each is logged once). */
    private static final int MAX_LOGGED_FAILURES = 16;
    private static final Logger LOG = LoggerFactory.getLogger(DatagramProxy.class);

    private final ListenerState listener;
    private final CoapInspector coap;
    private final DatagramMetrics metrics;
    /** Access-ordered: iteration starts at the least recently active flow. */
    private final LinkedHashMap<InetSocketAddress, Flow> flows = new LinkedHashMap<>(64, 0.75f, true);
    /** coap: CID and exchange keys to the backend their flow went to, access-ordered. */
    private final LinkedHashMap<String, Remembered> keys = new LinkedHashMap<>(64, 0.75f, true);
    /** The reasons of flow-socket failures logged so far. */
    private final Set<String> loggedFailures = new HashSet<>();
    private Channel bound;
    private ScheduledFuture<?> sweep;
    /** A flush of the bound socket is queued on the event loop (replies written since are sent with it). */
    private boolean replyFlushQueued;
    private final Runnable flushReplies = () -> {
        replyFlushQueued = false;
        bound.flush();
    };

    private record Remembered(String backend, long untilNanos) {
    }

    DatagramProxy(ListenerState listener, CoapInspector coap) {
        this.listener = listener;
        this.coap = coap;
        this.metrics = listener.proxy.metrics().datagram(listener.name);
    }

    private ProxyConfig.DatagramListener config() {
        return (ProxyConfig.DatagramListener) listener.config;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        bound = ctx.channel();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), config().idleNanos() / 4);
        sweep = ctx.executor().scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        for (Flow f : new ArrayList<>(flows.values())) {
            f.close();
        }
        flows.clear();
        keys.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket p)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            onDatagram(p.sender(), p.content());
        } finally {
            p.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A datagram socket's errors (an ICMP error for an earlier send) do not end the listener.
    }

    private void onDatagram(InetSocketAddress source, ByteBuf data) {
        CoapInspector.Look look = null;
        if (coap != null) {
            look = coap.inspect(data, source);
            if (look == CoapInspector.MALFORMED) {
                metrics.malformed();
                return;
            }
        }
        long now = System.nanoTime();
        Flow f = flows.get(source);
        if (f == null) {
            f = newFlow(source, look, now);
            if (f == null) {
                metrics.noBackend();
                return;
            }
        }
        if (look != null) {
            remember(look, f.backend, now);
        }
        f.lastActive = now;
        f.send(data.retain());
        metrics.datagramIn();
    }

    private void remember(CoapInspector.Look look, String backend, long now) {
        ProxyConfig.DatagramListener c = config();
        if (look.cidKey() != null) {
            keys.put(look.cidKey(), new Remembered(backend, now + c.idleNanos()));
        }
        if (look.exchangeKey() != null) {
            keys.put(look.exchangeKey(), new Remembered(backend, now + c.exchangeNanos()));
        }
        // Bounded like the flow table (two keys per flow at most): drop the least recently used.
        Iterator<Remembered> it = keys.values().iterator();
        while (keys.size() > 2 * c.maxFlows() && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** The backend a remembered key names, if it is still fresh. */
    private String recalled(String key, long now) {
        if (key == null) {
            return null;
        }
        Remembered r = keys.get(key);
        return r != null && r.untilNanos - now > 0 ? r.backend : null;
    }

    private Flow newFlow(InetSocketAddress source, CoapInspector.Look look, long now) {
        ProxyConfig.DatagramListener c = config();
        Cluster cluster = listener.proxy.snapshot().cluster(c.cluster());
        if (cluster == null) {
            return null;
        }
        Endpoint endpoint = null;
        if (look != null) {
            String known = recalled(look.cidKey(), now);
            if (known == null) {
                known = recalled(look.exchangeKey(), now);
            }
            endpoint = known == null ? null : cluster.available(known);
            if (endpoint != null) {
                metrics.affinityKept();
            }
        }
        if (endpoint == null) {
            String ip = source.getAddress() == null ? source.getHostString() : source.getAddress().getHostAddress();
            AffinityPolicy sp = cluster.policy().affinity();
            String key = look != null && look.cidKey() != null ? look.cidKey()
                    : sp.mode() == AffinityPolicy.Mode.SOURCE ? ip : ip + ":" + source.getPort();
            String sticky = cluster.usesAffinityTable() ? cluster.affinityBackend(key) : null;
            endpoint = cluster.choose(RequestContext.ofKey(key), sticky, Set.of());
        }
        if (endpoint == null) {
            return null;
        }
        InetSocketAddress address = cluster.address(endpoint.id());
        if (address == null) {
            return null;
        }
        while (flows.size() >= c.maxFlows()) {
            Iterator<Flow> eldest = flows.values().iterator();
            Flow old = eldest.next();
            eldest.remove();
            old.close();
            metrics.flowEvicted();
        }
        Flow f = new Flow(source, endpoint.id());
        flows.put(source, f);
        metrics.flowCreated();
        f.open(address);
        return f;
    }

    /** Forgets idle flows and stale keys. */
    private void sweep() {
        long now = System.nanoTime();
        long idle = config().idleNanos();
        Iterator<Flow> it = flows.values().iterator();
        while (it.hasNext()) {
            Flow f = it.next();
            if (now - f.lastActive < idle) {
                break; // access order: every later flow was active more recently
            }
            it.remove();
            f.close();
            metrics.flowExpired();
        }
        keys.values().removeIf(r -> r.untilNanos - now <= 0);
    }

    /** Ends {@code f} if it is still in the table (its socket failed). */
    private void end(Flow f) {
        if (flows.get(f.source) == f) {
            flows.remove(f.source);
            metrics.flowExpired();
        }
        f.close();
    }

    /**
     * Ends {@code f}, whose backend socket could not be opened or connected, and says why: at WARN the
     * first time for each distinct reason (a full descriptor table fails every new flow alike), and
     * in {@code sluice_udp_flows_ended_total{reason="failed"}} every time. The client's next datagram tries
     * a new flow.
     */
    private void failed(Flow f, Throwable cause) {
        if (flows.get(f.source) == f) {
            flows.remove(f.source);
            metrics.flowFailed();
        }
        f.close();
        String why = String.valueOf(cause);
        if (loggedFailures.size() < MAX_LOGGED_FAILURES && loggedFailures.add(why)) {
            LOG.warn("listener {}: could not open a flow's socket to backend {} for {}: {} (logged once per reason;"
                    + " count: sluice_udp_flows_ended_total{reason=\"failed\"})", listener.name, f.backend, f.source, why);
        }
    }

    /** One client source: its backend and the socket connected to it. */
    private final class Flow extends ChannelInboundHandlerAdapter {
        final InetSocketAddress source;
        final String backend;
        long lastActive = System.nanoTime();
        private Channel upstream;
        private boolean connected;
        private boolean closed;
        private ArrayDeque<ByteBuf> pending = new ArrayDeque<>();

        Flow(InetSocketAddress source, String backend) {
            this.source = source;
            this.backend = backend;
        }

        void open(InetSocketAddress address) {
            ChannelFuture f = new Bootstrap()
                    .group(bound.eventLoop())
                    .channel(bound.getClass().asSubclass(Channel.class))
                    .option(ChannelOption.ALLOCATOR, bound.alloc())
                    .handler(this)
                    .connect(address);
            upstream = f.channel();
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    // A socket that could not be made (EMFILE) fails on Netty's global executor, not on our loop.
                    Throwable cause = done.cause();
                    bound.eventLoop().execute(() -> failed(this, cause));
                    return;
                }
                if (closed) {
                    end(this);
                    return;
                }
                connected = true;
                List<ByteBuf> held = new ArrayList<>(pending);
                pending = null;
                for (ByteBuf b : held) {
                    upstream.write(b, upstream.voidPromise());
                }
                upstream.flush();
            });
        }

        void send(ByteBuf b) {
            if (connected) {
                upstream.writeAndFlush(b, upstream.voidPromise());
            } else if (!closed && pending != null && pending.size() < MAX_PENDING) {
                pending.add(b);
            } else {
                b.release();
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (pending != null) {
                for (ByteBuf b : pending) {
                    b.release();
                }
                pending.clear();
            }
            if (upstream != null && upstream.isRegistered()) {
                upstream.close(); // one never registered was closed by the bootstrap, or never opened
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf content = msg instanceof DatagramPacket p ? p.content() : msg instanceof ByteBuf b ? b : null;
            if (content == null || closed || !bound.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            lastActive = System.nanoTime();
            flows.get(source); // refresh its place in the access order
            bound.write(new DatagramPacket(content, source), bound.voidPromise());
            metrics.datagramOut();
            // One flush for every reply the flows read in this turn of the event loop (a task runs after the
            // loop's I/O): the epoll transport then sends them in one sendmmsg rather than a sendto each.
            if (!replyFlushQueued) {
                replyFlushQueued = true;
                bound.eventLoop().execute(flushReplies);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like: the backend is not there; the next datagram picks again.
            end(this);
        }

        @Override
        public boolean isSharable() {
            return false;
        }
    }

    /** The flows held now (tests, admin). */
    int flows() {
        return flows.size();
    }

    Map<InetSocketAddress, String> backends() {
        Map<InetSocketAddress, String> out = new LinkedHashMap<>();
        flows.forEach((k, v) -> out.put(k, v.backend));
        return out;
    }
}
