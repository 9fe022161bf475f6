package io.sluice.proxy.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/** One listener's connection and byte counts; obtained from {@link ProxyMetrics#listener}. Thread-safe. */
public final class ListenerMetrics {
    private final String name;
    private final GaugeDataPoint open;
    private final CounterDataPoint accepted;
    private final CounterDataPoint received;
    private final CounterDataPoint sent;
    private final CounterDataPoint refused;
    private final GaugeDataPoint webSockets;

    ListenerMetrics(ProxyMetrics m, String name) {
        this.name = name;
        this.open = m.connections.labelValues(name);
        this.accepted = m.accepted.labelValues(name);
        this.received = m.receivedBytes.labelValues(name);
        this.sent = m.sentBytes.labelValues(name);
        this.refused = m.refused.labelValues(name);
        this.webSockets = m.webSockets.labelValues(name);
    }

    /** A connection was closed at once because the listener was full ({@code maxConnections}). */
    public void connectionRefused() {
        refused.inc();
    }

    /** The listener's name: the {@code listener} label. */
    public String name() {
        return name;
    }

    /** A downstream connection was accepted: call in {@code channelActive}. */
    public void connectionOpened() {
        accepted.inc();
        open.inc();
    }

    /** A downstream connection closed: call in {@code channelInactive}, once per opened connection. */
    public void connectionClosed() {
        open.dec();
    }

    /** A connection was upgraded to a WebSocket relay. */
    public void webSocketOpened() {
        webSockets.inc();
    }

    /** An upgraded connection closed: once per {@link #webSocketOpened}. */
    public void webSocketClosed() {
        webSockets.dec();
    }

    /** Bytes read from a client; negative or zero counts are ignored. */
    public void bytesReceived(long bytes) {
        if (bytes > 0) {
            received.inc(bytes);
        }
    }

    /** Bytes written to a client; negative or zero counts are ignored. */
    public void bytesSent(long bytes) {
        if (bytes > 0) {
            sent.inc(bytes);
        }
    }
}
