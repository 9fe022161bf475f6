package io.sluice.config.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block written as {@code address/prefix} ({@code 10.0.0.0/8}, {@code ::1/128}); a bare
 * address is its own block. Only numeric addresses: a name is refused (no DNS at config time).
 *
 * @param network the block's address, host bits cleared
 * @param prefix  leading bits that must match
 */
public record Cidr(byte[] network, int prefix) {
    /**
     * @throws IllegalArgumentException naming the text and the form expected
     */
    public static Cidr parse(String text) {
        String form = "a CIDR block like 10.0.0.0/8, 192.168.1.10/32 or ::1/128";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an empty entry; " + form);
        }
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        boolean numeric = addr.contains(":") || addr.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        if (!numeric || addr.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not " + form);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + form);
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "': the prefix must be a whole number from 0 to "
                        + bits);
            }
        }
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
        return new Cidr(bytes, prefix);
    }

    /** True when {@code address} is in this block (an IPv4-mapped IPv6 address counts as IPv4). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = java.util.Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            int mask = (0xff << (8 - keep)) & 0xff;
            if ((a[i] & mask) != (network[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
