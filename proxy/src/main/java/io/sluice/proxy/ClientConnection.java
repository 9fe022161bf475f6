package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.ReferenceCountUtil;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.AttemptFailure;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.filter.FilterChain;
import io.sluice.algorithms.filter.FilterRule;
import io.sluice.algorithms.ratelimit.LimitChain;
import io.sluice.algorithms.concurrency.AdaptiveConcurrencyLimit;
import io.sluice.proxy.metrics.OverloadMetrics;
import io.sluice.proxy.metrics.ProxyMetrics;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.Exchange.Attempt;
import io.sluice.proxy.RequestObserver.Outcome;
import io.sluice.proxy.http.BodyKind;
import io.sluice.proxy.http.HeadWriter;
import io.sluice.proxy.http.Http1Encoder;
import io.sluice.proxy.http.HttpViolation;
import io.sluice.proxy.http.RequestDecoder;
import io.sluice.proxy.http.RequestHead;
import io.sluice.proxy.http.ResponseHead;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's side of one client connection: takes the requests its {@link RequestDecoder} emits,
 * one at a time, routes each to a cluster, picks a backend, borrows a connection to it from the
 * event loop's {@link UpstreamPool} and streams the request there and the response back.
 *
 * <h2>Flow control</h2>
 * Both channels have AUTO_READ off. The client is read again only when the upstream channel is
 * writable (else when it becomes writable), and the backend only when the client channel is
 * writable: so a slow reader or a slow backend stops the other side at the socket, and the
 * proxy holds at most a write buffer's high-water mark plus one read per direction, however large
 * the body. Bodies are never aggregated.
 *
 * <p>Once a request is complete, the client stays armed for one more read while the response is
 * under way: re-arming the socket after every exchange cost two {@code epoll_ctl} calls per request
 * (a tenth of the event loop's time under keep-alive load). What that read brings (a pipelined
 * request) waits in the paused decoder, and the socket is not re-armed while it does, so at most
 * one read is buffered. An end of input (FIN) is handled here, with half-closure allowed: during
 * a response it only means no further request; otherwise it closes, as before.
 *
 * <h2>Dispatch</h2>
 * A request is dispatched at the read-complete after its head, not at the head itself: every byte
 * of the same read is decoded first, so a request whose body framing is broken in that read
 * (a bad chunk size) is refused before anything reaches a backend.
 *
 * <h2>Failures and retries</h2>
 * A connect failure, or a reset/close/bad response before any response byte, ends the attempt;
 * whether another backend (never one already tried) gets the request is the cluster policy's
 * {@link RetryPolicy#decide} (the function the simulator calls too): never once response bytes
 * reached the client or a request body byte was written upstream (a streamed body is not kept);
 * connect failures and resets always; timeouts and bad responses only for idempotent methods
 * unless {@code idempotent-only} is false; at most {@code max-retries}; and every retry but a
 * connect failure's takes a place in the retry budget. Out of retries: 503 after connect failures,
 * 504 after a timeout, 502 otherwise. Once response bytes reached the client, a failure can only
 * close the client connection.
 *
 * <p>Apart from retries: a reset or close on a <em>reused</em> idle pooled connection before any
 * response byte is a stale connection (the backend closed it while it idled, or restarted), not a
 * backend failure. The request goes again at once over a new connection to the same backend,
 * outside the retry policy and its budget ({@link #staleConnection}); a non-idempotent request only
 * if none of it was written.
 *
 * <h2>gRPC</h2>
 * A gRPC call on an HTTP/2 stream ({@link Grpc#answersWithStatus}) has three more rules. Its
 * {@code grpc-timeout} is a deadline from the head for the whole call ({@link #startGrpc}): past it
 * the attempt is dropped (its upstream stream reset) and the client gets DEADLINE_EXCEEDED; the
 * header goes upstream as the time left ({@link Forwarding#requestHead}). When the cluster's
 * {@code grpc-retry-on} names statuses, the body is kept (up to {@link #GRPC_REPLAY_LIMIT}) and a
 * 200 response head is held back until the rest of its read: a trailers-only answer with a named
 * status is then retried like a failure ({@link #retriedOnGrpcStatus}), anything else is relayed.
 * A backend failing once the answer began ends the call with a grpc-status trailer rather than a
 * reset ({@link #endCallWithStatus}).
 *
 * <h2>Heads and timers</h2>
 * Heads are encoded straight into pooled buffers ({@link Forwarding}); the connection's timeouts
 * (idle, request header, response, linger) share one {@link ConnectionDeadline}.
 *
 * <h2>Expect: 100-continue</h2>
 * Answered by the proxy itself, once a backend connection is ready (so a request that will be
 * refused, 404 or 503, gets its final status instead and never sends the body); the Expect
 * header is not forwarded.
 *
 * <p>Not thread-safe: everything runs on the channel's event loop.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements ResponseSink, ListenerConnection {
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The most request body kept to replay a gRPC call on a status retry (Envoy's default buffer limit is 64 KiB too). */
    static final int GRPC_REPLAY_LIMIT = 64 * 1024;
    /** A grpc-timeout this long or longer is no deadline at the proxy (it is forwarded unchanged). */
    private static final long GRPC_LONGEST_DEADLINE = TimeUnit.DAYS.toNanos(1);

    private static final byte[] CONTINUE = HeadWriter.bytes("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] CONTENT_TYPE_TEXT = HeadWriter.bytes("content-type: text/plain; charset=utf-8\r\n");
    private static final byte[] CONTENT_LENGTH = HeadWriter.bytes("content-length");
    private static final byte[] RETRY_AFTER_1 = HeadWriter.bytes("retry-after: 1\r\n");
    private static final byte[] CONNECTION_CLOSE = HeadWriter.bytes("connection: close\r\n");
    private static final byte[] X_REQUEST_ID = HeadWriter.bytes(Forwarding.REQUEST_ID);
    /** Names why a 503 was made by the proxy at once: {@code overload} or {@code adaptive-concurrency}. */
    private static final byte[] X_SLUICE_SHED = HeadWriter.bytes("x-sluice-shed");
    private static final byte[] WWW_AUTHENTICATE = HeadWriter.bytes("www-authenticate");

    private final ListenerState listener;
    private final RequestDecoder decoder;
    private final Http1Encoder encoder;
    private ChannelHandlerContext ctx;
    private UpstreamPool pool;
    private Forwarding.ClientAddress client = Forwarding.ClientAddress.of("unknown");
    /** The scheme the client used: https over a TLS layer. */
    private String proto = "http";
    /** The verified client certificate as x-forwarded-client-cert, or null. */
    private String clientCert;
    /** The verified client certificate, or null (no TLS, or no certificate). */
    private io.sluice.proxy.tls.ClientIdentity clientIdentity;
    /** The connection's TLS version, or null without TLS. */
    private String tlsVersion;
    private String clientIp = "unknown";
    private String clientAddress = "unknown";
    /** The client address's bytes, for rate-limit keys; null when not an IP connection. */
    private byte[] clientAddressBytes;
    /** The connection's one timer (see {@link ConnectionDeadline}) and what each kind of expiry does. */
    private ConnectionDeadline deadline;
    private final Runnable idleExpired = this::idleExpired;
    private final Runnable headerExpired = this::headerExpired;
    private final Runnable responseExpired = this::responseExpired;
    private long idleNanos;
    private long headerNanos;
    private boolean closing;
    /** Our side is shut; what the client still sends is read and dropped until it closes or time runs out. */
    private boolean lingering;
    /** The client sent its FIN: nothing more will be read. */
    private boolean inputShut;
    private Exchange ex;
    /** Switched to a WebSocket relay: this handler is leaving the pipeline. */
    private boolean upgraded;

    ClientConnection(ListenerState listener, RequestDecoder decoder, Http1Encoder encoder) {
        this.listener = listener;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // On an HTTP/2 stream (see Http2Protocol) the client, TLS and its identity are the connection's.
        Channel connection = ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel stream
                ? stream.parent() : ctx.channel();
        SocketAddress remote = ProxyProtocolLayer.clientAddress(connection);
        if (remote instanceof InetSocketAddress isa && isa.getAddress() != null) {
            clientIp = isa.getAddress().getHostAddress();
            clientAddress = (clientIp.indexOf(':') >= 0 ? "[" + clientIp + "]" : clientIp) + ":" + isa.getPort();
            client = Forwarding.ClientAddress.of(clientIp);
            clientAddressBytes = isa.getAddress().getAddress();
        }
        pool = listener.proxy.pool(ctx.channel().eventLoop());
        if (connection.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null) {
            proto = "https";
            io.sluice.proxy.tls.ClientIdentity id = connection.attr(io.sluice.proxy.tls.TlsTermination.CLIENT_IDENTITY)
                    .get();
            clientCert = id == null ? null : id.xfcc();
            clientIdentity = id;
            tlsVersion = connection.attr(io.sluice.proxy.tls.TlsTermination.TLS_VERSION).get();
        }
        // This handler serves "http" listeners only, so the listener's config is the HTTP record.
        ProxyConfig.HttpListener config = (ProxyConfig.HttpListener) listener.config;
        idleNanos = config.timeouts().idleNanos();
        headerNanos = config.timeouts().requestHeadersNanos();
        deadline = new ConnectionDeadline(ctx.executor());
        decoder.phaseListener(this::onDecoderPhase);
        if (listener.draining && connection == ctx.channel()) {
            // Accepted just as the listener began to drain, too late to be asked to: nothing is under way.
            // (A stream the client opened before the GOAWAY is served: the GOAWAY promised it.)
            closing = true;
            ctx.close();
            return;
        }
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    // ---- from the client ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RequestHead head) {
            onHead(head);
        } else if (msg instanceof HttpContent content) {
            onClientContent(content);
        } else if (msg instanceof HttpViolation v) {
            onViolation(v);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (lingering) {
            ctx.read();
            return;
        }
        Exchange e = ex;
        if (e != null && e.dispatchPending) {
            e.dispatchPending = false;
            dispatch(e, HttpResponseStatus.SERVICE_UNAVAILABLE);
        }
        e = ex;
        if (e != null && e.attempt != null && e.attempt.connection != null) {
            e.attempt.connection.channel().flush();
        }
        readClientIfReady();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange e = ex;
        if (ctx.channel().isWritable() && e != null && e.waitingClientWritable && e.attempt != null
                && e.attempt.connection != null) {
            e.waitingClientWritable = false;
            e.attempt.connection.channel().read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (deadline != null) {
            deadline.stop();
        }
        Exchange e = ex;
        if (e != null) {
            if (e.outcome == null || e.outcome.equals("ok")) {
                e.outcome = "client_closed";
            }
            cancelAttempt(e);
            end(e);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShut = true;
            Exchange e = ex;
            if (!lingering && e != null && e.requestComplete && !closing && !decoder.failed()) {
                // The request is whole and its response under way: finish it, then close.
                e.clientKeepAlive = false;
            } else {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and write failures: the connection is done; channelInactive cleans up.
        ctx.close();
    }

    private void onHead(RequestHead head) {
        if (closing || ex != null) {
            return;
        }
        Router router = listener.proxy.snapshot().router(listener.name);
        if (router == null) {
            // The listener was removed by a reload: its last connections finish on its last routes.
            router = listener.finalRouter;
        }
        Router.Route route = router == null ? null : router.route(head);
        Cluster cluster = route == null ? null : route.cluster();
        String clientRequestId = Forwarding.clientRequestId(head);
        RequestContext affinity = RequestContext.NONE;
        String cookieBackend = null;
        String affinityKey = null;
        if (cluster != null) {
            AffinityPolicy sp = cluster.policy().affinity();
            String key = switch (sp.mode()) {
                case HEADER -> head.headers().get(sp.name());
                case SOURCE -> clientIp;
                case CLIENT_CERT -> clientIdentity == null ? null : clientIdentity.affinityKey(sp.identity());
                default -> null;
            };
            if (sp.mode() == AffinityPolicy.Mode.COOKIE) {
                cookieBackend = cookie(head, sp.name());
            } else if (key != null && cluster.usesAffinityTable()) {
                affinityKey = key;
            } else if (key != null) {
                affinity = RequestContext.ofKey(key);
            }
            cluster.requestStarted();
        }
        Exchange e = new Exchange(head, route, cluster, clientRequestId, System.nanoTime(), affinity, cookieBackend,
                affinityKey);
        if (listener.draining) {
            e.clientKeepAlive = false;
        }
        e.dispatchPending = true;
        e.upgrade = WebSocketRelay.isUpgrade(head);
        ex = e;
        if (cluster != null && Grpc.answersWithStatus(ctx.channel(), head)) {
            startGrpc(e);
        }
        List<RequestObserver> observers = listener.proxy.observers();
        if (observers.isEmpty()) {
            return;
        }
        RequestObserver.RequestStart start = new RequestObserver.RequestStart(listener.name, e.requestId(), clientAddress,
                head.method().name(), head.host(), head.target(), route == null ? null : route.name(),
                cluster == null ? null : cluster.name(), e.startNanos);
        for (RequestObserver o : observers) {
            try {
                o.onRequestStart(start);
            } catch (RuntimeException ignored) {
                // an observer must not break the data path
            }
        }
    }

    private void onClientContent(HttpContent c) {
        Exchange e = ex;
        if (e == null) {
            c.release();
            return;
        }
        int n = c.content().readableBytes();
        e.requestBytes += n;
        if (e.replayable) {
            e.keepForReplay(c, GRPC_REPLAY_LIMIT);
        }
        boolean last = c instanceof LastHttpContent;
        if (last) {
            e.requestComplete = true;
        }
        Attempt a = e.attempt;
        if (a != null && a.connection != null) {
            if (n > 0) {
                e.bodyStreamed = true;
            }
            a.connection.channel().write(c, a.connection.channel().voidPromise());
            if (last) {
                armResponseTimer(e);
            }
        } else if (e.dispatchPending || a != null) {
            e.holdBody(c);
        } else {
            c.release();
        }
    }

    private void onViolation(HttpViolation v) {
        Exchange e = ex;
        if (e == null) {
            respondLocal(null, v.status(), v.reason());
            return;
        }
        e.dispatchPending = false;
        e.clientKeepAlive = false;
        cancelAttempt(e);
        e.outcome = violationOutcome(v.status().code());
        if (e.responseStarted) {
            abortClient(e);
        } else {
            respondLocal(e, v.status(), v.reason());
        }
    }

    private void readClientIfReady() {
        if (closing || decoder.failed() || !ctx.channel().isActive()) {
            return;
        }
        Exchange e = ex;
        if (e == null) {
            if (!decoder.paused()) {
                ctx.read();
            }
            return;
        }
        if (e.dispatchPending) {
            return;
        }
        if (e.requestComplete) {
            // See the class comment: stay armed for one read while the response is under way.
            if (e.clientKeepAlive && !inputShut && !decoder.hasBufferedInput()) {
                ctx.read();
            }
            return;
        }
        Attempt a = e.attempt;
        if (a == null || a.connection == null || e.head.expectContinue() && !e.continueSent) {
            return;
        }
        if (a.connection.channel().isWritable()) {
            ctx.read();
        } else {
            e.waitingUpstreamWritable = true;
        }
    }

    // ---- to the backend ----

    private void dispatch(Exchange e, HttpResponseStatus ifNone) {
        if (e.attempts == 0 && !e.limitsPassed) {
            e.limitsPassed = true;
            if (!passesRateLimits(e) || !admitted(e)) {
                return;
            }
        }
        if (e.cluster == null) {
            e.outcome = "no_route";
            respondLocal(e, HttpResponseStatus.NOT_FOUND, "no route matches this request");
            return;
        }
        if (e.affinityKey != null && e.attempts == 0) {
            e.sticky = e.cluster.affinityBackend(e.affinityKey);
        }
        Endpoint endpoint = e.cluster.choose(e.affinity, e.sticky, e.tried());
        if (endpoint == null) {
            if (e.attempts == 0) {
                e.outcome = "no_backend";
            }
            respondLocal(e, ifNone, e.attempts == 0 ? "no backend available" : "no other backend to try");
            return;
        }
        e.markTried(endpoint.id());
        startAttempt(e, endpoint, false, e.attempts > 0);
    }

    /**
     * Sends {@code e} to {@code endpoint}: over an idle pooled connection when there is one and
     * {@code fresh} is false, else over a new connection.
     */
    private void startAttempt(Exchange e, Endpoint endpoint, boolean fresh, boolean retry) {
        Attempt a = new Attempt(endpoint, retry);
        e.attempts++;
        e.attempt = a;
        e.lastBackend = endpoint.id();
        e.lastBackendAddress = endpoint.backend().address();
        InetSocketAddress address = e.cluster.address(endpoint.id());
        if (address == null) {
            attemptFailed(e, a, Outcome.CONNECT_FAILURE);
            return;
        }
        UpstreamConnector connector = e.cluster.connector();
        if (connector.multiplexed()) {
            openStream(e, a, address);
            return;
        }
        if (!fresh) {
            UpstreamConnection pooled = pool.poll(connector, address);
            if (pooled != null) {
                a.reused = true;
                send(e, a, pooled);
                return;
            }
        }
        ChannelFuture f = pool.connect(connector, address,
                e.cluster.policy().timeouts().connectNanos());
        a.connecting = f;
        f.addListener((ChannelFutureListener) cf -> {
            a.connecting = null;
            if (ex != e || e.attempt != a || a.ended) {
                if (cf.isSuccess()) {
                    cf.channel().close(); // a failed connect has closed its channel already
                }
                return;
            }
            if (cf.isSuccess()) {
                send(e, a, cf.channel().pipeline().get(UpstreamConnection.class));
            } else {
                a.tlsFailed = isTls(cf.cause());
                attemptFailed(e, a, Outcome.CONNECT_FAILURE);
            }
        });
    }

    /** Sends {@code e} over a new stream of a multiplexed HTTP/2 connection to {@code address}. */
    private void openStream(Exchange e, Attempt a, InetSocketAddress address) {
        io.netty.util.concurrent.Future<Channel> f = pool.http2().openStream(e.cluster.connector(), address,
                e.cluster.policy().timeouts().connectNanos());
        a.opening = f;
        f.addListener(done -> {
            a.opening = null;
            Channel stream = f.getNow();
            if (ex != e || e.attempt != a || a.ended) {
                if (stream != null) {
                    stream.close();
                }
                return;
            }
            if (f.isSuccess()) {
                send(e, a, stream.pipeline().get(UpstreamConnection.class));
            } else {
                a.tlsFailed = isTls(f.cause());
                attemptFailed(e, a, Outcome.CONNECT_FAILURE);
            }
        });
    }

    /** Whether a connect failed in the TLS handshake (the backend's certificate, name or ALPN; ours refused). */
    private static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    private void send(Exchange e, Attempt a, UpstreamConnection conn) {
        a.connection = conn;
        conn.bind(this);
        a.markSent(System.nanoTime());
        if (e.head.expectContinue() && !e.continueSent) {
            e.continueSent = true;
            encoder.startMessage(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), ctx.voidPromise());
        }
        ChannelPromise sent = conn.channel().voidPromise();
        if (a.reused && !e.idempotent) {
            // Whether any of it left: a stale connection may replay a non-idempotent request only if none did.
            sent = conn.channel().newPromise();
            sent.addListener(f -> a.written |= f.isSuccess());
        }
        conn.send(Forwarding.requestHead(conn.channel().alloc(), e, client, proto, clientCert), e.head.method() == HttpMethod.HEAD,
                e.head.body() == BodyKind.CHUNKED, sent);
        if (e.upgrade) {
            conn.expectUpgrade();
        }
        HttpContent c;
        boolean lastSent = false;
        while ((c = e.nextHeldBody()) != null) {
            if (c.content().isReadable()) {
                e.bodyStreamed = true;
            }
            lastSent |= c instanceof LastHttpContent;
            conn.channel().write(c, conn.channel().voidPromise());
        }
        if (e.requestComplete) {
            if (!lastSent) {
                // A retry of a request whose (empty) end went to the failed attempt: end it here too,
                // or the encoder would still be inside this message when the connection is reused.
                conn.channel().write(LastHttpContent.EMPTY_LAST_CONTENT, conn.channel().voidPromise());
            }
            armResponseTimer(e);
        }
        conn.channel().flush();
        readClientIfReady();
    }

    private void armResponseTimer(Exchange e) {
        deadline.after(e.cluster.policy().timeouts().responseNanos(), responseExpired);
    }

    private void cancelResponseTimer() {
        deadline.clear();
    }

    // ---- timers ----

    /** The decoder moved: waiting for a request (idle timeout), in a head (header timeout), or past it. */
    private void onDecoderPhase(RequestDecoder.Phase phase) {
        if (deadline == null || lingering) {
            return;
        }
        switch (phase) {
            case IDLE -> deadline.after(idleNanos, idleExpired);
            case HEAD -> deadline.after(headerNanos, headerExpired);
            default -> deadline.clear();
        }
    }

    /** No request under way and none begun for the idle timeout: close silently. */
    private void idleExpired() {
        if (ex == null && !closing && decoder.phase() == RequestDecoder.Phase.IDLE) {
            closing = true;
            ctx.close();
        }
    }

    /** The header block did not arrive in time: 408, through the decoder. */
    private void headerExpired() {
        decoder.headerTimeout();
    }

    /** No response head within the cluster's response timeout. */
    private void responseExpired() {
        Exchange e = ex;
        Attempt a = e == null ? null : e.attempt;
        if (a != null && a.headNanos < 0 && !a.ended && e.requestComplete) {
            attemptFailed(e, a, Outcome.TIMEOUT);
        }
    }

    // ---- from the backend ----

    @Override
    public void onResponseHead(UpstreamConnection from, ResponseHead rh) {
        Exchange e = ex;
        Attempt a = e == null ? null : e.attempt;
        if (a == null || a.connection != from) {
            from.close();
            return;
        }
        if (rh.code() == 101) {
            switchToRelay(e, a, from, rh);
            return;
        }
        cancelResponseTimer();
        a.headNanos = System.nanoTime() - a.sentNanos;
        a.status = rh.code();
        a.reusable = rh.keepAlive();
        if (!e.requestComplete) {
            // The backend answered before the whole body arrived; the rest will not be read.
            e.clientKeepAlive = false;
        }
        boolean chunked = false;
        if (rh.body() == BodyKind.CHUNKED || rh.body() == BodyKind.UNTIL_CLOSE) {
            if (e.head.version().equals(HttpVersion.HTTP_1_1)) {
                chunked = true;
            } else {
                e.clientKeepAlive = false;
            }
        }
        if (listener.draining) {
            e.clientKeepAlive = false;
        }
        AffinityPolicy sp = e.cluster.policy().affinity();
        String setCookie = sp.mode() == AffinityPolicy.Mode.COOKIE && !a.endpoint.id().equals(e.cookieBackend)
                ? a.endpoint.id() : null;
        e.grpcStatus = Telemetry.grpcStatus(rh.headers().get("grpc-status"));
        ByteBuf head = Forwarding.responseHead(ctx.alloc(), rh, chunked, !e.clientKeepAlive, sp.name(), setCookie, e);
        if (e.replayable && e.requestComplete && chunked && a.status == 200
                && e.retries < e.cluster.policy().retries().maxRetries()) {
            // Maybe a trailers-only status to retry: its end comes in this same read (see heldHead).
            e.heldHead = head;
            e.heldChunked = chunked;
            return;
        }
        writeResponseHead(e, head, chunked);
    }

    private void writeResponseHead(Exchange e, ByteBuf head, boolean chunked) {
        e.status = e.attempt.status;
        e.responseStarted = true;
        e.responseChunked = chunked;
        encoder.startMessage(chunked);
        ctx.write(head, ctx.voidPromise());
    }

    /** Sends the response head held back for a possible gRPC status retry, which did not happen. */
    private void flushHeldHead(Exchange e) {
        ByteBuf head = e.heldHead;
        e.heldHead = null;
        writeResponseHead(e, head, e.heldChunked);
    }

    /**
     * The backend accepted a WebSocket upgrade (the only request a 101 can answer, see
     * {@link io.sluice.proxy.http.ResponseDecoder#expectUpgrade}): the 101 goes to the client, the
     * exchange is accounted for as a request with status 101, and both connections leave HTTP for a
     * {@link WebSocketRelay}, with whatever bytes either side sent after its head.
     */
    private void switchToRelay(Exchange e, Attempt a, UpstreamConnection from, ResponseHead rh) {
        cancelResponseTimer();
        a.headNanos = System.nanoTime() - a.sentNanos;
        a.status = rh.code();
        e.status = rh.code();
        e.responseStarted = true;
        AffinityPolicy sp = e.cluster.policy().affinity();
        String setCookie = sp.mode() == AffinityPolicy.Mode.COOKIE && !a.endpoint.id().equals(e.cookieBackend)
                ? a.endpoint.id() : null;
        encoder.startMessage(false);
        ctx.write(Forwarding.responseHead(ctx.alloc(), rh, false, false, sp.name(), setCookie, e), ctx.voidPromise());
        notifyAttempt(e, a, Outcome.RESPONSE, a.end(System.nanoTime(), true));
        e.outcome = "ok";
        a.connection = null;
        upgraded = true;
        deadline.stop();
        Channel upstream = from.channel();
        ByteBuf fromBackend = from.switchProtocols();
        ByteBuf fromClient = decoder.takeBuffered();
        end(e);
        ctx.pipeline().remove(decoder);
        ctx.pipeline().remove(encoder);
        WebSocketRelay.start(listener, ctx.channel(), upstream, fromClient, fromBackend, idleNanos,
                e.cluster.name(), a.endpoint.id());
        ctx.pipeline().remove(this);
    }

    @Override
    public void onResponseContent(UpstreamConnection from, HttpContent c) {
        Exchange e = ex;
        Attempt a = e == null ? null : e.attempt;
        if (a == null || a.connection != from || !e.responseStarted && e.heldHead == null) {
            c.release();
            from.close();
            return;
        }
        if (e.heldHead != null) {
            if (c instanceof LastHttpContent last && !c.content().isReadable()
                    && retriedOnGrpcStatus(e, a, from, Grpc.status(last.trailingHeaders()))) {
                c.release();
                return;
            }
            flushHeldHead(e);
        }
        e.responseBytes += c.content().readableBytes();
        if (c instanceof LastHttpContent last) {
            int trailer = Telemetry.grpcStatus(last.trailingHeaders().get("grpc-status"));
            if (trailer >= 0) {
                e.grpcStatus = trailer;
            }
        }
        ctx.write(c, ctx.voidPromise());
        if (c instanceof LastHttpContent) {
            long latency = a.end(System.nanoTime(), a.status < 500);
            notifyAttempt(e, a, Outcome.RESPONSE, latency);
            e.outcome = "ok";
            a.connection = null;
            if (a.reusable && e.requestComplete) {
                from.release();
            } else {
                from.close();
            }
            end(e);
        }
    }

    @Override
    public void onResponseReadComplete(UpstreamConnection from) {
        Exchange e = ex;
        if (e != null && e.heldHead != null && e.attempt != null && e.attempt.connection == from) {
            // Not a trailers-only answer after all (its end did not come with the head): on with the response.
            flushHeldHead(e);
        }
        ctx.flush();
        if (e == null || e.attempt == null || e.attempt.connection != from) {
            return;
        }
        if (ctx.channel().isWritable()) {
            from.channel().read();
        } else {
            e.waitingClientWritable = true;
        }
    }

    @Override
    public void onUpstreamWritable(UpstreamConnection from) {
        Exchange e = ex;
        if (e != null && e.waitingUpstreamWritable && e.attempt != null && e.attempt.connection == from) {
            e.waitingUpstreamWritable = false;
            readClientIfReady();
        }
    }

    @Override
    public void onUpstreamFailure(UpstreamConnection from, HttpViolation violation) {
        Exchange e = ex;
        Attempt a = e == null ? null : e.attempt;
        if (a == null || a.connection != from || a.ended) {
            from.close();
            return;
        }
        attemptFailed(e, a, violation != null ? Outcome.BAD_RESPONSE : Outcome.RESET);
    }

    private void attemptFailed(Exchange e, Attempt a, Outcome outcome) {
        cancelResponseTimer();
        if (e.heldHead != null) {
            e.heldHead.release();
            e.heldHead = null;
        }
        boolean stale = staleConnection(e, a, outcome);
        if (a.connection != null) {
            a.connection.close();
            a.connection = null;
        }
        if (stale) {
            // Not the backend failing a request: a keep-alive connection it had already closed. Again at
            // once on a new connection to the same backend, outside the retry policy and its budget.
            long latency = a.end(System.nanoTime(), true);
            notifyAttempt(e, a, Outcome.STALE_CONNECTION, latency);
            startAttempt(e, a.endpoint, true, a.retry);
            return;
        }
        long latency = a.end(System.nanoTime(), false);
        notifyAttempt(e, a, outcome, latency);
        e.outcome = switch (outcome) {
            case CONNECT_FAILURE -> "upstream_connect_failure";
            case TIMEOUT -> "upstream_timeout";
            case BAD_RESPONSE -> "upstream_bad_response";
            default -> "upstream_reset";
        };
        if (e.retryHeld) {
            e.cluster.retryEnded();
            e.retryHeld = false;
        }
        if (e.responseStarted) {
            if (e.grpc && e.responseChunked) {
                // A gRPC call whose answer began: end it with a status the client can read, not a reset.
                endCallWithStatus(e, Grpc.UNAVAILABLE, "the backend failed mid-call (" + e.outcome + ")");
            } else {
                abortClient(e);
            }
            return;
        }
        HttpResponseStatus status = switch (outcome) {
            // A backend whose TLS handshake fails is misconfigured, not overloaded: 502, like a bad response.
            case CONNECT_FAILURE -> a.tlsFailed ? HttpResponseStatus.BAD_GATEWAY : HttpResponseStatus.SERVICE_UNAVAILABLE;
            case TIMEOUT -> HttpResponseStatus.GATEWAY_TIMEOUT;
            default -> HttpResponseStatus.BAD_GATEWAY;
        };
        if (mayRetry(e, outcome)) {
            e.retries++;
            dispatch(e, status);
        } else {
            respondLocal(e, status, switch (outcome) {
                case CONNECT_FAILURE -> a.tlsFailed ? "the TLS handshake with the backend failed"
                        : "could not connect to a backend";
                case TIMEOUT -> "the backend did not answer in time";
                case BAD_RESPONSE -> "the backend sent an invalid response";
                default -> "the backend closed the connection";
            });
        }
    }

    /**
     * Whether a failed attempt met a stale connection: an idle pooled connection that the backend
     * had closed or reset before this request reached it (its keep-alive timeout, a restart). That
     * is the case when the connection was reused, closed or reset before any response byte came
     * back, and the request can be sent again: nothing of its body is lost, and a non-idempotent
     * request only if none of it was written (the backend cannot have acted on it). Only the first
     * attempt on a backend gets this second chance, and only on a pooled connection, so a backend
     * that resets every new connection costs one extra connect, not a loop.
     */
    private boolean staleConnection(Exchange e, Attempt a, Outcome outcome) {
        return outcome == Outcome.RESET && a.reused && a.connection != null && !a.connection.responseBegun()
                && !e.responseStarted && !e.bodyStreamed && (e.idempotent || !a.written)
                && ctx.channel().isActive();
    }

    /**
     * See the class comment: the policy's decision, then the budget. Takes a budget place when it
     * says yes to a retry that spends one.
     */
    private boolean mayRetry(Exchange e, Outcome outcome) {
        if (!ctx.channel().isActive()) {
            return false;
        }
        AttemptFailure failure = switch (outcome) {
            case CONNECT_FAILURE -> AttemptFailure.CONNECT_FAILURE;
            case RESET -> AttemptFailure.RESET;
            case TIMEOUT -> AttemptFailure.TIMEOUT;
            case BAD_RESPONSE -> AttemptFailure.BAD_RESPONSE;
            default -> null;
        };
        RetryPolicy policy = e.cluster.policy().retries();
        if (failure == null || !policy.decide(failure, e.retries, e.idempotent, e.bodyStreamed,
                e.responseStarted).retry()) {
            return false;
        }
        if (!RetryPolicy.spendsBudget(failure)) {
            return true;
        }
        if (!e.cluster.tryStartRetry()) {
            return false;
        }
        e.retryHeld = true;
        return true;
    }

    /** Drops the attempt under way (the client left or broke the request). */
    private void cancelAttempt(Exchange e) {
        cancelResponseTimer();
        Attempt a = e.attempt;
        if (a == null || a.ended) {
            return;
        }
        if (a.connecting != null) {
            a.connecting.channel().close();
            a.connecting = null;
        }
        if (a.connection != null) {
            a.connection.close();
            a.connection = null;
        }
        long latency = a.end(System.nanoTime(), false);
        if (a.opening != null) {
            // After end(): the cancellation runs the open's listener, which must see the attempt over.
            a.opening.cancel(false);
            a.opening = null;
        }
        notifyAttempt(e, a, Outcome.CANCELLED, latency);
    }

    // ---- gRPC ----

    /**
     * A gRPC call: its grpc-timeout, when well formed and under a day, becomes the call's deadline
     * at the proxy (a timer from the head; the header goes upstream reduced by the time spent
     * here, {@link Forwarding#requestHead}); and when the cluster retries gRPC statuses, its body
     * is kept for a replay.
     */
    private void startGrpc(Exchange e) {
        e.grpc = true;
        e.replayable = e.cluster.policy().retries().retriesGrpcStatuses();
        long timeout = Grpc.parseTimeout(e.head.headers().get(Grpc.TIMEOUT));
        if (timeout >= 0 && timeout < GRPC_LONGEST_DEADLINE) {
            e.hasGrpcDeadline = true;
            e.grpcDeadline = e.startNanos + timeout;
            e.grpcTimer = ctx.executor().schedule(() -> grpcDeadlineExpired(e),
                    e.grpcDeadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The call's grpc-timeout passed: the attempt under way is dropped (its upstream stream reset)
     * and the client gets DEADLINE_EXCEEDED: trailers-only when nothing of the answer was sent,
     * else as the trailers that end the answer under way.
     */
    private void grpcDeadlineExpired(Exchange e) {
        e.grpcTimer = null;
        if (ex != e || closing) {
            return;
        }
        e.dispatchPending = false;
        e.outcome = "deadline_exceeded";
        cancelAttempt(e);
        if (e.heldHead != null) {
            e.heldHead.release();
            e.heldHead = null;
        }
        String why = "the call's grpc-timeout (" + e.head.headers().get(Grpc.TIMEOUT) + ") expired at the proxy";
        if (!e.responseStarted) {
            respondLocal(e, HttpResponseStatus.GATEWAY_TIMEOUT, why);
        } else if (e.responseChunked) {
            endCallWithStatus(e, Grpc.DEADLINE_EXCEEDED, why);
        } else {
            abortClient(e);
        }
    }

    /** Ends a gRPC answer under way with {@code status} in its trailers. */
    private void endCallWithStatus(Exchange e, int status, String message) {
        e.grpcStatus = status;
        ctx.write(Grpc.trailers(status, message), ctx.voidPromise());
        ctx.flush();
        e.clientKeepAlive = false;
        end(e);
    }

    /**
     * A backend's trailers-only answer with {@code grpcStatus}, its head held back: retried on
     * another backend when the policy's {@link RetryPolicy#decideGrpcStatus} and the budget allow
     * it, with the kept body. Returns false when it is not, and the answer goes to the client.
     */
    private boolean retriedOnGrpcStatus(Exchange e, Attempt a, UpstreamConnection from, int grpcStatus) {
        RetryPolicy policy = e.cluster.policy().retries();
        if (grpcStatus < 0 || !ctx.channel().isActive() || !policy.decideGrpcStatus(grpcStatus, e.retries,
                e.replayable && e.requestComplete, e.responseStarted).retry()) {
            return false;
        }
        if (e.retryHeld) {
            e.cluster.retryEnded();
            e.retryHeld = false;
        }
        if (!e.cluster.tryStartRetry()) {
            return false;
        }
        e.retryHeld = true;
        e.heldHead.release();
        e.heldHead = null;
        long latency = a.end(System.nanoTime(), false);
        notifyAttempt(e, a, Outcome.RESPONSE, latency);
        a.connection = null;
        from.close();
        e.retries++;
        // The outcome if no other backend is left; a retry that is answered sets "ok".
        e.outcome = "upstream_grpc_status";
        e.bodyStreamed = false;
        e.replayBody();
        dispatch(e, HttpResponseStatus.SERVICE_UNAVAILABLE);
        return true;
    }

    // ---- answers and endings ----

    /**
     * Applies the listener's, then the route's filters (a deny answers its status), then the
     * listener's JWT verification (a missing or invalid token answers 401), then the listener's,
     * then the route's rate limits; on a refusal answers 429 with Retry-After and the IETF
     * RateLimit headers and returns false.
     */
    private boolean passesRateLimits(Exchange e) {
        Router router = listener.proxy.snapshot().router(listener.name);
        if (router == null) {
            router = listener.finalRouter;
        }
        FilterChain ownFilters = router == null ? FilterChain.NONE : router.listenerFilters();
        FilterChain routeFilters = e.route == null ? FilterChain.NONE : e.route.filters();
        if (!ownFilters.isEmpty() || !routeFilters.isEmpty()) {
            Filters.HttpRequest fi = new Filters.HttpRequest(clientAddressBytes, e.head);
            FilterRule denied = ownFilters.denial(fi);
            if (denied == null) {
                denied = routeFilters.denial(fi);
            }
            if (denied != null) {
                e.outcome = "filtered";
                respondLocal(e, HttpResponseStatus.valueOf(denied.status()), "denied by filter '" + denied.name() + "'");
                return false;
            }
        }
        if (!authenticated(e)) {
            return false;
        }
        LimitChain own = router == null ? LimitChain.NONE : router.listenerLimits();
        LimitChain route = e.route == null ? LimitChain.NONE : e.route.limits();
        if (own.isEmpty() && route.isEmpty()) {
            return true;
        }
        RateLimits.HttpInputs in = new RateLimits.HttpInputs(clientAddressBytes, e.head,
                e.route == null ? null : e.route.name(), listener.name, e.jwtSubject);
        long now = System.nanoTime();
        LimitChain.Verdict v = own.admit(in, now);
        if (v.granted()) {
            v = route.admit(in, now);
        }
        if (v.granted()) {
            return true;
        }
        e.outcome = "rate_limited";
        respondLocal(e, HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit '" + v.limit().name() + "' exceeded", v);
        return false;
    }

    /**
     * Verifies the request's bearer token when the listener has a {@code jwt:} block, keeping its
     * subject for the rate-limit key; a missing (when required) or invalid token is answered 401
     * with {@code WWW-Authenticate} as RFC 6750 section 3 says: no error code when the request had
     * no token, {@code error="invalid_token"} and why when it had a bad one.
     */
    private boolean authenticated(Exchange e) {
        JwtVerifier jwt = listener.jwt;
        if (jwt == null) {
            return true;
        }
        JwtVerifier.Outcome o = jwt.verify(e.head.headers().get(jwt.config().header()));
        if (o.passed()) {
            e.jwtSubject = o.subject();
            return true;
        }
        e.outcome = "unauthorized";
        String realm = "Bearer realm=\"" + listener.name + "\"";
        e.wwwAuthenticate = o.refusal().isEmpty() ? realm
                : realm + ", error=\"invalid_token\", error_description=\"" + o.refusal() + "\"";
        respondLocal(e, HttpResponseStatus.UNAUTHORIZED, o.refusal().isEmpty() ? "a bearer token is required"
                : "invalid token: " + o.refusal());
        return false;
    }

    /**
     * Sheds the request while the proxy itself is overloaded, then takes a place under the cluster's
     * adaptive concurrency limit; on a refusal answers 503 at once with Retry-After and
     * {@code x-sluice-shed: overload} or {@code adaptive-concurrency} and returns false.
     */
    private boolean admitted(Exchange e) {
        if (listener.proxy.overloadLevel() == io.sluice.algorithms.overload.OverloadState.Level.SHEDDING) {
            shed(e, OverloadMetrics.OVERLOAD, "the proxy is overloaded");
            return false;
        }
        AdaptiveConcurrencyLimit limit = e.cluster == null ? null : e.cluster.concurrencyLimit();
        if (limit == null) {
            return true;
        }
        if (!limit.tryAcquire()) {
            shed(e, OverloadMetrics.ADAPTIVE_CONCURRENCY, "cluster '" + e.cluster.name()
                    + "' is at its adaptive concurrency limit of " + limit.limit() + " requests in flight");
            return false;
        }
        e.concurrency = limit;
        e.concurrencyStartNanos = System.nanoTime();
        return true;
    }

    private void shed(Exchange e, String reason, String why) {
        listener.proxy.overloadMetrics().shed(e.cluster == null ? ProxyMetrics.NO_BACKEND : e.cluster.name(), reason);
        e.outcome = "shed";
        e.shedReason = reason;
        respondLocal(e, HttpResponseStatus.SERVICE_UNAVAILABLE, why);
    }

    private void respondLocal(Exchange e, HttpResponseStatus status, String reason) {
        respondLocal(e, status, reason, null);
    }

    /** Answers with a proxy-made response; {@code e} is null for a request refused before its head was accepted. */
    private void respondLocal(Exchange e, HttpResponseStatus status, String reason, LimitChain.Verdict limited) {
        if (e != null && Grpc.answersWithStatus(ctx.channel(), e.head)) {
            // A gRPC client reads a Status, not an HTTP error: 200 with grpc-status in a trailers-only answer.
            encoder.startMessage(false);
            ctx.write(Grpc.trailersOnly(ctx.alloc(), status.code(), reason, e), ctx.voidPromise());
            e.status = status.code();
            e.grpcStatus = Grpc.statusFor(status.code());
            e.responseStarted = true;
            end(e);
            return;
        }
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + reason + "\n")
                .getBytes(StandardCharsets.UTF_8);
        boolean close = true;
        if (e != null) {
            if (!e.requestComplete) {
                e.clientKeepAlive = false;
            }
            close = !e.clientKeepAlive;
        }
        ByteBuf out = ctx.alloc().buffer(256 + body.length);
        HeadWriter.statusLine(out, status.code(), status.reasonPhrase());
        out.writeBytes(CONTENT_TYPE_TEXT);
        HeadWriter.field(out, CONTENT_LENGTH, body.length);
        if (status.code() == 503) {
            out.writeBytes(RETRY_AFTER_1);
        }
        if (limited != null) {
            RateLimits.writeRefusalHeaders(out, limited);
        }
        if (e != null && e.wwwAuthenticate != null) {
            HeadWriter.fieldStart(out, WWW_AUTHENTICATE);
            out.writeCharSequence(e.wwwAuthenticate, StandardCharsets.US_ASCII);
            out.writeShort(HeadWriter.CRLF);
        }
        if (e != null && e.shedReason != null) {
            HeadWriter.fieldStart(out, X_SLUICE_SHED);
            out.writeCharSequence(e.shedReason, StandardCharsets.US_ASCII);
            out.writeShort(HeadWriter.CRLF);
        }
        if (e != null) {
            HeadWriter.fieldStart(out, X_REQUEST_ID);
            e.writeRequestId(out);
            out.writeShort(HeadWriter.CRLF);
        }
        if (close) {
            out.writeBytes(CONNECTION_CLOSE);
        }
        out.writeShort(HeadWriter.CRLF);
        // A response to HEAD has the headers of the body it would have, and no body.
        if (e == null || e.head.method() != HttpMethod.HEAD) {
            out.writeBytes(body);
        }
        encoder.startMessage(false);
        ctx.write(out, ctx.voidPromise());
        if (e != null) {
            e.status = status.code();
            e.responseStarted = true;
            end(e);
        } else {
            closeAfterFlush();
        }
    }

    /** The response cannot be completed: cut the client connection, the only signal left. */
    private void abortClient(Exchange e) {
        e.clientKeepAlive = false;
        closing = true;
        ctx.flush();
        ctx.close();
        end(e);
    }

    /** The exchange is over: account for it, then read the next request or close. */
    private void end(Exchange e) {
        if (ex != e) {
            return;
        }
        ex = null;
        cancelResponseTimer();
        if (e.grpcTimer != null) {
            e.grpcTimer.cancel(false);
            e.grpcTimer = null;
        }
        e.releasePending();
        if (e.retryHeld) {
            e.cluster.retryEnded();
            e.retryHeld = false;
        }
        if (e.cluster != null) {
            e.cluster.requestEnded();
        }
        if (e.concurrency != null) {
            // A completed response is a latency sample; a client that went away says nothing of the cluster.
            e.concurrency.release(e.status > 0 && e.responseStarted ? System.nanoTime() - e.concurrencyStartNanos : -1);
            e.concurrency = null;
        }
        long duration = System.nanoTime() - e.startNanos;
        int status = closing && !e.responseStarted ? 0 : e.status;
        Telemetry telemetry = listener.proxy.telemetry();
        String protocol = ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel ? "HTTP/2"
                : e.head.version().text();
        telemetry.requestEnded(listener, e.route, e.cluster, e.lastBackend, status, duration, e.requestBytes,
                e.responseBytes, protocol, e.grpcStatus);
        List<RequestObserver> observers = listener.proxy.observers();
        boolean logging = telemetry.logging();
        if (logging || !observers.isEmpty()) {
            String outcome = e.outcome != null ? e.outcome : status == 0 ? "client_closed" : "ok";
            RequestObserver.RequestEnd record = new RequestObserver.RequestEnd(listener.name, e.requestId(),
                    clientAddress, e.head.method().name(), e.head.host(), e.head.target(),
                    e.route == null ? null : e.route.name(), e.cluster == null ? null : e.cluster.name(),
                    e.lastBackend, e.lastBackendAddress, status, outcome, e.startNanos, duration, e.requestBytes,
                    e.responseBytes, e.attempts, e.affinityKey != null ? e.affinityKey : e.affinity.affinityKey(),
                    e.attempt == null ? -1 : e.attempt.headNanos,
                    e.attempt == null || !e.attempt.sent ? -1 : System.nanoTime() - e.attempt.sentNanos,
                    protocol, tlsVersion, e.grpcStatus);
            if (logging) {
                telemetry.log(record);
            }
            for (RequestObserver o : observers) {
                try {
                    o.onRequestEnd(record);
                } catch (RuntimeException ignored) {
                    // an observer must not break the data path
                }
            }
        }
        if (upgraded || !ctx.channel().isActive()) {
            return;
        }
        if (!closing && e.clientKeepAlive && e.requestComplete && decoder.paused() && !listener.draining) {
            ctx.flush();
            decoder.resume();
            readClientIfReady();
        } else {
            closeAfterFlush();
        }
    }

    /**
     * Closes once everything written is flushed, the way HTTP servers must (RFC 9112 9.6): first
     * only our sending side (FIN), then reading and discarding what the client still sends, for
     * at most {@link #LINGER_NANOS}. Closing at once with unread bytes in the socket would make the
     * kernel send a reset, which can destroy the response (a 413 or 431) before the client reads it.
     */
    private void closeAfterFlush() {
        if (lingering) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            Channel ch = f.channel();
            if (!f.isSuccess() || !ch.isActive() || inputShut || !(ch instanceof DuplexChannel duplex)) {
                ch.close();
                return;
            }
            lingering = true;
            deadline.clear();
            decoder.discard();
            duplex.shutdownOutput().addListener(x -> {
                if (!x.isSuccess()) {
                    ch.close();
                    return;
                }
                deadline.after(LINGER_NANOS, ch::close);
                ch.read();
            });
        });
    }

    /**
     * The proxy stops (SIGTERM) or this connection's listener was removed: an idle connection
     * closes now, one with a request under way after its response (which says
     * {@code Connection: close} if its head is not sent yet). Runs on the channel's event loop.
     */
    @Override
    public void drain() {
        if (closing || lingering || ctx == null) {
            return;
        }
        Exchange e = ex;
        if (e == null) {
            closing = true;
            ctx.close();
        } else if (!e.responseStarted) {
            e.clientKeepAlive = false;
        }
    }

    private static String violationOutcome(int status) {
        return switch (status) {
            case 408 -> "request_timeout";
            case 413, 414, 431 -> "too_large";
            default -> "bad_request";
        };
    }

    private void notifyAttempt(Exchange e, Attempt a, Outcome outcome, long latency) {
        int status = outcome == Outcome.RESPONSE ? a.status : 0;
        long nanos = Math.max(0, latency);
        listener.proxy.telemetry().attemptEnded(e.cluster, a.endpoint.id(), outcome, status, nanos, a.retry);
        List<RequestObserver> observers = listener.proxy.observers();
        if (observers.isEmpty()) {
            return;
        }
        RequestObserver.Attempt record = new RequestObserver.Attempt(e.requestId(), e.cluster.name(), a.endpoint.id(),
                a.endpoint.backend().address(), outcome, status, nanos, a.retry);
        for (RequestObserver o : observers) {
            try {
                o.onAttemptEnd(record);
            } catch (RuntimeException ignored) {
                // an observer must not break the data path
            }
        }
    }

    /** The value of the affinity cookie, or null (also when it is malformed). */
    private static String cookie(RequestHead head, String name) {
        for (String header : head.headers().getAll("cookie")) {
            for (Cookie c : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (c.name().equals(name)) {
                    return c.value();
                }
            }
        }
        return null;
    }
}
