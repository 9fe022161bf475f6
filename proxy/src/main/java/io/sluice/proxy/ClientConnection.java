package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.ReferenceCountUtil;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.RequestContext;
import io.sluice.proxy.Exchange.Attempt;
import io.sluice.proxy.RequestObserver.Outcome;
import io.sluice.proxy.config.ProxyConfig;
import io.sluice.proxy.config.ProxyConfig.PersistenceMode;
import io.sluice.proxy.http.BodyKind;
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
 * another backend (never one already tried) is picked when the request can be replayed and the
 * cluster's {@code retries} allow it. Replayable means no request body byte was written upstream
 * yet: a streamed body is not kept, so it cannot be sent twice. Connect failures are retried
 * whatever the method; resets before any response byte are retried within the retry budget;
 * response timeouts and bad responses only for idempotent methods when {@code idempotentOnly}.
 * Out of attempts: 503 after connect failures, 504 after a timeout, 502 otherwise. Once response
 * bytes reached the client, a failure can only close the client connection.
 *
 * <h2>Expect: 100-continue</h2>
 * Answered by the proxy itself, once a backend connection is ready (so a request that will be
 * refused, 404 or 503, gets its final status instead and never sends the body); the Expect
 * header is not forwarded.
 *
 * <p>Not thread-safe: everything runs on the channel's event loop.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements ResponseSink {
    private static final String PROTO = "http";
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ListenerState listener;
    private final RequestDecoder decoder;
    private final ProxyResponseEncoder encoder;
    private final Environment env = Environment.system();
    private ChannelHandlerContext ctx;
    private UpstreamPool pool;
    private String clientIp = "unknown";
    private String clientAddress = "unknown";
    private boolean closing;
    /** Our side is shut; what the client still sends is read and dropped until it closes or time runs out. */
    private boolean lingering;
    /** The client sent its FIN: nothing more will be read. */
    private boolean inputShut;
    private Exchange ex;

    ClientConnection(ListenerState listener, RequestDecoder decoder, ProxyResponseEncoder encoder) {
        this.listener = listener;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress isa && isa.getAddress() != null) {
            clientIp = isa.getAddress().getHostAddress();
            clientAddress = (clientIp.indexOf(':') >= 0 ? "[" + clientIp + "]" : clientIp) + ":" + isa.getPort();
        }
        pool = listener.proxy.pool(ctx.channel().eventLoop());
        if (listener.draining) {
            // Accepted just as the listener began to drain, too late to be asked to: nothing is under way.
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
        String requestId = Forwarding.requestId(head);
        RequestContext affinity = RequestContext.NONE;
        String cookieBackend = null;
        String affinityKey = null;
        HttpHeaders upstream = null;
        if (cluster != null) {
            ProxyConfig.SessionPersistence sp = cluster.config().sessionPersistence();
            String key = switch (sp.mode()) {
                case HEADER -> head.headers().get(sp.name());
                case SOURCE -> clientIp;
                default -> null;
            };
            if (sp.mode() == PersistenceMode.COOKIE) {
                cookieBackend = cookie(head, sp.name());
            } else if (key != null && cluster.usesAffinityTable()) {
                affinityKey = key;
            } else if (key != null) {
                affinity = RequestContext.ofKey(key);
            }
            upstream = Forwarding.upstreamRequest(head, clientIp, PROTO, requestId);
            cluster.requestStarted();
        }
        Exchange e = new Exchange(head, route, cluster, requestId, System.nanoTime(), upstream, affinity,
                cookieBackend, affinityKey);
        if (listener.draining) {
            e.clientKeepAlive = false;
        }
        e.dispatchPending = true;
        ex = e;
        encoder.headRequest(head.method().equals(HttpMethod.HEAD));
        List<RequestObserver> observers = listener.proxy.observers();
        if (observers.isEmpty()) {
            return;
        }
        RequestObserver.RequestStart start = new RequestObserver.RequestStart(listener.name, requestId, clientAddress,
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
            e.pendingBody.add(c);
        } else {
            c.release();
        }
    }

    private void onViolation(HttpViolation v) {
        Exchange e = ex;
        if (e == null) {
            encoder.headRequest(false);
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
        if (e.cluster == null) {
            e.outcome = "no_route";
            respondLocal(e, HttpResponseStatus.NOT_FOUND, "no route matches this request");
            return;
        }
        if (e.affinityKey != null && e.attempts == 0) {
            e.sticky = e.cluster.affinityBackend(e.affinityKey);
        }
        Endpoint endpoint = e.cluster.choose(e.affinity, e.sticky, e.tried, env);
        if (endpoint == null) {
            if (e.attempts == 0) {
                e.outcome = "no_backend";
            }
            respondLocal(e, ifNone, e.attempts == 0 ? "no backend available" : "no other backend to try");
            return;
        }
        e.tried.add(endpoint.id());
        Attempt a = new Attempt(endpoint, e.attempts > 0);
        e.attempts++;
        e.attempt = a;
        e.lastBackend = endpoint.id();
        e.lastBackendAddress = endpoint.backend().address();
        InetSocketAddress address = e.cluster.address(endpoint.id());
        if (address == null) {
            attemptFailed(e, a, Outcome.CONNECT_FAILURE);
            return;
        }
        UpstreamConnection pooled = pool.poll(address);
        if (pooled != null) {
            send(e, a, pooled);
            return;
        }
        ChannelFuture f = pool.connect(address, e.cluster.config().timeouts().connectNanos());
        a.connecting = f;
        f.addListener((ChannelFutureListener) cf -> {
            a.connecting = null;
            if (ex != e || e.attempt != a || a.ended) {
                cf.channel().close();
                return;
            }
            if (cf.isSuccess()) {
                send(e, a, cf.channel().pipeline().get(UpstreamConnection.class));
            } else {
                attemptFailed(e, a, Outcome.CONNECT_FAILURE);
            }
        });
    }

    private void send(Exchange e, Attempt a, UpstreamConnection conn) {
        a.connection = conn;
        conn.bind(this);
        a.markSent(System.nanoTime());
        if (e.head.expectContinue() && !e.continueSent) {
            e.continueSent = true;
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER), ctx.voidPromise());
        }
        conn.send(new DefaultHttpRequest(HttpVersion.HTTP_1_1, e.head.method(), e.head.target(), e.upstreamHeaders),
                e.head.method().equals(HttpMethod.HEAD));
        HttpContent c;
        boolean lastSent = false;
        while ((c = e.pendingBody.poll()) != null) {
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
        e.cancelResponseTimer();
        Attempt a = e.attempt;
        e.responseTimer = ctx.executor().schedule(() -> {
            e.responseTimer = null;
            if (ex == e && e.attempt == a && a.headNanos < 0 && !a.ended) {
                attemptFailed(e, a, Outcome.TIMEOUT);
            }
        }, e.cluster.config().timeouts().responseNanos(), TimeUnit.NANOSECONDS);
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
        e.cancelResponseTimer();
        a.headNanos = System.nanoTime() - a.sentNanos;
        a.status = rh.status().code();
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
        HttpHeaders h = Forwarding.clientResponse(rh, chunked);
        if (!e.clientKeepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ProxyConfig.SessionPersistence sp = e.cluster.config().sessionPersistence();
        if (sp.mode() == PersistenceMode.COOKIE && !a.endpoint.id().equals(e.cookieBackend)) {
            h.add(HttpHeaderNames.SET_COOKIE, sp.name() + "=" + a.endpoint.id() + "; Path=/; HttpOnly");
        }
        if (!h.contains(Forwarding.REQUEST_ID)) {
            h.set(Forwarding.REQUEST_ID, e.requestId);
        }
        e.status = a.status;
        e.responseStarted = true;
        ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, rh.status(), h), ctx.voidPromise());
    }

    @Override
    public void onResponseContent(UpstreamConnection from, HttpContent c) {
        Exchange e = ex;
        Attempt a = e == null ? null : e.attempt;
        if (a == null || a.connection != from || !e.responseStarted) {
            c.release();
            from.close();
            return;
        }
        e.responseBytes += c.content().readableBytes();
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
        ctx.flush();
        Exchange e = ex;
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
        e.cancelResponseTimer();
        if (a.connection != null) {
            a.connection.close();
            a.connection = null;
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
            abortClient(e);
            return;
        }
        HttpResponseStatus status = switch (outcome) {
            case CONNECT_FAILURE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case TIMEOUT -> HttpResponseStatus.GATEWAY_TIMEOUT;
            default -> HttpResponseStatus.BAD_GATEWAY;
        };
        if (mayRetry(e, outcome)) {
            e.retries++;
            dispatch(e, status);
        } else {
            respondLocal(e, status, switch (outcome) {
                case CONNECT_FAILURE -> "could not connect to a backend";
                case TIMEOUT -> "the backend did not answer in time";
                case BAD_RESPONSE -> "the backend sent an invalid response";
                default -> "the backend closed the connection";
            });
        }
    }

    /** See the class comment: what may be retried, and the budget. Takes a budget place when it says yes. */
    private boolean mayRetry(Exchange e, Outcome outcome) {
        ProxyConfig.Retries policy = e.cluster.config().retries();
        if (e.retries >= policy.attempts() || e.bodyStreamed || !ctx.channel().isActive()) {
            return false;
        }
        switch (outcome) {
            case CONNECT_FAILURE:
                return true;
            case RESET:
                break;
            case TIMEOUT:
            case BAD_RESPONSE:
                if (policy.idempotentOnly() && !e.idempotent) {
                    return false;
                }
                break;
            default:
                return false;
        }
        if (!e.cluster.tryStartRetry()) {
            return false;
        }
        e.retryHeld = true;
        return true;
    }

    /** Drops the attempt under way (the client left or broke the request). */
    private void cancelAttempt(Exchange e) {
        e.cancelResponseTimer();
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
        notifyAttempt(e, a, Outcome.CANCELLED, latency);
    }

    // ---- answers and endings ----

    /** Answers with a proxy-made response; {@code e} is null for a request refused before its head was accepted. */
    private void respondLocal(Exchange e, HttpResponseStatus status, String reason) {
        ByteBuf body = Unpooled.copiedBuffer(status.code() + " " + status.reasonPhrase() + ": " + reason + "\n",
                StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (status.code() == 503) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        if (e != null) {
            r.headers().set(Forwarding.REQUEST_ID, e.requestId);
            if (!e.requestComplete) {
                e.clientKeepAlive = false;
            }
            if (!e.clientKeepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            e.status = status.code();
            e.responseStarted = true;
            ctx.write(r, ctx.voidPromise());
            end(e);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.write(r, ctx.voidPromise());
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
        e.cancelResponseTimer();
        e.releasePending();
        if (e.retryHeld) {
            e.cluster.retryEnded();
            e.retryHeld = false;
        }
        if (e.cluster != null) {
            e.cluster.requestEnded();
        }
        long duration = System.nanoTime() - e.startNanos;
        int status = closing && !e.responseStarted ? 0 : e.status;
        Telemetry telemetry = listener.proxy.telemetry();
        telemetry.requestEnded(listener, e.route, e.cluster, e.lastBackend, status, duration, e.requestBytes,
                e.responseBytes);
        List<RequestObserver> observers = listener.proxy.observers();
        boolean logging = telemetry.logging();
        if (logging || !observers.isEmpty()) {
            String outcome = e.outcome != null ? e.outcome : status == 0 ? "client_closed" : "ok";
            RequestObserver.RequestEnd record = new RequestObserver.RequestEnd(listener.name, e.requestId,
                    clientAddress, e.head.method().name(), e.head.host(), e.head.target(),
                    e.route == null ? null : e.route.name(), e.cluster == null ? null : e.cluster.name(),
                    e.lastBackend, e.lastBackendAddress, status, outcome, e.startNanos, duration, e.requestBytes,
                    e.responseBytes, e.attempts, e.affinityKey != null ? e.affinityKey : e.affinity.affinityKey(),
                    e.attempt == null ? -1 : e.attempt.headNanos,
                    e.attempt == null || !e.attempt.sent ? -1 : System.nanoTime() - e.attempt.sentNanos);
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
        if (!ctx.channel().isActive()) {
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
            decoder.discard();
            duplex.shutdownOutput().addListener(x -> {
                if (!x.isSuccess()) {
                    ch.close();
                    return;
                }
                ch.eventLoop().schedule(() -> {
                    ch.close();
                }, LINGER_NANOS, TimeUnit.NANOSECONDS);
                ch.read();
            });
        });
    }

    /**
     * The proxy stops (SIGTERM) or this connection's listener was removed: an idle connection
     * closes now, one with a request under way after its response (which says
     * {@code Connection: close} if its head is not sent yet). Runs on the channel's event loop.
     */
    void drain() {
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
        RequestObserver.Attempt record = new RequestObserver.Attempt(e.requestId, e.cluster.name(), a.endpoint.id(),
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
        for (String header : head.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (c.name().equals(name)) {
                    return c.value();
                }
            }
        }
        return null;
    }
}
