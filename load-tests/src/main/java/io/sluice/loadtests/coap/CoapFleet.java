package io.sluice.loadtests.coap;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fleet of CoAP devices on Netty, for load tests: each device is its own UDP socket on
 * 127.0.0.1 (its own source port, so the proxy sees one flow a device) and sends confirmable POST
 * requests ({@code /sluice/load}, a token of 8 seeded bytes, a fixed payload) to one target at a
 * fixed rate on its own schedule with a seeded phase. An answer is the piggy-backed ACK with the
 * request's message id and token; its payload names the server (as {@link CoapResponder} does),
 * so the fleet checks flow affinity: every answer a device gets should come from one server.
 *
 * <p>Unanswered requests are retransmitted as RFC 7252 4.2 says: after a random timeout in
 * [ackTimeout, 1.5 ackTimeout], doubling each time, at most {@code maxRetransmit} times; then the
 * request counts as timed out. The fleet is open-loop (a device does not wait for one answer to
 * send its next request; RFC 7252's NSTART of 1 is for real devices, not a load generator).
 * Latency goes into an HdrHistogram {@link Recorder} in microseconds, from the request's
 * <em>intended</em> send time to its ACK, retransmissions included, so a stall counts as latency
 * (coordinated omission corrected by measuring from the schedule).
 *
 * <p>Thread safety: {@link #run} blocks and must be called from one thread at a time; each device
 * runs on its channel's event loop.
 */
public final class CoapFleet implements AutoCloseable {
    private static final String[] PATH = {"sluice", "load"};

    /**
     * How the fleet is made.
     *
     * @param target        where every device sends (the proxy's coap listener)
     * @param devices       how many, at least 1
     * @param seed          tokens, first message ids and phases come from it
     * @param threads       event loops
     * @param ackTimeout    RFC 7252's ACK_TIMEOUT (2 s there)
     * @param maxRetransmit RFC 7252's MAX_RETRANSMIT (4 there)
     */
    public record Settings(InetSocketAddress target, int devices, long seed, int threads, Duration ackTimeout,
                           int maxRetransmit) {
        public Settings {
            if (target == null) {
                throw new IllegalArgumentException("a CoAP fleet needs a target");
            }
            if (devices < 1 || threads < 1) {
                throw new IllegalArgumentException("devices and threads must be at least 1, got " + devices + " and "
                        + threads);
            }
            if (ackTimeout.isNegative() || ackTimeout.isZero() || maxRetransmit < 0 || maxRetransmit > 20) {
                throw new IllegalArgumentException("the ACK timeout must be above 0 and the retransmissions 0 to 20, got "
                        + ackTimeout + " and " + maxRetransmit);
            }
        }
    }

    /**
     * What a run did.
     *
     * @param sent            requests sent (first transmissions)
     * @param answered        of them, answered
     * @param timedOut        of them, still unanswered after the last retransmission
     * @param retransmissions retransmissions sent
     * @param nanos           how long requests were sent
     * @param latency         intended send time to ACK, in microseconds
     * @param devicesPerServer devices by the server that answered them (a device answered by several counts for each)
     * @param devicesOnSeveralServers devices answered by more than one server: broken flow affinity
     * @param unansweredDevices devices no server answered
     */
    public record Result(long sent, long answered, long timedOut, long retransmissions, long nanos, Histogram latency,
                         Map<String, Integer> devicesPerServer, int devicesOnSeveralServers, int unansweredDevices) {
        /** Answers a second over the sending time. */
        public double answeredPerSecond() {
            return nanos == 0 ? 0 : answered * 1e9 / nanos;
        }

        /** A few lines: rates, latency percentiles, timeouts and affinity. */
        public String summary() {
            StringBuilder b = new StringBuilder(String.format(
                    "requests: %d sent, %d answered in %.2f s = %.0f/s, %d timed out, %d retransmissions",
                    sent, answered, nanos / 1e9, answeredPerSecond(), timedOut, retransmissions));
            if (latency.getTotalCount() > 0) {
                b.append(String.format("%nlatency ms (intended send to ACK): p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f",
                        latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(90) / 1e3,
                        latency.getValueAtPercentile(99) / 1e3, latency.getValueAtPercentile(99.9) / 1e3,
                        latency.getMaxValue() / 1e3));
            }
            b.append(String.format("%naffinity: devices per server %s; %d devices answered by more than one server,"
                    + " %d never answered", devicesPerServer, devicesOnSeveralServers, unansweredDevices));
            return b.toString();
        }
    }

    /** A sending plan in force; immutable. */
    private record Plan(long periodNanos, byte[] payload, long endNanos) {
    }

    private final Settings settings;
    private final EventLoopGroup group;
    private final List<Device> devices = new ArrayList<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder retransmissions = new LongAdder();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Recorder latency = new Recorder(3);
    private final AtomicInteger scheduled = new AtomicInteger();
    private volatile boolean closing;

    /** Binds every device's socket; throws when one cannot bind (too few file descriptors, say). */
    public CoapFleet(Settings settings) throws InterruptedException {
        this.settings = settings;
        this.group = new MultiThreadIoEventLoopGroup(settings.threads(), NioIoHandler.newFactory());
        try {
            SplittableRandom random = new SplittableRandom(settings.seed());
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioDatagramChannel.class);
            List<ChannelFuture> binds = new ArrayList<>();
            for (int i = 0; i < settings.devices(); i++) {
                Device d = new Device(random.split());
                devices.add(d);
                binds.add(bootstrap.clone().handler(d).bind(new InetSocketAddress("127.0.0.1", 0)));
            }
            for (int i = 0; i < binds.size(); i++) {
                ChannelFuture f = binds.get(i).await();
                if (!f.isSuccess()) {
                    throw new IllegalStateException("device " + i + " could not bind a UDP socket (ulimit -n?): "
                            + f.cause(), f.cause());
                }
                devices.get(i).channel = f.channel();
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Every device sends {@code perDeviceRate} requests a second of {@code payloadBytes} bytes for
     * {@code duration}; then waits for the last exchanges to end (answered or out of retransmissions).
     */
    public Result run(double perDeviceRate, int payloadBytes, Duration duration) throws InterruptedException {
        if (!(perDeviceRate > 0) || payloadBytes < 0 || payloadBytes > 1024) {
            throw new IllegalArgumentException("a rate above 0 and a payload of 0 to 1024 bytes, got " + perDeviceRate
                    + " and " + payloadBytes);
        }
        latency.reset();
        long s0 = sent.sum();
        long a0 = answered.sum();
        long t0 = timedOut.sum();
        long r0 = retransmissions.sum();
        long start = System.nanoTime();
        Plan p = new Plan((long) (1e9 / perDeviceRate), new byte[payloadBytes], start + duration.toNanos());
        scheduled.addAndGet(devices.size());
        for (Device d : devices) {
            d.channel.eventLoop().execute(() -> d.start(p));
        }
        Thread.sleep(duration.toMillis());
        // Devices behind their schedule (a busy event loop) send what was due; then the last
        // exchanges end, the longest with every timeout at its 1.5x maximum, doubling.
        long longest = (long) (settings.ackTimeout().toNanos() * 1.5 * ((1L << (settings.maxRetransmit() + 1)) - 1));
        long deadline = System.nanoTime() + longest + TimeUnit.SECONDS.toNanos(10);
        while ((scheduled.get() > 0 || outstanding.get() > 0) && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        Map<String, Integer> perServer = new TreeMap<>();
        int several = 0;
        int unanswered = 0;
        for (Device d : devices) {
            List<String> servers = d.servers();
            for (String s : servers) {
                perServer.merge(s, 1, Integer::sum);
            }
            several += servers.size() > 1 ? 1 : 0;
            unanswered += servers.isEmpty() ? 1 : 0;
        }
        return new Result(sent.sum() - s0, answered.sum() - a0, timedOut.sum() - t0, retransmissions.sum() - r0,
                Math.min(System.nanoTime() - start, duration.toNanos()), latency.getIntervalHistogram(), perServer,
                several, unanswered);
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        for (Device d : devices) {
            if (d.channel != null) {
                d.channel.close();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    /** One request awaiting its ACK. */
    private static final class Exchange {
        final byte[] token;
        final long intendedNanos;
        final byte[] bytes;
        int retransmissions;
        ScheduledFuture<?> timer;

        Exchange(byte[] token, long intendedNanos, byte[] bytes) {
            this.token = token;
            this.intendedNanos = intendedNanos;
            this.bytes = bytes;
        }
    }

    /** One device: its socket's handler; state confined to that socket's event loop. */
    private final class Device extends SimpleChannelInboundHandler<DatagramPacket> {
        final SplittableRandom random;
        final double phase;
        final Map<Integer, Exchange> inflight = new HashMap<>();
        /** Servers that answered, in order of their first answer; written on the event loop, read after the run. */
        final List<String> servers = new ArrayList<>(1);
        volatile Channel channel;
        int nextMessageId;

        Device(SplittableRandom random) {
            this.random = random;
            this.phase = random.nextDouble();
            this.nextMessageId = random.nextInt(1 << 16);
        }

        synchronized List<String> servers() {
            return List.copyOf(servers);
        }

        void start(Plan p) {
            long first = System.nanoTime() + (long) (phase * p.periodNanos());
            channel.eventLoop().schedule(() -> sendAt(p, first), first - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }

        private void sendAt(Plan p, long intended) {
            // Late ticks still send (the schedule is by intended time); only the plan's end stops it.
            if (intended > p.endNanos() || closing || !channel.isActive()) {
                scheduled.decrementAndGet();
                return;
            }
            int id = nextMessageId;
            nextMessageId = (id + 1) & 0xFFFF;
            byte[] token = new byte[8];
            random.nextBytes(token);
            CoapMessage m = new CoapMessage(CoapMessage.CON, CoapMessage.POST, id, token, p.payload());
            ByteBuf encoded = m.encode(channel.alloc(), PATH);
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            encoded.release();
            Exchange e = new Exchange(token, intended, bytes);
            // 65,536 message ids in flight would reuse one still in use: count the old one as timed out.
            Exchange old = inflight.put(id, e);
            if (old != null) {
                old.timer.cancel(false);
                outstanding.decrementAndGet();
                timedOut.increment();
            }
            outstanding.incrementAndGet();
            sent.increment();
            transmit(id, e, ackTimeoutNanos());
            long next = intended + p.periodNanos();
            channel.eventLoop().schedule(() -> sendAt(p, next), next - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }

        /** A random timeout in [ackTimeout, 1.5 ackTimeout] (RFC 7252 4.8 ACK_RANDOM_FACTOR). */
        private long ackTimeoutNanos() {
            return (long) (settings.ackTimeout().toNanos() * (1 + 0.5 * ThreadLocalRandom.current().nextDouble()));
        }

        private void transmit(int id, Exchange e, long timeoutNanos) {
            channel.writeAndFlush(new DatagramPacket(channel.alloc().buffer(e.bytes.length).writeBytes(e.bytes),
                    settings.target()));
            e.timer = channel.eventLoop().schedule(() -> {
                if (inflight.get(id) != e) {
                    return;
                }
                if (e.retransmissions == settings.maxRetransmit()) {
                    inflight.remove(id);
                    outstanding.decrementAndGet();
                    timedOut.increment();
                    return;
                }
                e.retransmissions++;
                retransmissions.increment();
                transmit(id, e, timeoutNanos * 2);
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            CoapMessage m = CoapMessage.decode(packet.content());
            if (m == null || m.type() != CoapMessage.ACK) {
                return;
            }
            Exchange e = inflight.get(m.messageId());
            if (e == null || !Arrays.equals(e.token, m.token())) {
                return; // a duplicate ACK of an exchange already over, or not ours
            }
            inflight.remove(m.messageId());
            e.timer.cancel(false);
            outstanding.decrementAndGet();
            answered.increment();
            latency.recordValue(Math.max(0, (System.nanoTime() - e.intendedNanos) / 1_000));
            String server = new String(m.payload(), StandardCharsets.UTF_8);
            synchronized (this) {
                if (!servers.contains(server)) {
                    servers.add(server);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A UDP socket reports an ICMP port unreachable as an exception; the exchange's timer retransmits.
        }
    }
}
