package io.sluice.algorithms.policy;

/** What {@link RetryPolicy#decide} says about a failed attempt, and why. */
public enum RetryDecision {
    /** Eligible: retry on another backend, budget allowing. */
    RETRY,
    /** Part of the response already reached the client: the only signal left is closing its connection. */
    RESPONSE_STARTED,
    /** The request has had {@code max-retries} retries. */
    NO_RETRIES_LEFT,
    /** Request body bytes were already sent upstream; they are not kept, so they cannot be sent again. */
    BODY_SENT,
    /** A timeout or bad response of a non-idempotent request (the backend may have acted on it). */
    NOT_IDEMPOTENT,
    /** A gRPC status that {@code grpc-retry-on} does not name (see {@link RetryPolicy#decideGrpcStatus}). */
    STATUS_NOT_RETRIED;

    /** True for {@link #RETRY}. */
    public boolean retry() {
        return this == RETRY;
    }
}
