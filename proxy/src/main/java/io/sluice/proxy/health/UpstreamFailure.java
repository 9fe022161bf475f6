package io.sluice.proxy.health;

/**
 * How an upstream attempt failed without an HTTP response. All three count as Envoy's local-origin
 * failures ({@link io.sluice.algorithms.health.RequestOutcome#LOCAL_ORIGIN_FAILURE}): they advance
 * both the consecutive-5xx and the consecutive-gateway-failure counters.
 */
public enum UpstreamFailure {
    /** The connection could not be established (refused, unreachable, connect timeout). */
    CONNECT_FAILURE,
    /** The connection was reset or closed before a complete response. */
    RESET,
    /** No response header within the cluster's response timeout. */
    TIMEOUT
}
