package io.sluice.proxy;

import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.RequestContext;
import io.sluice.proxy.http.RequestHead;
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
    final String requestId;
    final long startNanos;
    /** The headers every attempt sends upstream, built once. */
    final HttpHeaders upstreamHeaders;
    /** The route that matched, or null. */
    final Router.Route route;
    final RequestContext affinity;
    /** The backend the request's affinity cookie names, or null. */
    final String cookieBackend;
    /** The key to look up in the cluster's affinity table (header or source affinity), or null. */
    final String affinityKey;
    final boolean idempotent;

    final Set<String> tried = new HashSet<>();
    /** Body pieces received before an upstream connection was ready; written when it is. */
    final ArrayDeque<HttpContent> pendingBody = new ArrayDeque<>();

    Attempt attempt;
    int attempts;
    int retries;
    boolean retryHeld;
    boolean dispatchPending;
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
    String lastBackend;
    String lastBackendAddress;
    /** The backend to try first: the cookie's, or the affinity table's once looked up at the first dispatch. */
    String sticky;
    /** How the exchange ended, in {@link RequestObserver.RequestEnd#outcome()}'s words; null while undecided. */
    String outcome;
    long requestBytes;
    long responseBytes;
    ScheduledFuture<?> responseTimer;

    Exchange(RequestHead head, Router.Route route, Cluster cluster, String requestId, long startNanos,
             HttpHeaders upstreamHeaders, RequestContext affinity, String cookieBackend, String affinityKey) {
        this.head = head;
        this.route = route;
        this.cluster = cluster;
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.upstreamHeaders = upstreamHeaders;
        this.affinity = affinity;
        this.cookieBackend = cookieBackend;
        this.sticky = cookieBackend;
        this.affinityKey = affinityKey;
        this.idempotent = switch (head.method().name()) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
        this.clientKeepAlive = head.keepAlive();
    }

    void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    void releasePending() {
        HttpContent c;
        while ((c = pendingBody.poll()) != null) {
            ReferenceCountUtil.release(c);
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
        UpstreamConnection connection;
        /** The connection came from the pool (it was idle, and may have been closed by the backend since). */
        boolean reused;
        /** Set for non-idempotent requests on reused connections: the request head reached the socket. */
        boolean written;
        long sentNanos;
        boolean sent;
        boolean ended;
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
