package io.sluice.config.proxy;

import io.sluice.config.HostPort;
import java.time.Duration;

/**
 * The datagram listeners: {@code protocol: udp} (a datagram proxy with a flow table) and
 * {@code protocol: coap} (the same, aware of CoAP and DTLS Connection IDs). A datagram listener
 * has no routes: every flow goes to its one {@code cluster}.
 */
public sealed interface DatagramListenerSection extends ListenerSection {
    HostPort bind();

    String cluster();

    Long maxFlows();

    Duration idleTimeout();

    /** {@code protocol: udp}. */
    record Udp(String name, HostPort bind, String cluster, Long maxFlows, Duration idleTimeout)
            implements DatagramListenerSection {
    }

    /**
     * {@code protocol: coap}.
     *
     * @param exchangeLifetime how long a confirmable message's token and message id are remembered
     *                         to recognise the device after a source-port change
     * @param dtlsCidLength    the length of the DTLS 1.2 Connection IDs the servers issue (RFC 9146);
     *                         0 or absent: DTLS records are not looked into
     */
    record Coap(String name, HostPort bind, String cluster, Long maxFlows, Duration idleTimeout,
                Duration exchangeLifetime, Long dtlsCidLength) implements DatagramListenerSection {
    }
}
