package io.sluice.algorithms.policy;

/**
 * How one attempt to reach a backend failed, as both runtimes name it. A response with any status,
 * 5xx included, is not a failure here: it goes back to the client (and to outlier detection).
 */
public enum AttemptFailure {
    /** No connection: refused, unreachable, or no answer within the connect timeout (a crashed backend). */
    CONNECT_FAILURE,
    /** The connection was reset or closed before any byte of the response. */
    RESET,
    /** No response head within the response timeout. */
    TIMEOUT,
    /** The backend sent something that is not an HTTP response. */
    BAD_RESPONSE
}
