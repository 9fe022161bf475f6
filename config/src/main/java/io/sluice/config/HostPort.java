package io.sluice.config;

/**
 * A {@code host:port} pair as written in a config ({@code 127.0.0.1:8080}, {@code [::1]:8080},
 * {@code api.internal:443}); the host is never resolved here.
 */
public record HostPort(String host, int port) {
    /** What an address may be, for messages. */
    public static final String FORM = "host:port, like 127.0.0.1:8080 or [::1]:8080";

    /** Parses {@code host:port} or {@code [v6]:port}; null when malformed or the port is above 65535. */
    public static HostPort parse(String text) {
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                return null;
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || t.indexOf(':') != colon) {
                return null;
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        if (host.isEmpty() || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                || !host.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-'
                || c == ':' || c == '_'))) {
            return null;
        }
        int p = Integer.parseInt(port);
        return p > 65535 ? null : new HostPort(host, p);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
