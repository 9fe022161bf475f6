package io.sluice.algorithms.ratelimit;

import java.util.List;
import java.util.Objects;

/**
 * How a limit keys its budgets: one or more {@link Part parts} joined, e.g. {@code [header
 * x-tenant]} for one budget per tenant or {@code [cidr /24, route]} for one per network and route.
 * Parts are joined with a byte that no part can contain unescaped ({@code \u0001}), so two different
 * tuples never make the same key: distinct keys never share a budget.
 *
 * @param parts at least one
 */
public record LimitKey(List<Part> parts) {
    private static final char SEPARATOR = '\u0001';

    public LimitKey {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a rate-limit key needs at least one part, one of "
                    + KeySource.configNames());
        }
    }

    /** A key of one part. */
    public static LimitKey of(Part part) {
        return new LimitKey(List.of(part));
    }

    /**
     * One part of a key.
     *
     * @param source     where the value comes from
     * @param header     the header's name, lower case, for {@link KeySource#HEADER}; otherwise null
     * @param ipv4Prefix for {@link KeySource#CIDR}: bits of an IPv4 address kept, in [0, 32]
     * @param ipv6Prefix for {@link KeySource#CIDR}: bits of an IPv6 address kept, in [0, 128]
     */
    public record Part(KeySource source, String header, int ipv4Prefix, int ipv6Prefix) {
        public Part {
            Objects.requireNonNull(source, "source");
            if (source == KeySource.HEADER && (header == null || header.isBlank())) {
                throw new IllegalArgumentException("a header key part needs the header's name");
            }
            if (ipv4Prefix < 0 || ipv4Prefix > 32) {
                throw new IllegalArgumentException("an IPv4 prefix length must be in [0, 32], got " + ipv4Prefix);
            }
            if (ipv6Prefix < 0 || ipv6Prefix > 128) {
                throw new IllegalArgumentException("an IPv6 prefix length must be in [0, 128], got " + ipv6Prefix);
            }
            header = header == null ? null : header.toLowerCase(java.util.Locale.ROOT);
        }

        /** A part that needs no argument. */
        public static Part of(KeySource source) {
            return new Part(source, null, 32, 128);
        }

        public static Part header(String name) {
            return new Part(KeySource.HEADER, name, 32, 128);
        }

        public static Part cidr(int ipv4Prefix, int ipv6Prefix) {
            return new Part(KeySource.CIDR, null, ipv4Prefix, ipv6Prefix);
        }

        @Override
        public String toString() {
            return switch (source) {
                case HEADER -> "header " + header;
                case CIDR -> "cidr /" + ipv4Prefix + " /" + ipv6Prefix;
                default -> source.configName();
            };
        }
    }

    /** The key of a request: each part's value, escaped, joined by the separator. */
    public String of(KeyInputs in) {
        StringBuilder b = new StringBuilder(32);
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                b.append(SEPARATOR);
            }
            Part p = parts.get(i);
            String v = switch (p.source()) {
                case CLIENT_IP -> address(in.clientAddress(), 32, 128);
                case CIDR -> address(in.clientAddress(), p.ipv4Prefix(), p.ipv6Prefix());
                case HEADER -> in.header(p.header());
                case ROUTE -> in.route();
                case LISTENER -> in.listener();
                case MQTT_CLIENT_ID -> in.mqttClientId();
                case CLIENT_CERT -> in.clientCertificate();
                case JWT_SUBJECT -> in.jwtSubject();
            };
            escape(b, v == null ? "" : v);
        }
        return b.toString();
    }

    /** The address masked to its prefix, as hex (4 or 16 bytes) and the prefix length. */
    static String address(byte[] a, int v4, int v6) {
        if (a == null) {
            return "";
        }
        int bits = a.length == 4 ? v4 : v6;
        StringBuilder b = new StringBuilder(a.length * 2 + 4);
        for (int i = 0; i < a.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            int mask = keep == 0 ? 0 : (0xff << (8 - keep)) & 0xff;
            int v = a[i] & mask;
            b.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 15, 16));
        }
        return b.append('/').append(bits).toString();
    }

    /** Doubles the escape byte and the separator's escape so joined parts stay unambiguous. */
    private static void escape(StringBuilder b, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == SEPARATOR || c == '\u0002') {
                b.append('\u0002');
            }
            b.append(c);
        }
    }

    @Override
    public String toString() {
        return parts.toString();
    }
}
