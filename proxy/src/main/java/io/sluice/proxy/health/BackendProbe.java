package io.sluice.proxy.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.CheckResult;
import io.sluice.algorithms.health.HealthCheckConfig;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The checks of one backend. Everything but the counters and {@link #check} is confined to
 * {@link #loop}: the timer callbacks, the connect listeners and the channel handlers all run
 * there, so an attempt's outcome is decided exactly once without locks.
 */
final class BackendProbe {
    private static final String USER_AGENT = "sluice-health-check";

    /** One check in progress. */
    private static final class Attempt {
        Channel channel;
        /** The request went over a kept connection (which may have been closed by the backend). */
        boolean reused;
        /** Any response byte arrived. */
        boolean responded;
        int status;
        boolean responseKeepAlive;
    }

    private final Backend backend;
    private final InetSocketAddress address;
    private final CheckSpec spec;
    private final EventLoop loop;
    private final Environment env;
    private final TaskScheduler scheduler;
    private final HealthListener listener;
    private final ActiveHealthCheck check;
    private final Bootstrap bootstrap;
    private final CompletableFuture<Void> retired = new CompletableFuture<>();

    // Confined to the loop.
    private TaskScheduler.Cancellable nextCheck = TaskScheduler.NOTHING;
    private TaskScheduler.Cancellable timeout = TaskScheduler.NOTHING;
    private Attempt attempt;
    private Channel kept;
    private boolean stopped;

    // Written on the loop only, read anywhere.
    private volatile long passed;
    private volatile long failed;
    private volatile long timedOut;
    private volatile String lastResult = "";

    BackendProbe(Backend backend, InetSocketAddress address, CheckSpec spec, HealthCheckConfig config, EventLoop loop,
                 ChannelFactory<? extends Channel> channelFactory, Environment env, TaskScheduler scheduler,
                 HealthListener listener) {
        this.backend = backend;
        this.address = address;
        this.spec = spec;
        this.loop = loop;
        this.env = env;
        this.scheduler = scheduler;
        this.listener = listener;
        this.check = ActiveHealthCheck.create(config, env.nanoTime());
        // The check timer covers connect too; the socket's own connect timeout is only a backstop.
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, spec.timeoutNanos() / 1_000_000L + 1_000L);
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(channelFactory)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (spec.kind() == CheckSpec.Kind.HTTP) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpCheckHandler(BackendProbe.this));
                        }
                    }
                });
    }

    Backend backend() {
        return backend;
    }

    ActiveHealthChecker.BackendCheckStatus snapshot() {
        return new ActiveHealthChecker.BackendCheckStatus(backend.id(), backend.address(), check.status(), passed,
                failed, timedOut, lastResult);
    }

    HealthState health() {
        return check.healthState();
    }

    /** Completes once the probe is stopped and its connections are closed. */
    CompletableFuture<Void> retiredFuture() {
        return retired;
    }

    /** Starts checking; call on any thread. */
    void start() {
        try {
            loop.execute(this::startOnLoop);
        } catch (RejectedExecutionException shutDown) {
            // The group is shutting down: there is nothing to check with, and nothing to release.
            retired.complete(null);
        }
    }

    private void startOnLoop() {
        if (stopped) {
            return;
        }
        if (!check.status().up()) {
            notifyListener(HealthState.UNHEALTHY, "initial state " + check.describe());
        }
        // Spread the first checks over a whole interval so a cluster's backends are not checked in lockstep.
        long first = (long) (env.random().nextDouble() * check.nextIntervalNanos());
        nextCheck = scheduler.schedule(loop, this::runCheck, first);
    }

    /** Stops checking and closes the connections; call on any thread. */
    void stop() {
        try {
            loop.execute(this::stopOnLoop);
        } catch (RejectedExecutionException shutDown) {
            // The loop is gone, and with it every timer and channel it had.
            retired.complete(null);
        }
    }

    private void stopOnLoop() {
        if (stopped) {
            return;
        }
        stopped = true;
        nextCheck.cancel();
        timeout.cancel();
        AtomicInteger open = new AtomicInteger(1);
        Runnable done = () -> {
            if (open.decrementAndGet() == 0) {
                retired.complete(null);
            }
        };
        for (Channel ch : new Channel[]{attempt == null ? null : attempt.channel, kept}) {
            if (ch != null) {
                open.incrementAndGet();
                ch.close().addListener(f -> done.run());
            }
        }
        attempt = null;
        kept = null;
        done.run();
    }

    private void runCheck() {
        if (stopped) {
            return;
        }
        Attempt a = new Attempt();
        attempt = a;
        timeout = scheduler.schedule(loop, () -> finish(a, CheckResult.TIMEOUT,
                "timeout after " + Durations.format(spec.timeoutNanos()), false), spec.timeoutNanos());
        if (spec.kind() == CheckSpec.Kind.HTTP && spec.keepAlive() && kept != null && kept.isActive()) {
            send(a, kept, true);
        } else {
            connect(a);
        }
    }

    private void connect(Attempt a) {
        ChannelFuture f = bootstrap.connect(address);
        a.channel = f.channel();
        a.reused = false;
        f.addListener((ChannelFuture done) -> {
            if (a != attempt) {
                done.channel().close();
                return;
            }
            if (!done.isSuccess()) {
                finish(a, CheckResult.FAIL, "connect failed: " + describe(done.cause()), false);
            } else if (spec.kind() == CheckSpec.Kind.TCP) {
                finish(a, CheckResult.PASS, "TCP connect ok", false);
            } else {
                send(a, done.channel(), false);
            }
        });
    }

    private void send(Attempt a, Channel ch, boolean reused) {
        a.channel = ch;
        a.reused = reused;
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, spec.path(),
                Unpooled.EMPTY_BUFFER);
        request.headers()
                .set(HttpHeaderNames.HOST, spec.host() != null ? spec.host() : backend.address())
                .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                .set(HttpHeaderNames.CONNECTION, spec.keepAlive() ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ch.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                onBroken(ch, "request not sent: " + describe(f.cause()));
            }
        });
    }

    // Called by HttpCheckHandler, on the loop.

    void onResponseHead(Channel ch, int status, boolean keepAlive) {
        Attempt a = attempt;
        if (a == null || a.channel != ch) {
            return;
        }
        a.responded = true;
        a.status = status;
        a.responseKeepAlive = keepAlive;
        if (!spec.keepAlive()) {
            // The status settles it; the rest of the body does not matter on a connection we close.
            finishHttp(a, false);
        }
    }

    void onResponseEnd(Channel ch) {
        Attempt a = attempt;
        if (a == null || a.channel != ch || !a.responded) {
            return;
        }
        finishHttp(a, spec.keepAlive() && a.responseKeepAlive);
    }

    void onBroken(Channel ch, String detail) {
        if (kept == ch) {
            kept = null;
        }
        Attempt a = attempt;
        if (a == null || a.channel != ch) {
            ch.close();
            return;
        }
        if (a.reused && !a.responded) {
            // The backend closed the idle kept connection just before we used it: not its fault, try a new one.
            ch.close();
            connect(a);
            return;
        }
        finish(a, CheckResult.FAIL, a.responded ? "connection broken mid-response: " + detail : detail, false);
    }

    private void finishHttp(Attempt a, boolean keep) {
        boolean ok = spec.passes(a.status);
        String detail = "HTTP status " + a.status + (ok ? "" : ", expected " + spec.expectStatus());
        finish(a, ok ? CheckResult.PASS : CheckResult.FAIL, detail, keep);
    }

    /** Decides attempt {@code a} once: closes or keeps its channel, feeds the result, schedules the next check. */
    private void finish(Attempt a, CheckResult result, String detail, boolean keepChannel) {
        if (a != attempt) {
            return;
        }
        attempt = null;
        timeout.cancel();
        timeout = TaskScheduler.NOTHING;
        if (a.channel != null) {
            if (keepChannel) {
                if (kept != a.channel) {
                    kept = a.channel;
                }
            } else {
                if (kept == a.channel) {
                    kept = null;
                }
                a.channel.close();
            }
        }
        switch (result) {
            case PASS -> passed++;
            case FAIL -> failed++;
            case TIMEOUT -> timedOut++;
            default -> throw new AssertionError(result);
        }
        lastResult = detail;
        ActiveHealthCheck.Status s = check.onResult(result, env.nanoTime());
        if (s.changed()) {
            notifyListener(s.healthState(), detail + "; " + check.describe());
        }
        if (!stopped) {
            nextCheck = scheduler.schedule(loop, this::runCheck, spread(s.nextIntervalNanos()));
        }
    }

    /** {@code interval x (1 + v x spread)}, v uniform in [-1, 1]: HAProxy's spread-checks. */
    private long spread(long interval) {
        if (spec.spreadPercent() == 0) {
            return interval;
        }
        double v = env.random().nextDouble() * 2 - 1;
        return Math.max(0L, Math.round(interval * (1 + v * spec.spreadPercent() / 100.0)));
    }

    private void notifyListener(HealthState state, String reason) {
        try {
            listener.onTransition(backend.id(), state, reason);
        } catch (RuntimeException ignored) {
            // A faulty listener must not stop the checks; the state is still in statuses().
        }
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }
}
