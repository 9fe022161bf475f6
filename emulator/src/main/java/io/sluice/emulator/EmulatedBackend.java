package io.sluice.emulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.simulator.engine.RandomStreams;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One emulated backend: an HTTP/1.1 server on 127.0.0.1 whose every request (except
 * {@code GET /health}) is a job of the simulator's backend model ({@link Station}). Everything of
 * one backend (accepting, reading, the station, its timer) runs on one event loop, so the model
 * needs no locks; the counters read from other threads are atomics.
 *
 * <p>Service times are drawn, one per accepted request in arrival order, from the stream
 * {@code RandomStreams.stream(seed, "backend-" + id)}: the stream the simulator's backend of that
 * id draws from, so the same seed gives the same sequence of service times.
 *
 * <p>A response carries {@code x-sluice-backend: <id>} so a client behind a proxy can count the
 * requests each backend served.
 */
public final class EmulatedBackend {
    /** The response header naming the backend that answered. */
    public static final String BACKEND_HEADER = "x-sluice-backend";
    /** How many service times {@link #drawnServiceTimes()} keeps (the first ones). */
    static final int RECORDED_DRAWS = 4096;

    private final String id;
    private final EventLoop loop;
    private final Distribution service;
    private final SplittableRandom random;
    private final Station station;
    private final ChannelGroup children;
    private final List<Double> drawn = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile int port;
    private volatile Channel server;
    private volatile boolean crashed;
    private ScheduledFuture<?> timer;

    EmulatedBackend(String id, BackendGroup group, long seed, EventLoop loop) {
        this.id = id;
        this.loop = loop;
        this.service = group.serviceTime();
        this.random = RandomStreams.stream(seed, "backend-" + id);
        this.station = new Station(group.concurrency(), group.discipline(), group.queueCapacity(), group.speed(),
                System.nanoTime());
        this.children = new DefaultChannelGroup(id, loop);
    }

    public String id() {
        return id;
    }

    /** Where it listens (the same port across a crash and a recovery). */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Requests received, answered with the model's response, and rejected with 503. */
    public long received() {
        return received.get();
    }

    public long completed() {
        return completed.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Busy server time so far divided by the servers, in ns (utilisation x elapsed). */
    public double busyNanos() {
        return call(() -> station.busyNanos(System.nanoTime()));
    }

    /** The first service times drawn, in ns at speed 1, in the order drawn. */
    public List<Double> drawnServiceTimes() {
        synchronized (drawn) {
            return List.copyOf(drawn);
        }
    }

    public boolean isCrashed() {
        return crashed;
    }

    /** Binds on {@code port} (0: any free port); blocks until bound. Not from the loop. */
    void bind(int wanted) {
        Channel ch = startBind(wanted).syncUninterruptibly().channel();
        port = ((InetSocketAddress) ch.localAddress()).getPort();
        server = ch;
    }

    private io.netty.channel.ChannelFuture startBind(int wanted) {
        ServerBootstrap b = new ServerBootstrap()
                .group(loop, loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        children.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                });
        return b.bind("127.0.0.1", wanted);
    }

    /** Crash: stops listening (connections are refused), resets every connection, drops every request. */
    void crash() {
        run(() -> {
            if (crashed) {
                return;
            }
            crashed = true;
            Channel s = server;
            if (s != null) {
                s.close();
            }
            station.dropAll(System.nanoTime());
            children.close();
            reschedule();
        });
    }

    /** Recover: listens again on the same port, empty. */
    void recover() {
        run(() -> {
            if (!crashed) {
                return;
            }
            crashed = false;
            startBind(port).addListener((io.netty.channel.ChannelFuture f) -> {
                if (f.isSuccess()) {
                    server = f.channel();
                }
            });
        });
    }

    void slowdown(double factor) {
        run(() -> {
            station.slowdown(factor, System.nanoTime());
            reschedule();
        });
    }

    void stall(boolean start) {
        run(() -> {
            station.stall(start, System.nanoTime());
            reschedule();
        });
    }

    /** Closes the listener and every connection; blocks until done. */
    void close() {
        call(() -> {
            Channel s = server;
            if (s != null) {
                s.close();
            }
            children.close();
            if (timer != null) {
                timer.cancel(false);
            }
            return null;
        });
    }

    private void run(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private <T> T call(java.util.function.Supplier<T> s) {
        if (loop.inEventLoop()) {
            return s.get();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(s.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f.join();
    }

    /** On the loop: completes what is due and arms the timer for the next completion. */
    private void reschedule() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        long delay = station.complete(System.nanoTime());
        if (delay >= 0) {
            timer = loop.schedule(this::reschedule, delay, TimeUnit.NANOSECONDS);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if ("/health".equals(req.uri())) {
                respond(ctx, HttpResponseStatus.OK, keepAlive);
                return;
            }
            received.incrementAndGet();
            double work = service.sample(random);
            if (drawn.size() < RECORDED_DRAWS) {
                drawn.add(work);
            }
            boolean accepted = station.offer(work, () -> {
                completed.incrementAndGet();
                if (ctx.channel().isActive()) {
                    respond(ctx, HttpResponseStatus.OK, keepAlive);
                }
            }, System.nanoTime());
            if (!accepted) {
                rejected.incrementAndGet();
                respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, keepAlive);
                return;
            }
            reschedule();
        }

        private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
            byte[] body = (status.code() + " " + id + "\n").getBytes(StandardCharsets.US_ASCII);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(BACKEND_HEADER, id);
            if (keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
