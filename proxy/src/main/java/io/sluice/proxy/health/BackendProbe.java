package io.sluice.proxy.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;
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
 * The checks of one backend. HTTP, TCP, MQTT and gRPC checks connect a TCP socket (a gRPC check
 * a new h2c connection per check); a CoAP check uses a
 * connected UDP socket, so an ICMP port unreachable comes back as an error instead of a silence.
 * Everything but the counters and {@link #check} is confined to
 * {@link #loop}: the timer callbacks, the connect listeners and the channel handlers all run
 * there, so an attempt's outcome is decided exactly once without locks.
 */
final class BackendProbe {
    private static final String USER_AGENT = "sluice-health-check";
    /** Longest MQTT packet a check reads: a CONNACK is 4 bytes (3.1.1), anything much longer is not one. */
    private static final int MQTT_MAX_PACKET = 256;
    /** MQTT keep-alive announced in the check's CONNECT; the check disconnects long before it matters. */
    private static final int MQTT_KEEP_ALIVE_SECONDS = 60;

    /** One check in progress. */
    private static final class Attempt {
        Channel channel;
        /** The request went over a kept connection (which may have been closed by the backend). */
        boolean reused;
        /** Any response byte arrived. */
        boolean responded;
        int status;
        boolean responseKeepAlive;
        /** The CoAP ping's message id. */
        int messageId;
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
    /** MQTT client identifier of this probe's checks: its own, so checks of several proxies never take over each other's session. */
    private final String mqttClientId;
    private final CompletableFuture<Void> retired = new CompletableFuture<>();

    // Confined to the loop.
    private TaskScheduler.Cancellable nextCheck = TaskScheduler.NOTHING;
    private TaskScheduler.Cancellable timeout = TaskScheduler.NOTHING;
    private Attempt attempt;
    private Channel kept;
    private boolean stopped;
    private int nextMessageId;

    // Written on the loop only, read anywhere.
    private volatile long passed;
    private volatile long failed;
    private volatile long timedOut;
    private volatile String lastResult = "";

    /**
     * @param streamChannels   the TCP socket type of {@code loop}'s transport, for HTTP, TCP and MQTT checks
     * @param datagramChannels the UDP socket type of {@code loop}'s transport, for CoAP checks
     */
    BackendProbe(Backend backend, InetSocketAddress address, CheckSpec spec, HealthCheckConfig config, EventLoop loop,
                 ChannelFactory<? extends Channel> streamChannels, ChannelFactory<? extends Channel> datagramChannels,
                 Environment env, TaskScheduler scheduler, HealthListener listener) {
        this.backend = backend;
        this.address = address;
        this.spec = spec;
        this.loop = loop;
        this.env = env;
        this.scheduler = scheduler;
        this.listener = listener;
        this.check = ActiveHealthCheck.create(config, env.nanoTime());
        // 22 characters: MQTT 3.1.1 servers must accept client ids of up to 23.
        this.mqttClientId = String.format("sluice-hc-%012x", env.random().nextLong() & 0xFFFF_FFFF_FFFFL);
        this.nextMessageId = env.random().nextInt(0x10000);
        this.bootstrap = new Bootstrap().group(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (spec.tls() != null && spec.kind() != CheckSpec.Kind.COAP) {
                    ch.pipeline().addLast("tls", spec.tls().newHandler(ch.alloc(), address));
                }
                switch (spec.kind()) {
                    case HTTP -> ch.pipeline().addLast(new HttpClientCodec(), new HttpCheckHandler(BackendProbe.this));
                    case MQTT -> ch.pipeline().addLast(new MqttDecoder(MQTT_MAX_PACKET), MqttEncoder.INSTANCE,
                            new MqttCheckHandler(BackendProbe.this));
                    case COAP -> ch.pipeline().addLast(new CoapCheckHandler(BackendProbe.this));
                    case GRPC -> ch.pipeline().addLast(
                            io.netty.handler.codec.http2.Http2FrameCodecBuilder.forClient().build(),
                            new GrpcCheckHandler(BackendProbe.this, spec.service(), backend.address(),
                                    spec.timeoutNanos()));
                    case TCP -> { }
                    default -> throw new AssertionError(spec.kind());
                }
            }
        });
        if (spec.kind() == CheckSpec.Kind.COAP) {
            bootstrap.channelFactory(datagramChannels);
        } else {
            // The check timer covers connect too; the socket's own connect timeout is only a backstop.
            int connectMillis = (int) Math.min(Integer.MAX_VALUE, spec.timeoutNanos() / 1_000_000L + 1_000L);
            bootstrap.channelFactory(streamChannels)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                    .option(ChannelOption.TCP_NODELAY, true);
        }
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
        a.reused = false;
        if (f.isDone() && !f.channel().isRegistered()) {
            // No socket (a full descriptor table): the bootstrap has closed what it made, and its future
            // completes on Netty's global executor, so the failure is taken here, on the loop.
            finish(a, CheckResult.FAIL, "connect failed: " + describe(f.cause()), false);
            return;
        }
        a.channel = f.channel();
        f.addListener((ChannelFuture done) -> {
            if (a != attempt) {
                done.channel().close();
                return;
            }
            io.netty.handler.ssl.SslHandler ssl = done.isSuccess()
                    ? done.channel().pipeline().get(io.netty.handler.ssl.SslHandler.class) : null;
            if (!done.isSuccess()) {
                finish(a, CheckResult.FAIL, "connect failed: " + describe(done.cause()), false);
            } else if (ssl != null && !ssl.handshakeFuture().isDone()) {
                // Over TLS the check starts once the handshake is done; a failed one fails the check.
                ssl.handshakeFuture().addListener(h -> {
                    if (a != attempt) {
                        return;
                    }
                    if (h.isSuccess()) {
                        connected(a, done.channel());
                    } else {
                        finish(a, CheckResult.FAIL, "TLS handshake failed: " + describe(h.cause()), false);
                    }
                });
            } else if (ssl != null && !ssl.handshakeFuture().isSuccess()) {
                finish(a, CheckResult.FAIL, "TLS handshake failed: " + describe(ssl.handshakeFuture().cause()), false);
            } else {
                connected(a, done.channel());
            }
        });
    }

    /** The connection (and its TLS handshake, if any) is up: the check proper. */
    private void connected(Attempt a, Channel ch) {
        switch (spec.kind()) {
            case TCP -> finish(a, CheckResult.PASS, spec.tls() != null ? "TCP connect and TLS handshake ok"
                    : "TCP connect ok", false);
            case HTTP -> send(a, ch, false);
            case MQTT -> sendMqttConnect(a, ch);
            case COAP -> sendCoapPing(a, ch);
            case GRPC -> ch.pipeline().get(GrpcCheckHandler.class).send();
            default -> throw new AssertionError(spec.kind());
        }
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

    private void sendMqttConnect(Attempt a, Channel ch) {
        MqttMessage connect = MqttMessageBuilders.connect()
                .protocolVersion(MqttVersion.MQTT_3_1_1)
                .clientId(mqttClientId)
                .cleanSession(true)
                .keepAlive(MQTT_KEEP_ALIVE_SECONDS)
                .build();
        ch.writeAndFlush(connect).addListener(f -> {
            if (!f.isSuccess()) {
                onBroken(ch, "CONNECT not sent: " + describe(f.cause()));
            }
        });
    }

    /**
     * RFC 7252 section 4.3: an empty message (code 0.00, no token) sent confirmable is a ping; the
     * server answers with a reset carrying the same message id. Header: version 1, type CON (0),
     * token length 0 = {@code 0x40}, code {@code 0x00}, message id.
     */
    private void sendCoapPing(Attempt a, Channel ch) {
        a.messageId = nextMessageId;
        nextMessageId = (nextMessageId + 1) & 0xFFFF;
        byte[] ping = {0x40, 0x00, (byte) (a.messageId >>> 8), (byte) a.messageId};
        ch.writeAndFlush(Unpooled.wrappedBuffer(ping)).addListener(f -> {
            if (!f.isSuccess()) {
                onBroken(ch, "ping not sent: " + describe(f.cause()));
            }
        });
    }

    // Called by MqttCheckHandler, on the loop.

    void onMqttConnack(Channel ch, MqttConnectReturnCode code) {
        Attempt a = attempt;
        if (a == null || a.channel != ch) {
            return;
        }
        a.responded = true;
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            finish(a, CheckResult.FAIL, String.format("MQTT CONNACK refused: %s (0x%02x)", code, code.byteValue() & 0xFF),
                    false);
            return;
        }
        // Say goodbye so the broker logs a clean disconnect; the channel closes once DISCONNECT is written.
        a.channel = null;
        ch.writeAndFlush(MqttMessage.DISCONNECT).addListener(ChannelFutureListener.CLOSE);
        finish(a, CheckResult.PASS, "MQTT CONNACK accepted", false);
    }

    // Called by GrpcCheckHandler, on the loop.

    void onGrpcHealth(Channel ch, boolean serving, String detail) {
        Attempt a = attempt;
        if (a == null || a.channel != ch) {
            return;
        }
        a.responded = true;
        finish(a, serving ? CheckResult.PASS : CheckResult.FAIL, detail, false);
    }

    // Called by CoapCheckHandler, on the loop.

    /**
     * A datagram from the backend: a reset with the ping's message id passes; a datagram with
     * another message id is a late answer to an earlier ping and is ignored; anything else with
     * the ping's id (an ACK, a response) fails, as a server that answers a ping that way is not a
     * conforming CoAP endpoint.
     */
    void onCoapReply(Channel ch, int type, int code, int messageId, boolean wellFormed) {
        Attempt a = attempt;
        if (a == null || a.channel != ch) {
            return;
        }
        if (!wellFormed) {
            finish(a, CheckResult.FAIL, "CoAP: not a CoAP message in answer to ping", false);
            return;
        }
        if (messageId != a.messageId) {
            return;
        }
        if (type == CoapCheckHandler.TYPE_RST) {
            finish(a, CheckResult.PASS, "CoAP RST to ping", false);
        } else {
            finish(a, CheckResult.FAIL, String.format("CoAP: ping answered with %s %d.%02d, expected RST",
                    CoapCheckHandler.typeName(type), code >>> 5, code & 0x1F), false);
        }
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
