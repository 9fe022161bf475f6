package io.sluice.benchmarks.kafka;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.emulator.EmulatedBackend;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-model HTTP/1.1 load generator: Poisson arrivals at a fixed rate, each sent to one of
 * several targets drawn by weight, whatever the answers do (a request that finds no idle
 * connection opens a new one). Latency is measured from the request's <em>intended</em> send time,
 * the arrival instant of the Poisson process, to the last byte of its answer, so a stall anywhere
 * (the proxies, the backends, this generator) shows in the figures rather than pausing the load
 * (the correction for coordinated omission is exact: nothing waits for an answer to send).
 *
 * <p>A pacing thread draws the arrivals from a seeded {@link SplittableRandom} and hands each to one
 * Netty event loop at its instant; the connections, the histogram and the counters all live on that
 * loop, so they need no locks. Not reusable: one {@link #run} per instance.
 */
final class PoissonLoad implements AutoCloseable {
    /** Open connections to one target past which an arrival is counted as refused instead of sent. */
    private static final int MAX_CONNECTIONS_PER_TARGET = 4096;

    private final List<InetSocketAddress> targets;
    private final double[] cumulativeWeights;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final Bootstrap bootstrap;
    private final List<ArrayDeque<Channel>> idle = new ArrayList<>();
    /** Every this long the weights move one target on (0: never); see {@link #PoissonLoad(List, double[], long)}. */
    private final long rotateNanos;
    private final int[] open;
    // Confined to the loop.
    private final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
    private final Map<String, Long> byBackend = new TreeMap<>();
    private final long[] byTarget;
    private long measureFromNanos = Long.MAX_VALUE;
    private long sent;
    private long answered;
    private long failed;
    private long outstanding;

    /**
     * @param targets where to send, e.g. the proxy instances' listeners
     * @param weights one per target, > 0: a request goes to target i with probability weight i / sum
     */
    PoissonLoad(List<InetSocketAddress> targets, double[] weights) {
        this(targets, weights, 0);
    }

    /**
     * As above, with the weights rotating: in the k-th period of {@code rotateNanos} from the start,
     * target {@code (i + k) mod n} takes weight i. With weights 4,1,1 the heavy share moves from one
     * target to the next every period (bursts alternating between the proxy instances); over whole
     * cycles every target gets the same share.
     *
     * @param rotateNanos the period, > 0; 0 for fixed weights
     */
    PoissonLoad(List<InetSocketAddress> targets, double[] weights, long rotateNanos) {
        if (rotateNanos < 0) {
            throw new IllegalArgumentException("rotation period must be >= 0 ns, got " + rotateNanos);
        }
        this.rotateNanos = rotateNanos;
        if (targets.isEmpty() || weights.length != targets.size()) {
            throw new IllegalArgumentException(targets.size() + " targets but " + weights.length + " weights");
        }
        this.targets = List.copyOf(targets);
        this.cumulativeWeights = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] > 0)) {
                throw new IllegalArgumentException("weight " + (i + 1) + " must be > 0, got " + weights[i]);
            }
            sum += weights[i];
            cumulativeWeights[i] = sum;
        }
        for (int i = 0; i < weights.length; i++) {
            cumulativeWeights[i] /= sum;
            idle.add(new ArrayDeque<>());
        }
        this.open = new int[targets.size()];
        this.byTarget = new long[targets.size()];
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
    }

    /** What one run measured (only requests whose intended send time fell in the measured window). */
    record Result(long sent, long answered, long failed, Histogram latencyNanos, Map<String, Long> byBackend,
                  long[] byTarget, long unfinished) {
    }

    /**
     * Sends for {@code warmupNanos + measureNanos}, then waits up to {@code drainNanos} for the
     * answers still due. Blocks the calling thread (it paces the arrivals).
     */
    Result run(double ratePerSecond, long warmupNanos, long measureNanos, long drainNanos, long seed)
            throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        double meanGapNanos = 1e9 / ratePerSecond;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        loop.execute(() -> measureFromNanos = measureFrom);
        double t = start;
        while (true) {
            t += -meanGapNanos * Math.log(1 - random.nextDouble());
            long intended = (long) t;
            if (intended >= end) {
                break;
            }
            int target = pick(random.nextDouble());
            if (rotateNanos > 0) {
                target = (int) ((target + (intended - start) / rotateNanos) % targets.size());
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int chosen = target;
            loop.execute(() -> send(chosen, intended));
        }
        long deadline = System.nanoTime() + drainNanos;
        while (call(() -> outstanding) > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return call(() -> new Result(sent, answered, failed, latency.copy(), new TreeMap<>(byBackend),
                byTarget.clone(), outstanding));
    }

    private int pick(double u) {
        for (int i = 0; i < cumulativeWeights.length - 1; i++) {
            if (u < cumulativeWeights[i]) {
                return i;
            }
        }
        return cumulativeWeights.length - 1;
    }

    /** On the loop: an idle connection to the target if there is one, else a new one. */
    private void send(int target, long intended) {
        boolean measured = intended >= measureFromNanos;
        if (measured) {
            sent++;
            byTarget[target]++;
        }
        ArrayDeque<Channel> pool = idle.get(target);
        Channel ch;
        while ((ch = pool.pollFirst()) != null && !ch.isActive()) {
            // closed while idle (the proxy's idle timeout): forget it
        }
        if (ch != null) {
            write(ch, intended, measured);
            return;
        }
        if (open[target] >= MAX_CONNECTIONS_PER_TARGET) {
            if (measured) {
                failed++;
            }
            return;
        }
        open[target]++;
        outstanding++;
        ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                        new Answer(target));
            }
        }).connect(targets.get(target));
        f.addListener((ChannelFuture done) -> {
            outstanding--;
            if (done.isSuccess()) {
                done.channel().closeFuture().addListener(x -> open[target]--);
                write(done.channel(), intended, measured);
            } else {
                open[target]--;
                if (measured) {
                    failed++;
                }
            }
        });
    }

    private void write(Channel ch, long intended, boolean measured) {
        Answer a = ch.pipeline().get(Answer.class);
        a.intended = intended;
        a.measured = measured;
        a.busy = true;
        outstanding++;
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/work");
        req.headers().set(HttpHeaderNames.HOST, "sluice-bench")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        ch.writeAndFlush(req);
    }

    /** The one request a connection carries at a time, and what became of it. */
    private final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final int target;
        long intended;
        boolean measured;
        boolean busy;

        Answer(int target) {
            this.target = target;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            if (!busy) {
                return;
            }
            busy = false;
            outstanding--;
            if (measured) {
                if (res.status().code() == 200) {
                    answered++;
                    latency.recordValue(Math.max(0, System.nanoTime() - intended));
                    String backend = res.headers().get(EmulatedBackend.BACKEND_HEADER, "?");
                    byBackend.merge(backend, 1L, Long::sum);
                } else {
                    failed++;
                }
            }
            if (HttpUtil.isKeepAlive(res)) {
                idle.get(target).addFirst(ctx.channel());
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (busy) {
                busy = false;
                outstanding--;
                if (measured) {
                    failed++;
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private <T> T call(java.util.function.Supplier<T> s) {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(s.get()));
        return f.join();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
