package io.sluice.proxy.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.health.EjectionReason;

import java.util.List;
import java.util.Locale;

/**
 * One backend's attempt counters, latency histogram and health counters; from
 * {@link ProxyMetrics#backend}. Its in-flight gauge is read from the live state, not kept here.
 * Thread-safe.
 */
public final class BackendMetrics {
    /** The {@code outcome} label values of {@code sluice_backend_attempts_total}. */
    public static final List<String> ATTEMPT_OUTCOMES = List.of("response", "connect_failure", "reset", "timeout",
            "bad_response", "cancelled");

    private final String cluster;
    private final String id;
    private final ProxyMetrics metrics;
    private final DistributionDataPoint duration;
    private final CounterDataPoint[] attemptsByOutcome;
    private final CounterDataPoint[] transitionsByState;
    private final CounterDataPoint[] ejectionsByReason;

    BackendMetrics(ProxyMetrics m, String cluster, String id) {
        this.cluster = cluster;
        this.id = id;
        this.metrics = m;
        this.duration = m.duration.labelValues(cluster, id);
        this.attemptsByOutcome = new CounterDataPoint[ATTEMPT_OUTCOMES.size()];
        for (int i = 0; i < attemptsByOutcome.length; i++) {
            attemptsByOutcome[i] = m.attempts.labelValues(cluster, id, ATTEMPT_OUTCOMES.get(i));
        }
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

    /**
     * An upstream attempt on this backend ended.
     *
     * @param outcome one of {@link #ATTEMPT_OUTCOMES} (another value gets its own series)
     */
    public void attemptEnded(String outcome) {
        int i = ATTEMPT_OUTCOMES.indexOf(outcome);
        if (i >= 0) {
            attemptsByOutcome[i].inc();
        } else {
            metrics.attempts.labelValues(cluster, id, outcome).inc();
        }
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
