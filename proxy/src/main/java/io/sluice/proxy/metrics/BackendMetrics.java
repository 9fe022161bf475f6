package io.sluice.proxy.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.health.EjectionReason;

import java.util.Locale;

/** One backend's in-flight gauge, latency histogram and health counters; from {@link ProxyMetrics#backend}. Thread-safe. */
public final class BackendMetrics {
    private final String cluster;
    private final String id;
    private final GaugeDataPoint inFlight;
    private final DistributionDataPoint duration;
    private final CounterDataPoint[] transitionsByState;
    private final CounterDataPoint[] ejectionsByReason;

    BackendMetrics(ProxyMetrics m, String cluster, String id) {
        this.cluster = cluster;
        this.id = id;
        this.inFlight = m.inFlight.labelValues(cluster, id);
        this.duration = m.duration.labelValues(cluster, id);
        HealthState[] states = HealthState.values();
        this.transitionsByState = new CounterDataPoint[states.length];
        for (HealthState s : states) {
            transitionsByState[s.ordinal()] = m.healthTransitions.labelValues(cluster, id, label(s));
        }
        EjectionReason[] reasons = EjectionReason.values();
        this.ejectionsByReason = new CounterDataPoint[reasons.length];
        for (EjectionReason r : reasons) {
            ejectionsByReason[r.ordinal()] = m.ejections.labelValues(cluster, id, label(r));
        }
    }

    /** The {@code cluster} label. */
    public String cluster() {
        return cluster;
    }

    /** The backend's id: the {@code backend} label. */
    public String id() {
        return id;
    }

    /** An attempt was sent to this backend: pair with {@link #attemptEnded()}, however it ends. */
    public void attemptStarted() {
        inFlight.inc();
    }

    /** An attempt to this backend ended. */
    public void attemptEnded() {
        inFlight.dec();
    }

    /** The backend's combined health changed to {@code state}. */
    public void healthTransition(HealthState state) {
        transitionsByState[state.ordinal()].inc();
    }

    /** Outlier detection ejected the backend. */
    public void ejected(EjectionReason reason) {
        ejectionsByReason[reason.ordinal()].inc();
    }

    void observe(long durationNanos) {
        duration.observe(Math.max(0L, durationNanos) / 1e9);
    }

    /** {@code healthy}, {@code unhealthy}, {@code ejected}, {@code draining}. */
    static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
