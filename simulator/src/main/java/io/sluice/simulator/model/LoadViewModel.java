package io.sluice.simulator.model;

import io.sluice.algorithms.Durations;
import java.util.Objects;

/**
 * The load view the load-balancer instances share through the control plane (docs/kafka.md, "One load
 * view across instances"), as the simulator models it. Every {@link #intervalNanos()} each instance
 * publishes its own in-flight count of every backend; a report reaches the other instances after
 * {@link #delay()} plus {@link #consumerLagNanos()}, and counts there (added to their own counts, as
 * {@code BackendLoad.setRemoteInFlight}) until {@link #stalenessNanos()} after it was made. During the
 * outage nothing is delivered: a report due inside it arrives at its end, and counts only if still
 * fresh; the backends' utilisation reports ({@link LoadBalancerModel#utilisationReportIntervalNanos()})
 * travel the same channel and are lost during the outage.
 *
 * <p>{@code interval} and {@code staleness} are the proxy's {@code kafka.load-view.interval} and
 * {@code .staleness}, same meaning, same names in the scenario file. Immutable.
 */
public final class LoadViewModel {
    private final long intervalNanos;
    private final long stalenessNanos;
    private final Distribution delay;
    private final long consumerLagNanos;
    private final long outageAtNanos;
    private final long outageNanos;

    /**
     * @param intervalNanos    &gt; 0: how often each instance publishes
     * @param stalenessNanos   &gt; interval: how long a report counts after it was made
     * @param delay            report produced to consumed, drawn once per report
     * @param consumerLagNanos &gt;= 0, added to every delivery
     * @param outageAtNanos    when the outage starts (ignored when {@code outageNanos} is 0)
     * @param outageNanos      &gt;= 0: how long nothing is delivered; 0 = no outage
     */
    public LoadViewModel(long intervalNanos, long stalenessNanos, Distribution delay, long consumerLagNanos,
                         long outageAtNanos, long outageNanos) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("load-view interval must be > 0, got " + intervalNanos + " ns");
        }
        if (stalenessNanos <= intervalNanos) {
            throw new IllegalArgumentException("load-view staleness (" + Durations.format(stalenessNanos)
                    + ") must be longer than the interval (" + Durations.format(intervalNanos) + ")");
        }
        if (consumerLagNanos < 0 || outageAtNanos < 0 || outageNanos < 0) {
            throw new IllegalArgumentException("load-view consumer lag, outage start and length must be >= 0");
        }
        this.intervalNanos = intervalNanos;
        this.stalenessNanos = stalenessNanos;
        this.delay = Objects.requireNonNull(delay, "delay");
        this.consumerLagNanos = consumerLagNanos;
        this.outageAtNanos = outageAtNanos;
        this.outageNanos = outageNanos;
    }

    public long intervalNanos() {
        return intervalNanos;
    }

    public long stalenessNanos() {
        return stalenessNanos;
    }

    public Distribution delay() {
        return delay;
    }

    public long consumerLagNanos() {
        return consumerLagNanos;
    }

    /** Whether the channel is down at {@code nanos}: in [at, at + duration). */
    public boolean inOutage(long nanos) {
        return outageNanos > 0 && nanos >= outageAtNanos && nanos - outageAtNanos < outageNanos;
    }

    /** When the outage ends (meaningless without one). */
    public long outageEndNanos() {
        return outageAtNanos + outageNanos;
    }

    @Override
    public String toString() {
        return "load view every " + Durations.format(intervalNanos) + " (stale after "
                + Durations.format(stalenessNanos) + ", delay " + delay.describe()
                + (consumerLagNanos > 0 ? " + lag " + Durations.format(consumerLagNanos) : "")
                + (outageNanos > 0 ? ", outage " + Durations.format(outageAtNanos) + " for "
                + Durations.format(outageNanos) : "") + ")";
    }
}
