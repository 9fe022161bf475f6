package io.sluice.algorithms.health;

/** Which outlier rule found a backend to be an outlier. */
public enum EjectionReason {
    /** {@code consecutive-5xx} failures in a row (Envoy's {@code CONSECUTIVE_5XX}). */
    CONSECUTIVE_5XX,
    /** {@code consecutive-gateway-failure} gateway errors in a row (Envoy's {@code CONSECUTIVE_GATEWAY_FAILURE}). */
    CONSECUTIVE_GATEWAY_FAILURE,
    /** Peak-EWMA latency above {@code latency-factor} times the cluster's median at an interval sweep. */
    LATENCY
}
