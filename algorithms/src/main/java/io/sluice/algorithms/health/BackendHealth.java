package io.sluice.algorithms.health;

import io.sluice.algorithms.HealthState;

/**
 * The three opinions about one backend and the one {@link HealthState} they add up to. Immutable;
 * the rule is a pure function, and it is the only place the rule is written: the proxy's cluster
 * health and every simulated load-balancer instance combine their opinions through a
 * {@link HealthAggregator}, which applies it.
 *
 * <pre>
 *   draining                  -&gt; DRAINING    an operator's decision outranks every signal
 *   else not activeUp         -&gt; UNHEALTHY   active checks failing: the backend is down, ejected or not
 *   else ejected              -&gt; EJECTED     checks pass but real traffic fails: out for a while
 *   else                      -&gt; HEALTHY
 * </pre>
 *
 * Why this order: {@code UNHEALTHY} outranks {@code EJECTED} because an ejection ends by itself
 * after its ejection time while a failed check ends only when checks pass again; reporting
 * EJECTED for a backend that is also down would let the ejection's end put a dead backend back
 * in rotation. A backend is HEALTHY only when active checks say up AND it is not ejected AND not
 * draining. With no active checks configured, {@code activeUp} simply stays true.
 *
 * @param activeUp the active checks say up (true when there are none)
 * @param ejected  passive outlier detection has ejected it
 * @param draining an operator is draining it
 */
public record BackendHealth(boolean activeUp, boolean ejected, boolean draining) {

    /** A backend that just joined: up, not ejected, not draining (a load balancer adds backends healthy). */
    public static final BackendHealth INITIAL = new BackendHealth(true, false, false);

    /** The combined state, by the rule above. */
    public HealthState state() {
        if (draining) {
            return HealthState.DRAINING;
        }
        if (!activeUp) {
            return HealthState.UNHEALTHY;
        }
        return ejected ? HealthState.EJECTED : HealthState.HEALTHY;
    }

    /** A copy with {@code activeUp} replaced. */
    public BackendHealth withActiveUp(boolean up) {
        return new BackendHealth(up, ejected, draining);
    }

    /** A copy with {@code ejected} replaced. */
    public BackendHealth withEjected(boolean isEjected) {
        return new BackendHealth(activeUp, isEjected, draining);
    }

    /** A copy with {@code draining} replaced. */
    public BackendHealth withDraining(boolean isDraining) {
        return new BackendHealth(activeUp, ejected, isDraining);
    }
}
