package io.sluice.proxy.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/**
 * One datagram listener's ({@code udp}, {@code coap}) flow and datagram counts; obtained from
 * {@link ProxyMetrics#datagram}. Thread-safe.
 */
public final class DatagramMetrics {
    private final GaugeDataPoint flows;
    private final CounterDataPoint created;
    private final CounterDataPoint evictedCapacity;
    private final CounterDataPoint expired;
    private final CounterDataPoint failed;
    private final CounterDataPoint in;
    private final CounterDataPoint out;
    private final CounterDataPoint malformed;
    private final CounterDataPoint noBackend;
    private final CounterDataPoint kept;

    DatagramMetrics(ProxyMetrics m, String listener) {
        flows = m.udpFlows.labelValues(listener);
        created = m.udpFlowsCreated.labelValues(listener);
        evictedCapacity = m.udpFlowsEnded.labelValues(listener, "evicted");
        expired = m.udpFlowsEnded.labelValues(listener, "idle");
        failed = m.udpFlowsEnded.labelValues(listener, "failed");
        in = m.udpDatagrams.labelValues(listener, "in");
        out = m.udpDatagrams.labelValues(listener, "out");
        malformed = m.udpDropped.labelValues(listener, "malformed");
        noBackend = m.udpDropped.labelValues(listener, "no_backend");
        kept = m.udpAffinity.labelValues(listener);
    }

    /** A flow was made (its first datagram picked a backend). */
    public void flowCreated() {
        created.inc();
        flows.inc();
    }

    /** The oldest flow was dropped to make room ({@code max-flows}). */
    public void flowEvicted() {
        evictedCapacity.inc();
        flows.dec();
    }

    /** A flow idled out, or its backend socket failed. */
    public void flowExpired() {
        expired.inc();
        flows.dec();
    }

    /** A flow's backend socket could not be opened or connected (a full descriptor table, say). */
    public void flowFailed() {
        failed.inc();
        flows.dec();
    }

    /** A datagram from a client was relayed to a backend. */
    public void datagramIn() {
        in.inc();
    }

    /** A datagram from a backend was relayed to its client. */
    public void datagramOut() {
        out.inc();
    }

    /** A datagram was dropped as malformed (coap: a bad header). */
    public void malformed() {
        malformed.inc();
    }

    /** A datagram was dropped because no backend was available. */
    public void noBackend() {
        noBackend.inc();
    }

    /** A new flow was sent to an earlier flow's backend (coap: DTLS Connection ID, or a token after a port change). */
    public void affinityKept() {
        kept.inc();
    }
}
