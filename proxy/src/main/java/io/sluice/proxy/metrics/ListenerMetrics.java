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
    /** Requests by protocol, in the order of {@link #PROTOCOLS}. */
    private final CounterDataPoint[] byProtocol;

    /** The {@code protocol} label's values: the HTTP versions a request can arrive in. */
    public static final java.util.List<String> PROTOCOLS = java.util.List.of("HTTP/1.0", "HTTP/1.1", "HTTP/2");

    ListenerMetrics(ProxyMetrics m, String name) {
        this.name = name;
        this.open = m.connections.labelValues(name);
        this.accepted = m.accepted.labelValues(name);
        this.received = m.receivedBytes.labelValues(name);
        this.sent = m.sentBytes.labelValues(name);
        this.refused = m.refused.labelValues(name);
        this.webSockets = m.webSockets.labelValues(name);
        this.byProtocol = new CounterDataPoint[PROTOCOLS.size()];
        for (int i = 0; i < byProtocol.length; i++) {
            byProtocol[i] = m.requestsByProtocol.labelValues(name, PROTOCOLS.get(i));
        }
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

    /**
     * A request was answered; counted by the HTTP version it arrived in.
     *
     * @param protocol one of {@link #PROTOCOLS}; anything else is not counted
     */
    public void requestServed(String protocol) {
        int i = PROTOCOLS.indexOf(protocol);
        if (i >= 0) {
            byProtocol[i].inc();
        }
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
