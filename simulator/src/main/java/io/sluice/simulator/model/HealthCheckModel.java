package io.sluice.simulator.model;

import java.util.Objects;

/**
 * Active health checking by every load balancer instance: each instance checks each backend every
 * {@link #intervalNanos()} (the first check of each backend at a random offset within the first
 * interval, so checks do not fire in lockstep) and feeds the result to its own
 * {@link HealthCheckPolicy.Tracker}.
 *
 * <p>A check is answered after the network round trip plus {@link #checkWorkNanos()} of work at the
 * backend's current speed (a slowdown makes checks slower), plus the rest of any stall in
 * progress. It fails when that exceeds {@link #timeoutNanos()} (the failure is known at the
 * timeout) or when the backend is crashed. The outcome is decided when the check is sent: a crash
 * during a check in flight shows at the next check. Checks do not queue behind requests.
 */
public final class HealthCheckModel {
    private final long intervalNanos;
    private final long timeoutNanos;
    private final long checkWorkNanos;
    private final HealthCheckPolicy policy;

    /**
     * @param intervalNanos  time between two checks of one backend by one instance, &gt; 0
     * @param timeoutNanos   a check not answered within this fails, &gt; 0
     * @param checkWorkNanos work to answer a check at speed 1, &gt;= 0
     * @param policy         turns results into health (see the TODO(health-merge) there)
     */
    public HealthCheckModel(long intervalNanos, long timeoutNanos, long checkWorkNanos, HealthCheckPolicy policy) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("health check interval must be > 0 ns, got " + intervalNanos);
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("health check timeout must be > 0 ns, got " + timeoutNanos);
        }
        if (checkWorkNanos < 0) {
            throw new IllegalArgumentException("health check work must be >= 0 ns, got " + checkWorkNanos);
        }
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
        this.checkWorkNanos = checkWorkNanos;
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public long intervalNanos() {
        return intervalNanos;
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    public long checkWorkNanos() {
        return checkWorkNanos;
    }

    public HealthCheckPolicy policy() {
        return policy;
    }

    @Override
    public String toString() {
        return "health checks every " + intervalNanos + "ns, timeout " + timeoutNanos + "ns";
    }
}
