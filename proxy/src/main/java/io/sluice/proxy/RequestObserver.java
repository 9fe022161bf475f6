package io.sluice.proxy;

/**
 * Sees every request the proxy handles and every attempt it makes on a backend: the hook for
 * whatever else wants to know ({@link Proxy#addObserver}). The proxy's own metrics, access log
 * and passive outlier detection are fed directly by the data path, before any observer.
 *
 * <p>Calls come from the event loop that owns the client connection, in order for one request:
 * {@link #onRequestStart}, then one {@link #onAttemptEnd} per backend attempt, then exactly one
 * {@link #onRequestEnd}. Implementations must be fast, thread-safe across event loops and must not
 * block; an exception thrown here is swallowed so it cannot break the data path. With no observer
 * registered, the records are not even built.
 */
public interface RequestObserver {
    /** A request head was accepted and routed ({@code cluster} is null when no route matched). */
    default void onRequestStart(RequestStart start) {
    }

    /** One attempt on one backend ended, however it ended. */
    default void onAttemptEnd(Attempt attempt) {
    }

    /** A request ended: answered, failed, or abandoned by the client. */
    default void onRequestEnd(RequestEnd end) {
    }

    /** How an attempt on a backend ended. */
    enum Outcome {
        /** A complete response arrived ({@link Attempt#status()} says which). */
        RESPONSE,
        /** The connection could not be made (refused, unreachable, connect timeout). */
        CONNECT_FAILURE,
        /** The backend closed or reset the connection before the response ended. */
        RESET,
        /** No response head within the cluster's response timeout. */
        TIMEOUT,
        /** The backend broke HTTP framing or syntax. */
        BAD_RESPONSE,
        /** The client went away or sent a bad body, so the proxy dropped the attempt. */
        CANCELLED,
        /**
         * An idle pooled connection turned out closed or reset by the backend before any response
         * byte: not a failure of the backend. The request went again at once over a new
         * connection to the same backend, outside the retry budget.
         */
        STALE_CONNECTION
    }

    /**
     * @param listener      the listener name
     * @param requestId     the {@code x-request-id} the proxy forwards
     * @param clientAddress the client's {@code ip:port}
     * @param route         the name of the route that matched, or null when none did
     * @param cluster       the routed cluster, or null when no route matched
     */
    record RequestStart(String listener, String requestId, String clientAddress, String method, String host,
                        String target, String route, String cluster, long startNanos) {
    }

    /**
     * @param status       the backend's status code when {@code outcome} is RESPONSE, else 0
     * @param latencyNanos time to the response head, or to the failure when there was none
     * @param retry        true when this attempt was a retry
     */
    record Attempt(String requestId, String cluster, String backendId, String backendAddress, Outcome outcome,
                   int status, long latencyNanos, boolean retry) {
    }

    /**
     * @param clientAddress  the client's {@code ip:port}
     * @param route          the name of the route that matched, or null
     * @param backendId      the backend of the last attempt, or null
     * @param backendAddress its {@code host:port}, or null
     * @param status         the status sent to the client; 0 when none could be sent (client gone, or the
     *                       backend failed after the response had started)
     * @param outcome        how it ended, in the access log's words: {@code ok}, {@code no_route},
     *                       {@code no_backend}, {@code upstream_connect_failure}, {@code upstream_reset},
     *                       {@code upstream_timeout}, {@code upstream_bad_response}, {@code client_closed},
     *                       or for requests refused by the proxy {@code bad_request},
     *                       {@code request_timeout}, {@code too_large}
     * @param durationNanos  from the request head to the end of the response
     * @param requestBytes   request body bytes received from the client
     * @param responseBytes  response body bytes sent to the client
     * @param attempts       backend attempts made, including connect failures
     * @param affinityKey    the session-affinity key the cluster routed by (the header's value, or the
     *                       client's IP for source affinity), or null
     * @param upstreamHeadNanos the last attempt's time from sending the request to the response head
     *                       (the backend's time to first byte), or -1 when no response head came
     * @param upstreamNanos  the last attempt's time from sending the request to the end of the request
     *                       (the response's last byte, or the failure), or -1 when nothing was sent
     */
    record RequestEnd(String listener, String requestId, String clientAddress, String method, String host,
                      String target, String route, String cluster, String backendId, String backendAddress,
                      int status, String outcome, long startNanos, long durationNanos, long requestBytes,
                      long responseBytes, int attempts, String affinityKey, long upstreamHeadNanos,
                      long upstreamNanos, String protocol, String tlsVersion, int grpcStatus) {
    }
}
