package io.sluice.algorithms.filter;

import java.util.Arrays;

/**
 * An address block like {@code 10.0.0.0/8} or {@code 2001:db8::/32}. Parsing takes only literal
 * addresses (no name lookup), so it does no I/O.
 *
 * @param network the address's bytes, masked to the prefix
 * @param bits    the prefix length
 */
public record Cidr(byte[] network, int bits) {

    /** The block {@code text} names, like {@code 192.0.2.0/24}; a bare address is a /32 or /128. */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] a = literal(addr);
        if (a == null) {
            throw new IllegalArgumentException("'" + text + "' is not an address block; write one like 10.0.0.0/8"
                    + " or 2001:db8::/32");
        }
        int bits;
        try {
            bits = slash < 0 ? a.length * 8 : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > a.length * 8) {
            throw new IllegalArgumentException("'" + text + "' has a prefix length out of range; 0 to " + a.length * 8);
        }
        return new Cidr(mask(a, bits), bits);
    }

    /** True when {@code address} (4 or 16 bytes) is in this block; an IPv4 block never holds an IPv6 address. */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(address, bits), network);
    }

    private static byte[] mask(byte[] a, int bits) {
        byte[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            out[i] = (byte) (out[i] & (keep == 0 ? 0 : (0xff << (8 - keep))));
        }
        return out;
    }

    /** The bytes of an IPv4 or IPv6 literal, or null; never resolves a name. */
    static byte[] literal(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            String[] p = s.split("\\.", -1);
            if (p.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (p[i].isEmpty() || p[i].length() > 3 || !p[i].chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int v = Integer.parseInt(p[i]);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':')) {
            return null;
        }
        // IPv6 without an embedded IPv4 tail: hex groups, at most one "::".
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String[] head = dbl < 0 ? s.split(":", -1) : s.substring(0, dbl).isEmpty() ? new String[0] : s.substring(0, dbl).split(":", -1);
        String[] tail = dbl < 0 ? new String[0] : s.substring(dbl + 2).isEmpty() ? new String[0] : s.substring(dbl + 2).split(":", -1);
        if (dbl < 0 && head.length != 8 || head.length + tail.length > (dbl < 0 ? 8 : 7)) {
            return null;
        }
        byte[] out = new byte[16];
        if (!groups(head, out, 0) || !groups(tail, out, 16 - 2 * tail.length)) {
            return null;
        }
        return out;
    }

    private static boolean groups(String[] g, byte[] out, int at) {
        for (String x : g) {
            if (x.isEmpty() || x.length() > 4) {
                return false;
            }
            int v = Integer.parseInt(x, 16);
            out[at++] = (byte) (v >> 8);
            out[at++] = (byte) v;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.bits == bits && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + bits;
    }

    @Override
    public String toString() {
        return Arrays.toString(network) + "/" + bits;
    }
}
