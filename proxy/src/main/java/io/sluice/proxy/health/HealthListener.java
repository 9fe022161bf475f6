package io.sluice.proxy.health;

import io.sluice.algorithms.HealthState;

/**
 * Told when active health checks move a backend up or down.
 *
 * <p>Threading: called on the event loop that owns the backend's checks, so calls for one backend
 * come in order and never concurrently; calls for different backends may come from different
 * event loops at once. It must be quick and must not block (a {@code LoadBalancer.setHealth} is
 * fine) and should not throw: an exception is caught and ignored so the checks go on.
 */
@FunctionalInterface
public interface HealthListener {

    /**
     * The backend's active health changed.
     *
     * @param backendId the backend's id
     * @param state     {@link HealthState#HEALTHY} when it came up, {@link HealthState#UNHEALTHY} when it went down
     * @param reason    human-readable: the last check's result and the HAProxy-style counter, e.g.
     *                  {@code "HTTP status 503, expected 200-399; 0/2 DOWN"}
     */
    void onTransition(String backendId, HealthState state, String reason);
}
