package io.sluice.simulator.model;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.CheckResult;
import io.sluice.algorithms.health.HealthCheckConfig;
import java.util.Objects;

/**
 * Active health checking by every load balancer instance, with the very state machine the proxy
 * runs: one {@link ActiveHealthCheck} per (instance, backend), HAProxy's {@code rise}/{@code fall}
 * counter, configured by a {@link HealthCheckConfig}. Immutable.
 *
 * <p>Schedule (HAProxy's {@code process_chk}, which sets the next expiry to
 * {@code now + srv_getinter(check)} when a check ends): each instance checks each backend once,
 * waits for the result, then waits the interval the state machine names after that result:
 * {@code inter} while fully up, {@code downinter} while fully down, {@code fastinter} in between.
 * The first check of each (instance, backend) is sent at a random offset within the first such
 * interval, so the checks of a fleet do not fire in lockstep.
 *
 * <p>A check is answered after the network round trip plus {@link #checkWorkNanos()} of work at
 * the backend's current speed (a slowdown makes checks slower), plus the rest of any stall in
 * progress. When that exceeds {@link #timeoutNanos()}, or the backend is crashed (it answers
 * nothing), the result is {@link CheckResult#TIMEOUT}, known at the timeout; otherwise
 * {@link CheckResult#PASS}. The model has no answered-but-wrong check ({@link CheckResult#FAIL}):
 * checks do not queue behind requests, and a crashed backend is a black hole. The outcome is
 * decided when the check is sent: a crash during a check in flight shows at the next check.
 *
 * <p>Worked example, {@code rise 2 fall 3 inter 100ms timeout 50ms} starting fully up, zero
 * network delay, a backend crashing at {@code T} whose next check goes out at {@code t >= T}:
 * three checks in a row time out, at {@code t + 50}, {@code t + 200}, {@code t + 350} ms
 * (each 50 ms timeout followed by 100 ms of {@code fastinter}), so the backend keeps receiving
 * requests until {@code t + 350 ms}, between 350 and 450 ms after the crash.
 */
public final class HealthCheckModel {
    private final HealthCheckConfig checks;
    private final long timeoutNanos;
    private final long checkWorkNanos;

    /**
     * @param checks         rise, fall, inter, fastinter, downinter and the initial state
     * @param timeoutNanos   a check not answered within this times out, &gt; 0
     * @param checkWorkNanos work to answer a check at speed 1, &gt;= 0
     */
    public HealthCheckModel(HealthCheckConfig checks, long timeoutNanos, long checkWorkNanos) {
        this.checks = Objects.requireNonNull(checks, "checks");
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("health check timeout must be > 0 ns, got " + timeoutNanos);
        }
        if (checkWorkNanos < 0) {
            throw new IllegalArgumentException("health check work must be >= 0 ns, got " + checkWorkNanos);
        }
        this.timeoutNanos = timeoutNanos;
        this.checkWorkNanos = checkWorkNanos;
    }

    /**
     * HAProxy's defaults for what {@code checks} leaves open: the timeout is {@code inter} (HAProxy
     * uses {@code inter} when {@code timeout check} is not set) and a check costs no work.
     */
    public static HealthCheckModel of(HealthCheckConfig checks) {
        return new HealthCheckModel(checks, Objects.requireNonNull(checks, "checks").interNanos(), 0);
    }

    /** The state machine's settings. */
    public HealthCheckConfig checks() {
        return checks;
    }

    /** The steady-state interval, {@code inter}: {@code checks().interNanos()}. */
    public long intervalNanos() {
        return checks.interNanos();
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    public long checkWorkNanos() {
        return checkWorkNanos;
    }

    @Override
    public String toString() {
        return "health checks " + checks + " timeout " + Durations.format(timeoutNanos)
                + (checkWorkNanos > 0 ? " work " + Durations.format(checkWorkNanos) : "");
    }
}
