package io.sluice.proxy;

/**
 * Where server-reported load enters the proxy: a backend's utilisation in [0, 1] (CPU, queue
 * occupancy, whatever the platform's Node Manager measures), stamped on arrival and read by
 * load-aware strategies such as {@code p2c-utilisation} through the backend's
 * {@link io.sluice.algorithms.BackendLoad#reportUtilisation}. The admin API feeds it today
 * ({@code POST /clusters/{c}/backends/{id}/load}); the Kafka integration will feed it from the
 * Node Manager's load topic.
 *
 * <p>Thread safety: callable from any thread. A report for a backend that has just left is dropped.
 */
@FunctionalInterface
public interface LoadReports {
    /**
     * @param utilisation in [0, 1]; values outside are clamped
     * @return false when there is no such cluster or backend (the report is dropped)
     * @throws IllegalArgumentException when {@code utilisation} is NaN
     */
    boolean report(String cluster, String backendId, double utilisation);
}
