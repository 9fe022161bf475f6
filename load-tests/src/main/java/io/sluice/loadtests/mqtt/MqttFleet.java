package io.sluice.loadtests.mqtt;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * A fleet of MQTT 3.1.1 devices on Netty, each one TCP connection to a target (a proxy, or a
 * broker), for load tests. With several targets (a fleet of proxies) the connections go to them in
 * turn, round robin per connection as an L4 balancer in front of the proxies would spread them: a
 * device that reconnects usually comes in through another proxy than before. Devices have seeded client ids, connect at a bounded rate, reconnect
 * by themselves when a connection drops (after 100-600 ms), publish at a fixed rate with QoS 0 or
 * 1, and (with {@code probeSubscriptions}) subscribe to {@code sluice/probe/<client id>} so a
 * {@link BrokerLocator} can ask each broker which devices it holds.
 *
 * <p>Latencies go into HdrHistogram {@link Recorder}s in microseconds. A connect is timed from the
 * TCP connect to the CONNACK. A QoS 1 publish is timed from its <em>intended</em> send time (the
 * device's fixed schedule) to its PUBACK, so a stalled event loop or a slow proxy shows as latency
 * instead of as fewer sends (coordinated omission corrected by measuring from the schedule, not by
 * {@code recordValueWithExpectedInterval}).
 *
 * <p>Thread safety: the phase methods ({@link #connectAll}, {@link #publish}, {@link #reconnectAll},
 * {@link #awaitReady}) block the calling thread and must be called from one thread at a time;
 * the devices themselves run on the fleet's event loops.
 */
public final class MqttFleet implements AutoCloseable {
    /** Topic prefix of the placement probes; a device subscribes to this plus its client id. */
    public static final String PROBE_TOPIC_PREFIX = "sluice/probe/";
    private static final int KEEP_ALIVE_SECONDS = 60;
    private static final long CONNACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * How the fleet is made.
     *
     * @param targets            where devices connect (host:port of each proxy's mqtt listener), round robin per connection
     * @param devices            how many devices, at least 1
     * @param clientIdPrefix     client ids are {@code prefix-NNNNNN-xxxxxx}: the index and six hex digits drawn from the seed
     * @param seed               the client ids and the publish phases come from it
     * @param connectsPerSecond  the most new connections a second (first connects, reconnects and storms alike)
     * @param maxPendingConnects the most connections started and not yet answered with a CONNACK
     * @param threads            event loops
     * @param probeSubscriptions subscribe each device to its probe topic after its CONNACK
     */
    public record Settings(List<InetSocketAddress> targets, int devices, String clientIdPrefix, long seed,
                           double connectsPerSecond, int maxPendingConnects, int threads, boolean probeSubscriptions) {
        public Settings {
            targets = List.copyOf(targets);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a fleet needs at least one target");
            }
            if (devices < 1) {
                throw new IllegalArgumentException("devices must be at least 1, got " + devices);
            }
            if (!(connectsPerSecond > 0)) {
                throw new IllegalArgumentException("connects per second must be above 0, got " + connectsPerSecond);
            }
            if (maxPendingConnects < 1 || threads < 1) {
                throw new IllegalArgumentException("max pending connects and threads must be at least 1");
            }
        }
    }

    /**
     * What one phase did.
     *
     * @param name     the phase
     * @param ready    devices connected (and subscribed) at its end, of {@code devices}
     * @param events   connects (CONNACKs) or messages in the phase
     * @param failures failed connects (refused, dropped before CONNACK, timed out) or publishes left unacknowledged
     * @param nanos    how long the phase took
     * @param latency  connect or publish-to-PUBACK latencies, in microseconds
     */
    public record PhaseResult(String name, int ready, int devices, long events, long failures, long nanos,
                              Histogram latency) {
        /** Events a second over the phase. */
        public double perSecond() {
            return nanos == 0 ? 0 : events * 1e9 / nanos;
        }

        /** One line: {@code connect: 10000/10000 ready, 10000 events in 4.20 s = 2381/s; latency us p50 ... max}. */
        public String summary(String eventName) {
            StringBuilder b = new StringBuilder(String.format("%-10s %d/%d devices ready, %d %s in %.2f s = %.0f/s",
                    name + ":", ready, devices, events, eventName, nanos / 1e9, perSecond()));
            if (failures > 0) {
                b.append(", ").append(failures).append(" failed");
            }
            if (latency.getTotalCount() > 0) {
                b.append(String.format("; latency ms p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f",
                        latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(90) / 1e3,
                        latency.getValueAtPercentile(99) / 1e3, latency.getValueAtPercentile(99.9) / 1e3,
                        latency.getMaxValue() / 1e3));
            }
            return b.toString();
        }
    }

    /** A publish phase in force; immutable. */
    private record PublishPlan(long periodNanos, MqttQoS qos, byte[] payload, long endNanos) {
    }

    private final Settings settings;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final List<Device> devices;
    private final ConcurrentLinkedQueue<Device> toConnect = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger nextTarget = new AtomicInteger();
    private final LongAdder[] connectsPerTarget;
    private final LongAdder connects = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder drops = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final Recorder connectLatency = new Recorder(3);
    private final Recorder publishLatency = new Recorder(3);
    private final ScheduledFuture<?> ticker;
    private volatile PublishPlan plan;
    private volatile boolean closing;
    // The connect pacer's state, confined to the ticker's event loop.
    private double allowance;
    private long lastTick = System.nanoTime();

    public MqttFleet(Settings settings) {
        this.settings = settings;
        this.connectsPerTarget = new LongAdder[settings.targets().size()];
        for (int i = 0; i < connectsPerTarget.length; i++) {
            connectsPerTarget[i] = new LongAdder();
        }
        this.group = new MultiThreadIoEventLoopGroup(settings.threads(), NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        SplittableRandom random = new SplittableRandom(settings.seed());
        List<Device> ds = new ArrayList<>(settings.devices());
        for (int i = 0; i < settings.devices(); i++) {
            ds.add(new Device(String.format("%s-%06d-%06x", settings.clientIdPrefix(), i, random.nextInt(1 << 24)),
                    random.nextDouble()));
        }
        this.devices = List.copyOf(ds);
        this.ticker = group.next().scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.MILLISECONDS);
    }

    /** The devices' client ids, in index order. */
    public List<String> clientIds() {
        return devices.stream().map(d -> d.clientId).toList();
    }

    /** Devices connected (and subscribed, with probe subscriptions) now. */
    public int ready() {
        return ready.get();
    }

    /** Connections accepted (CONNACK) through each target since the fleet started, in {@link Settings#targets()} order. */
    public List<Long> connectsPerTarget() {
        List<Long> out = new ArrayList<>(connectsPerTarget.length);
        for (LongAdder a : connectsPerTarget) {
            out.add(a.sum());
        }
        return out;
    }

    /** Connections that dropped without the fleet asking (a broker or the proxy closed them). */
    public long drops() {
        return drops.sum();
    }

    /** Connects every device not yet connected; returns when all are ready or {@code timeout} has passed. */
    public PhaseResult connectAll(Duration timeout) throws InterruptedException {
        connectLatency.reset();
        long c0 = connects.sum();
        long f0 = connectFailures.sum();
        long start = System.nanoTime();
        for (Device d : devices) {
            if (d.channel == null) {
                toConnect.add(d);
            }
        }
        await(timeout, () -> ready.get() == devices.size());
        return new PhaseResult("connect", ready.get(), devices.size(), connects.sum() - c0,
                connectFailures.sum() - f0, System.nanoTime() - start, connectLatency.getIntervalHistogram());
    }

    /** Waits until every device is ready again (after a broker was killed, say); the connects it took. */
    public PhaseResult awaitReady(String name, Duration timeout) throws InterruptedException {
        connectLatency.reset();
        long c0 = connects.sum();
        long f0 = connectFailures.sum();
        long start = System.nanoTime();
        await(timeout, () -> ready.get() == devices.size());
        return new PhaseResult(name, ready.get(), devices.size(), connects.sum() - c0, connectFailures.sum() - f0,
                System.nanoTime() - start, connectLatency.getIntervalHistogram());
    }

    /**
     * A reconnect storm: every device closes its connection and connects again at once (as fast as
     * {@link Settings#connectsPerSecond()} lets it). Returns when each has reconnected or
     * {@code timeout} has passed.
     */
    public PhaseResult reconnectAll(Duration timeout) throws InterruptedException {
        connectLatency.reset();
        long c0 = connects.sum();
        long f0 = connectFailures.sum();
        long start = System.nanoTime();
        for (Device d : devices) {
            d.reconnectNow = true;
            Channel ch = d.channel;
            if (ch != null) {
                ch.close();
            }
        }
        await(timeout, () -> connects.sum() - c0 >= devices.size() && ready.get() == devices.size());
        return new PhaseResult("storm", ready.get(), devices.size(), connects.sum() - c0, connectFailures.sum() - f0,
                System.nanoTime() - start, connectLatency.getIntervalHistogram());
    }

    /**
     * Every ready device publishes {@code perDeviceRate} messages a second of {@code payloadBytes}
     * bytes to {@code topicPrefix/<client id>} for {@code duration}, each on its own fixed
     * schedule with a seeded phase; then waits up to 5 s for the last PUBACKs.
     *
     * @return messages published; for QoS 1 failures are those never acknowledged and the latency is to the PUBACK
     */
    public PhaseResult publish(double perDeviceRate, int qos, int payloadBytes, Duration duration)
            throws InterruptedException {
        if (!(perDeviceRate > 0) || qos < 0 || qos > 1 || payloadBytes < 0) {
            throw new IllegalArgumentException("publish needs a rate above 0, QoS 0 or 1 and a payload size >= 0");
        }
        publishLatency.reset();
        long p0 = published.sum();
        long a0 = acked.sum();
        long start = System.nanoTime();
        PublishPlan p = new PublishPlan((long) (1e9 / perDeviceRate), MqttQoS.valueOf(qos), new byte[payloadBytes],
                start + duration.toNanos());
        plan = p;
        for (Device d : devices) {
            Connection c = d.connection;
            if (c != null && d.ready) {
                c.ctx.executor().execute(() -> c.startPublishing(p));
            }
        }
        Thread.sleep(duration.toMillis());
        plan = null;
        if (qos == 1) {
            await(Duration.ofSeconds(5), () -> acked.sum() - a0 >= published.sum() - p0);
        }
        // Read after the wait: a send due at the very end may still have gone out after the plan ended.
        long sent = published.sum() - p0;
        long elapsed = System.nanoTime() - start;
        long unacked = qos == 1 ? published.sum() - p0 - (acked.sum() - a0) : 0;
        return new PhaseResult("publish", ready.get(), devices.size(), sent, Math.max(0, unacked),
                Math.min(elapsed, duration.toNanos()), publishLatency.getIntervalHistogram());
    }

    /** Forgets every device's placement before a new probe. */
    public void clearPlacement() {
        for (Device d : devices) {
            d.broker = null;
        }
    }

    /** Client id to the broker id the last probe named for it; devices not placed are absent. */
    public Map<String, String> placement() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Device d : devices) {
            String b = d.broker;
            if (b != null) {
                out.put(d.clientId, b);
            }
        }
        return out;
    }

    private static void await(Duration timeout, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
    }

    /** Starts as many queued connects as the rate and the pending bound allow; every millisecond. */
    private void tick() {
        long now = System.nanoTime();
        allowance = Math.min(allowance + (now - lastTick) * settings.connectsPerSecond() / 1e9,
                Math.max(1, settings.connectsPerSecond() / 100));
        lastTick = now;
        while (allowance >= 1 && pending.get() < settings.maxPendingConnects()) {
            Device d = toConnect.poll();
            if (d == null) {
                break;
            }
            allowance -= 1;
            d.connect();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        ticker.cancel(false);
        for (Device d : devices) {
            Channel ch = d.channel;
            if (ch != null) {
                ch.writeAndFlush(MqttMessage.DISCONNECT).addListener(f -> ch.close());
            }
        }
        group.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS).await(10, TimeUnit.SECONDS);
    }

    /** One device; its connection changes over its life, its client id does not. */
    private final class Device {
        final String clientId;
        /** Where in each publish period this device sends, in [0, 1). */
        final double phase;
        volatile Channel channel;
        volatile Connection connection;
        volatile boolean ready;
        volatile boolean reconnectNow;
        volatile String broker;
        volatile long connectStartNanos;

        Device(String clientId, double phase) {
            this.clientId = clientId;
            this.phase = phase;
        }

        void connect() {
            if (closing) {
                return;
            }
            pending.incrementAndGet();
            connectStartNanos = System.nanoTime();
            int target = (nextTarget.getAndIncrement() & Integer.MAX_VALUE) % settings.targets().size();
            Connection c = new Connection(this, target);
            ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new IdleStateHandler(0, KEEP_ALIVE_SECONDS * 3 / 4, 0),
                            new MqttDecoder(), MqttEncoder.INSTANCE, c);
                }
            }).connect(settings.targets().get(target));
            channel = f.channel();
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    c.failConnect();
                }
            });
        }

        /** Queues a new connect: at once for a storm, else after 100-600 ms like a device backing off. */
        void reconnect() {
            if (closing) {
                return;
            }
            channel = null;
            if (reconnectNow) {
                reconnectNow = false;
                toConnect.add(this);
            } else {
                group.next().schedule(() -> toConnect.add(this), 100 + ThreadLocalRandom.current().nextInt(500),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /** One connection of a device; confined to its channel's event loop. */
    private final class Connection extends SimpleChannelInboundHandler<MqttMessage> {
        final Device device;
        final int target;
        ChannelHandlerContext ctx;
        boolean connacked;
        boolean counted;
        boolean isReady;
        int nextPacketId = 1;
        final Map<Integer, Long> inflight = new HashMap<>();
        ScheduledFuture<?> publishing;
        ScheduledFuture<?> connackTimeout;

        Connection(Device device, int target) {
            this.device = device;
            this.target = target;
        }

        /** The TCP connect failed: the attempt is over. */
        void failConnect() {
            if (!counted) {
                counted = true;
                pending.decrementAndGet();
                connectFailures.increment();
                device.reconnect();
            }
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            device.connection = this;
            ctx.writeAndFlush(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId(device.clientId).cleanSession(true).keepAlive(KEEP_ALIVE_SECONDS).build());
            connackTimeout = ctx.executor().schedule(() -> {
                if (!connacked) {
                    ctx.close();
                }
            }, CONNACK_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            if (msg.decoderResult().isFailure()) {
                ctx.close();
                return;
            }
            MqttMessageType type = msg.fixedHeader().messageType();
            switch (type) {
                case CONNACK -> onConnack(ctx, (MqttConnAckMessage) msg);
                case SUBACK -> markReady();
                case PUBLISH -> {
                    MqttPublishMessage p = (MqttPublishMessage) msg;
                    if (p.variableHeader().topicName().startsWith(PROBE_TOPIC_PREFIX)) {
                        device.broker = p.payload().toString(StandardCharsets.UTF_8);
                    }
                }
                case PUBACK -> {
                    Long intended = inflight.remove(((MqttMessageIdVariableHeader) msg.variableHeader()).messageId());
                    if (intended != null) {
                        publishLatency.recordValue(Math.max(0, (System.nanoTime() - intended) / 1_000));
                        acked.increment();
                    }
                }
                default -> {
                    // PINGRESP and anything else: nothing to do.
                }
            }
        }

        private void onConnack(ChannelHandlerContext ctx, MqttConnAckMessage ack) {
            connacked = true;
            connackTimeout.cancel(false);
            counted = true;
            pending.decrementAndGet();
            if (ack.variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                connectFailures.increment();
                ctx.close();
                return;
            }
            connects.increment();
            connectsPerTarget[target].increment();
            connectLatency.recordValue((System.nanoTime() - device.connectStartNanos) / 1_000);
            if (settings.probeSubscriptions()) {
                ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(nextPacketId())
                        .addSubscription(MqttQoS.AT_MOST_ONCE, PROBE_TOPIC_PREFIX + device.clientId).build());
            } else {
                markReady();
            }
        }

        private void markReady() {
            if (isReady) {
                return;
            }
            isReady = true;
            device.ready = true;
            ready.incrementAndGet();
            PublishPlan p = plan;
            if (p != null) {
                startPublishing(p);
            }
        }

        private int nextPacketId() {
            int id = nextPacketId;
            nextPacketId = id == 0xFFFF ? 1 : id + 1;
            return id;
        }

        /** Publishes on the plan's schedule at this device's phase until the plan ends or is replaced. */
        void startPublishing(PublishPlan p) {
            if (!ctx.channel().isActive() || publishing != null) {
                return;
            }
            long first = System.nanoTime() + (long) (device.phase * p.periodNanos());
            publishing = ctx.executor().schedule(() -> publishAt(p, first), first - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }

        private void publishAt(PublishPlan p, long intended) {
            publishing = null;
            if (plan != p || intended > p.endNanos() || !ctx.channel().isActive()) {
                return;
            }
            int id = p.qos() == MqttQoS.AT_MOST_ONCE ? 0 : nextPacketId();
            ByteBuf payload = Unpooled.wrappedBuffer(p.payload());
            ctx.writeAndFlush(MqttMessageBuilders.publish().topicName("sluice/load/" + device.clientId)
                    .qos(p.qos()).messageId(id).payload(payload).build());
            published.increment();
            if (id != 0) {
                inflight.put(id, intended);
            }
            long next = intended + p.periodNanos();
            publishing = ctx.executor().schedule(() -> publishAt(p, next), next - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.writeAndFlush(new MqttMessage(new io.netty.handler.codec.mqtt.MqttFixedHeader(
                        MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0)));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connackTimeout != null) {
                connackTimeout.cancel(false);
            }
            if (publishing != null) {
                publishing.cancel(false);
            }
            if (isReady) {
                isReady = false;
                device.ready = false;
                ready.decrementAndGet();
            }
            if (!counted) {
                counted = true;
                pending.decrementAndGet();
                connectFailures.increment();
            }
            if (!device.reconnectNow && !closing) {
                drops.increment();
            }
            if (device.connection == this) {
                device.connection = null;
            }
            device.reconnect();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
