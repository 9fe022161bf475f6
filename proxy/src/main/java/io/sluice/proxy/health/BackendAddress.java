package io.sluice.proxy.health;

import java.net.InetSocketAddress;

/** Parses a backend's {@code host:port} or {@code [v6]:port} address. */
final class BackendAddress {
    private BackendAddress() {
    }

    /**
     * An unresolved address: Netty resolves it at connect time. An IP literal resolves without a
     * lookup; a host name is looked up by the JDK resolver, on the event loop.
     *
     * @throws IllegalArgumentException naming the backend, the text and the allowed form
     */
    static InetSocketAddress parse(String backendId, String address) {
        String form = "; write host:port like 10.0.0.5:8080 or [::1]:8080";
        if (address == null) {
            throw new IllegalArgumentException("backend '" + backendId + "': no address" + form);
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("backend '" + backendId + "': '" + address + "' has no port" + form);
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("backend '" + backendId + "': '" + address
                    + "' looks like an IPv6 address without brackets" + form);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65_535) {
            throw new IllegalArgumentException("backend '" + backendId + "': '" + address
                    + "' is not a valid address (port in [1, 65535])" + form);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }
}
