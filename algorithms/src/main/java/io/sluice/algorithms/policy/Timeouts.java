package io.sluice.algorithms.policy;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;

/**
 * A cluster's attempt timeouts (the {@code timeouts} section). Each attempt, retries included, gets
 * its own, as Envoy's per-try timeout.
 *
 * <pre>
 *   connect    1s    a connection not made within this is a connect failure (1ms to 1h); in the
 *                    simulator, how long an attempt sent to a crashed backend takes to fail
 *   response   30s   the response head must arrive within this after the request was sent, else a
 *                    timeout (1ms to 24h)
 * </pre>
 *
 * @param connectNanos  the connect timeout
 * @param responseNanos the response timeout
 */
public record Timeouts(long connectNanos, long responseNanos) {
    private static final long MS = 1_000_000L;
    private static final long HOUR = 3_600_000_000_000L;
    /** {@code connect}: 1ms to 1h. */
    public static final Range CONNECT = Range.duration(MS, HOUR);
    /** {@code response}: 1ms to 24h. */
    public static final Range RESPONSE = Range.duration(MS, 24 * HOUR);
    public static final long DEFAULT_CONNECT_NANOS = 1_000_000_000L;
    public static final long DEFAULT_RESPONSE_NANOS = 30_000_000_000L;
    private static final Timeouts DEFAULTS = new Timeouts(DEFAULT_CONNECT_NANOS, DEFAULT_RESPONSE_NANOS);

    /** @throws SettingException naming the timeout out of range */
    public Timeouts {
        CONNECT.check("connect", connectNanos);
        RESPONSE.check("response", responseNanos);
    }

    /** connect 1s, response 30s. */
    public static Timeouts defaults() {
        return DEFAULTS;
    }

    @Override
    public String toString() {
        return "connect " + Durations.format(connectNanos) + ", response " + Durations.format(responseNanos);
    }
}
