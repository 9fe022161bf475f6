package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.ReferenceCountUtil;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.RequestContext;
import io.sluice.proxy.http.HeadWriter;
import io.sluice.proxy.http.RequestHead;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * One request and its response as they cross the proxy: the state a {@link ClientConnection}
 * keeps from the request head to the end of the response. Mutable and confined to the client's
 * event loop.
 */
final class Exchange {
    final RequestHead head;
    final Cluster cluster;
    /** The client's own x-request-id when it sent a sane one, else null (then the id is {@link #idHigh}, {@link #idLow}). */
    private final String clientRequestId;
    private final long idHigh;
    private final long idLow;
    /** The request id as a String, made when first asked for (the access log, observers). */
    private String requestId;
    final long startNanos;
    /** The route that matched, or null. */
    final Router.Route route;
    final RequestContext affinity;
    /** The backend the request's affinity cookie names, or null. */
    final String cookieBackend;
    /** The key to look up in the cluster's affinity table (header or source affinity), or null. */
    final String affinityKey;
    final boolean idempotent;

    /** The first backend tried, and the set of all tried once there is more than one (a retry). */
    private String firstTried;
    private Set<String> tried;
    /** Body pieces received before an upstream connection was ready; written when it is. Made on first use. */
    private ArrayDeque<HttpContent> pendingBody;

    Attempt attempt;
    /** The cluster's adaptive concurrency limit while this exchange holds a place under it, else null. */
    io.sluice.algorithms.concurrency.AdaptiveConcurrencyLimit concurrency;
    long concurrencyStartNanos;
    /** Why the proxy answered 503 at once ({@code x-sluice-shed}), or null. */
    String shedReason;
    /** The {@code WWW-Authenticate} value of a 401 the proxy answered, or null. */
    String wwwAuthenticate;
    /** The subject of the request's verified JWT, or null. */
    String jwtSubject;
    int attempts;
    int retries;
    boolean retryHeld;
    boolean dispatchPending;
    /** A WebSocket handshake (RFC 6455 4.1): Upgrade and Connection go to the backend, and a 101 switches to a relay. */
    boolean upgrade;
    boolean continueSent;
    boolean requestComplete;
    /** Some request body byte was written upstream: the request can no longer be replayed. */
    boolean bodyStreamed;
    boolean responseStarted;
    boolean clientKeepAlive;
    boolean waitingUpstreamWritable;
    boolean waitingClientWritable;
    /** The status the client got (0 while none). */
    int status;
    /** The gRPC status the client got (response head or trailers, or the proxy's own), -1 while none. */
    int grpcStatus = -1;
    String lastBackend;
    String lastBackendAddress;
    /** The backend to try first: the cookie's, or the affinity table's once looked up at the first dispatch. */
    String sticky;
    /** How the exchange ended, in {@link RequestObserver.RequestEnd#outcome()}'s words; null while undecided. */
    String outcome;
    /** The rate limits were applied (once, before the first attempt). */
    boolean limitsPassed;
    long requestBytes;
    long responseBytes;

    // ---- gRPC (see Grpc and ClientConnection's class comment) ----
    /** A gRPC call on an HTTP/2 stream: the proxy's answers are gRPC statuses. */
    boolean grpc;
    /** The client's grpc-timeout as a {@link System#nanoTime()} deadline, valid while {@link #hasGrpcDeadline}. */
    long grpcDeadline;
    boolean hasGrpcDeadline;
    /** Fires at {@link #grpcDeadline}; cancelled when the exchange ends. */
    io.netty.util.concurrent.ScheduledFuture<?> grpcTimer;
    /** The response to the client is chunked (so it can still end with trailers). */
    boolean responseChunked;
    /** A backend's response head held back until its first body piece shows whether it is a retryable status. */
    ByteBuf heldHead;
    boolean heldChunked;
    /** Copies of the request body kept to send it again on a gRPC status retry, while {@link #replayable}. */
    private ArrayDeque<HttpContent> replay;
    private int replayBytes;
    /** Every request body piece so far is in {@link #replay}. */
    boolean replayable;

    /**
     * @param clientRequestId the client's sane x-request-id, or null to use a new random 128-bit id
     */
    Exchange(RequestHead head, Router.Route route, Cluster cluster, String clientRequestId, long startNanos,
             RequestContext affinity, String cookieBackend, String affinityKey) {
        this.head = head;
        this.route = route;
        this.cluster = cluster;
        this.clientRequestId = clientRequestId;
        this.idHigh = clientRequestId == null ? Forwarding.randomIdHalf() : 0;
        this.idLow = clientRequestId == null ? Forwarding.randomIdHalf() : 0;
        this.startNanos = startNanos;
        this.affinity = affinity;
        this.cookieBackend = cookieBackend;
        this.sticky = cookieBackend;
        this.affinityKey = affinityKey;
        this.idempotent = idempotent(head.method());
        this.clientKeepAlive = head.keepAlive();
    }

    /** RFC 9110 9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE, as {@link io.sluice.algorithms.policy.RetryPolicy#isIdempotent}, without a string. */
    static boolean idempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
                || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
    }

    /** The x-request-id forwarded upstream and returned to the client. */
    String requestId() {
        String id = requestId;
        if (id == null) {
            if (clientRequestId != null) {
                id = clientRequestId;
            } else {
                byte[] hex = new byte[32];
                HeadWriter.hex16(hex, 0, idHigh);
                HeadWriter.hex16(hex, 16, idLow);
                id = new String(hex, StandardCharsets.ISO_8859_1);
            }
            requestId = id;
        }
        return id;
    }

    /** Writes {@link #requestId()} into a head without making a String of it. */
    void writeRequestId(ByteBuf out) {
        if (requestId != null || clientRequestId != null) {
            HeadWriter.latin1(out, requestId());
        } else {
            HeadWriter.hex16(out, idHigh);
            HeadWriter.hex16(out, idLow);
        }
    }

    /** The backends tried so far (to pick another one on a retry). */
    Set<String> tried() {
        if (tried != null) {
            return tried;
        }
        return firstTried == null ? Set.of() : Set.of(firstTried);
    }

    void markTried(String backendId) {
        if (firstTried == null) {
            firstTried = backendId;
            return;
        }
        if (tried == null) {
            tried = new HashSet<>();
            tried.add(firstTried);
        }
        tried.add(backendId);
    }

    /** Keeps a body piece until an upstream connection is ready. */
    void holdBody(HttpContent c) {
        if (pendingBody == null) {
            pendingBody = new ArrayDeque<>(4);
        }
        pendingBody.add(c);
    }

    /** The next held body piece, or null. */
    HttpContent nextHeldBody() {
        return pendingBody == null ? null : pendingBody.poll();
    }

    void releasePending() {
        HttpContent c;
        while ((c = nextHeldBody()) != null) {
            ReferenceCountUtil.release(c);
        }
        dropReplay();
        if (heldHead != null) {
            heldHead.release();
            heldHead = null;
        }
    }

    /**
     * Keeps a copy of a request body piece for a replay while the whole body fits in
     * {@code limit} bytes; past it every copy is dropped and the request can no longer be replayed.
     */
    void keepForReplay(HttpContent c, int limit) {
        if (!replayable) {
            return;
        }
        replayBytes += c.content().readableBytes();
        if (replayBytes > limit) {
            dropReplay();
            return;
        }
        if (replay == null) {
            replay = new ArrayDeque<>(2);
        }
        replay.add(c.retainedDuplicate());
    }

    /** Queues the kept body again, as if just received, for the next attempt; the copies stay kept. */
    void replayBody() {
        if (replay == null) {
            return;
        }
        releaseHeldBodyOnly();
        for (HttpContent c : replay) {
            holdBody(c.retainedDuplicate());
        }
    }

    private void releaseHeldBodyOnly() {
        HttpContent c;
        while ((c = nextHeldBody()) != null) {
            ReferenceCountUtil.release(c);
        }
    }

    private void dropReplay() {
        replayable = false;
        if (replay != null) {
            for (HttpContent c : replay) {
                ReferenceCountUtil.release(c);
            }
            replay = null;
        }
    }

    /**
     * One try on one backend. The backend's load hears {@code onRequestStart} when the request is
     * sent and {@code onRequestEnd} exactly once when the attempt ends; a connect failure sends
     * nothing, so it touches neither.
     */
    static final class Attempt {
        final Endpoint endpoint;
        final boolean retry;
        ChannelFuture connecting;
        /** A stream being opened on a multiplexed connection ({@code upstream.protocol: h2c}). */
        io.netty.util.concurrent.Future<Channel> opening;
        UpstreamConnection connection;
        /** The connection came from the pool (it was idle, and may have been closed by the backend since). */
        boolean reused;
        /** Set for non-idempotent requests on reused connections: the request head reached the socket. */
        boolean written;
        long sentNanos;
        boolean sent;
        boolean ended;
        /** The connect failed in the TLS handshake ({@code upstream.tls}): 502 rather than 503 when not retried. */
        boolean tlsFailed;
        /** Time from sending to the response head; -1 while none arrived. */
        long headNanos = -1;
        int status;
        /** The backend allows reusing the connection after this response. */
        boolean reusable;

        Attempt(Endpoint endpoint, boolean retry) {
            this.endpoint = endpoint;
            this.retry = retry;
        }

        void markSent(long now) {
            sent = true;
            sentNanos = now;
            endpoint.load().onRequestStart();
        }

        /**
         * Ends the attempt once. The latency fed to peak-EWMA is the time to the response head
         * (the backend's think time, not the client's download speed), or to the failure.
         *
         * @return the latency reported, or -1 when this attempt had already ended or never sent
         */
        long end(long now, boolean success) {
            if (ended || !sent) {
                ended = true;
                return -1;
            }
            ended = true;
            long latency = headNanos >= 0 ? headNanos : now - sentNanos;
            endpoint.load().onRequestEnd(now, latency, success);
            return latency;
        }
    }
}
