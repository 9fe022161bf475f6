package io.sluice.proxy.metrics;

import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.affinity.AffinityTable;

import java.util.List;

/**
 * What {@link ProxyMetrics}' callback metrics read at scrape time from the running proxy, instead
 * of the data path counting the same thing a second time: a backend's in-flight count is the one
 * its {@link io.sluice.algorithms.BackendLoad} keeps for the picker, its EWMA is the picker's
 * too, and the affinity counters are the table's own.
 *
 * <p>Called on the scraping thread; implementations read live, thread-safe state and allocate
 * only the returned lists.
 */
public interface LiveState {
    /** Every backend of every cluster now, in cluster then membership order. */
    List<BackendSample> backends();

    /** Every cluster's affinity table (clusters without one are absent). */
    List<AffinitySample> affinityTables();

    /** The access log's counters, or null when there is no access log. */
    AccessLogSample accessLog();

    /**
     * Connections to every backend of every cluster: open (connected, in use or pooled) and idle
     * (pooled, waiting for a request). Empty by default.
     */
    default List<UpstreamSample> upstreamConnections() {
        return List.of();
    }

    /** The active health checks of every backend that has them, counted since its checker started. Empty by default. */
    default List<CheckSample> healthChecks() {
        return List.of();
    }

    /**
     * One backend as the picker sees it now.
     *
     * @param inFlight    attempts sent and not yet ended ({@code BackendLoad.inFlight()})
     * @param ewmaSeconds peak-EWMA latency, decayed to now
     * @param health      the combined health the load balancer applies
     * @param weight      the effective weight (an admin override included)
     */
    record BackendSample(String cluster, String backend, int inFlight, double ewmaSeconds, HealthState health,
                         int weight) {
    }

    /** One cluster's affinity table counters. */
    record AffinitySample(String cluster, AffinityTable.AffinityStats stats) {
    }

    /** Lines of the access log written, dropped (queue full) and failed (I/O errors). */
    record AccessLogSample(long written, long dropped, long failed) {
    }

    /**
     * Connections to one backend's address over every event loop. Two clusters naming the same
     * address share the connections, and each reports them.
     */
    record UpstreamSample(String cluster, String backend, int open, int idle) {
    }

    /** Active health checks of one backend: passed, failed (connect error, bad status) and timed out. */
    record CheckSample(String cluster, String backend, long passed, long failed, long timedOut) {
    }
}
