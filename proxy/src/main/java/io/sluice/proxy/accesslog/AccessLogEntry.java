package io.sluice.proxy.accesslog;

import java.time.Instant;

/**
 * What the access log records about one request. Immutable; build one with {@link #builder()}
 * at the end of the request, on the event loop, and hand it to {@link AccessLog#log}. Any field may
 * be null (numbers 0, upstream times -1) when the request ended before it was known: a request that never reached a
 * backend has no backend id, address or cluster.
 *
 * @param time            when the request's first byte arrived, written in ISO-8601 UTC with milliseconds
 * @param requestId       the proxy's id for the request (the {@code x-request-id} it sent upstream)
 * @param clientAddress   the downstream peer, {@code ip:port}
 * @param method          the request method
 * @param path            the request target as received (path and query)
 * @param host            the {@code Host} header
 * @param status          the status sent to the client; 0 if none was sent
 * @param bytesIn         request body bytes read from the client
 * @param bytesOut        response body bytes written to the client
 * @param durationNanos   from the first request byte to the last response byte; written as
 *                        {@code duration_ms} with microsecond precision
 * @param backendId       the backend of the last attempt
 * @param backendAddress  its address
 * @param attempts        upstream attempts made (1 + retries); 0 if none
 * @param cluster         the cluster routed to
 * @param route           the route that matched
 * @param listener        the listener that accepted the request
 * @param outcome         how the request ended. Suggested vocabulary: {@code ok}, {@code no_route},
 *                        {@code no_backend}, {@code upstream_connect_failure},
 *                        {@code upstream_reset}, {@code upstream_timeout}, {@code client_closed},
 *                        {@code request_timeout}, {@code bad_request}, {@code too_large}
 * @param startMicros     when the request's head arrived, in microseconds since the Unix epoch, on the
 *                        proxy's monotonic clock anchored to the wall clock when the proxy started: the
 *                        differences between two lines are exact; written as {@code start_us}; 0 unknown
 * @param affinityKey     the session-affinity key the cluster routed by (header value, or client IP for
 *                        source affinity), or null; written as {@code affinity_key}
 * @param upstreamHeadNanos the last attempt's time from sending the request to the response head, the
 *                        backend's time to first byte; -1 when none came; written as {@code upstream_ttfb_ms}
 *                        (null when -1) with microsecond precision
 * @param upstreamNanos   the last attempt's time from sending the request to the end of the request; -1 when
 *                        nothing was sent; written as {@code upstream_ms} (null when -1)
 * @param protocol        the HTTP version the request arrived in: {@code HTTP/1.0}, {@code HTTP/1.1} or
 *                        {@code HTTP/2}
 * @param tlsVersion      the client connection's TLS version ({@code TLSv1.2}, {@code TLSv1.3}), or null
 *                        without TLS; written as {@code tls_version}
 * @param grpcStatus      the gRPC status code the call was answered with (the backend's trailers or
 *                        trailers-only response, or the proxy's own answer), -1 for a request that is not
 *                        a gRPC call; written as {@code grpc_status} (null when -1)
 */
public record AccessLogEntry(Instant time, String requestId, String clientAddress, String method, String path,
                             String host, int status, long bytesIn, long bytesOut, long durationNanos,
                             String backendId, String backendAddress, int attempts, String cluster, String route,
                             String listener, String outcome, long startMicros, String affinityKey,
                             long upstreamHeadNanos, long upstreamNanos, String protocol, String tlsVersion,
                             int grpcStatus) {

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects the fields one at a time, as the data path learns them; each setter sets the record
     * component of the same name, and unset fields stay null or 0. Not thread-safe: one request's
     * builder lives on its event loop.
     */
    public static final class Builder {
        private Instant time;
        private String requestId;
        private String clientAddress;
        private String method;
        private String path;
        private String host;
        private int status;
        private long bytesIn;
        private long bytesOut;
        private long durationNanos;
        private String backendId;
        private String backendAddress;
        private int attempts;
        private String cluster;
        private String route;
        private String listener;
        private String outcome;
        private long startMicros;
        private String affinityKey;
        private long upstreamHeadNanos = -1;
        private long upstreamNanos = -1;
        private String protocol;
        private String tlsVersion;
        private int grpcStatus = -1;

        private Builder() {
        }

        public Builder protocol(String value) {
            this.protocol = value;
            return this;
        }

        public Builder tlsVersion(String value) {
            this.tlsVersion = value;
            return this;
        }

        public Builder grpcStatus(int value) {
            this.grpcStatus = value;
            return this;
        }

        public Builder startMicros(long value) {
            this.startMicros = value;
            return this;
        }

        public Builder affinityKey(String value) {
            this.affinityKey = value;
            return this;
        }

        public Builder upstreamHeadNanos(long value) {
            this.upstreamHeadNanos = value;
            return this;
        }

        public Builder upstreamNanos(long value) {
            this.upstreamNanos = value;
            return this;
        }

        public Builder time(Instant value) {
            this.time = value;
            return this;
        }

        public Builder requestId(String value) {
            this.requestId = value;
            return this;
        }

        public Builder clientAddress(String value) {
            this.clientAddress = value;
            return this;
        }

        public Builder method(String value) {
            this.method = value;
            return this;
        }

        public Builder path(String value) {
            this.path = value;
            return this;
        }

        public Builder host(String value) {
            this.host = value;
            return this;
        }

        public Builder status(int value) {
            this.status = value;
            return this;
        }

        public Builder bytesIn(long value) {
            this.bytesIn = value;
            return this;
        }

        public Builder bytesOut(long value) {
            this.bytesOut = value;
            return this;
        }

        public Builder durationNanos(long value) {
            this.durationNanos = value;
            return this;
        }

        public Builder backendId(String value) {
            this.backendId = value;
            return this;
        }

        public Builder backendAddress(String value) {
            this.backendAddress = value;
            return this;
        }

        public Builder attempts(int value) {
            this.attempts = value;
            return this;
        }

        public Builder cluster(String value) {
            this.cluster = value;
            return this;
        }

        public Builder route(String value) {
            this.route = value;
            return this;
        }

        public Builder listener(String value) {
            this.listener = value;
            return this;
        }

        public Builder outcome(String value) {
            this.outcome = value;
            return this;
        }

        /** The entry; the builder may be reused. */
        public AccessLogEntry build() {
            return new AccessLogEntry(time, requestId, clientAddress, method, path, host, status, bytesIn, bytesOut,
                    durationNanos, backendId, backendAddress, attempts, cluster, route, listener, outcome, startMicros,
                    affinityKey, upstreamHeadNanos, upstreamNanos, protocol, tlsVersion, grpcStatus);
        }
    }
}
