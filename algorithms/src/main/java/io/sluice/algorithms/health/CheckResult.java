package io.sluice.algorithms.health;

/**
 * The outcome of one active health check, as the prober reports it. HAProxy counts a timeout as a
 * failed check ({@code L4TOUT}, {@code L7TOUT} are failures); it is a separate value here only so
 * that the caller's statistics can tell the two apart.
 */
public enum CheckResult {
    /** The backend answered as expected. */
    PASS,
    /** The backend answered wrongly, refused the connection or reset it. */
    FAIL,
    /** The backend did not answer within the check timeout. */
    TIMEOUT;

    /** True for {@link #PASS}; {@link #FAIL} and {@link #TIMEOUT} both count against the backend. */
    public boolean passed() {
        return this == PASS;
    }
}
