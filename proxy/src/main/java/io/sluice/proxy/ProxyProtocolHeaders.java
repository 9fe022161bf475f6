package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header a relay writes first on its backend connection, saying who the client
 * is (HAProxy's proxy-protocol.txt, version 1 text or version 2 binary, command PROXY over TCP).
 */
final class ProxyProtocolHeaders {
    /** The v2 signature: \r\n\r\n\0\r\nQUIT\n. */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyProtocolHeaders() {
    }

    /**
     * The header for {@code client}'s connection in {@code version} ({@code none}, {@code v1},
     * {@code v2}), or null for none. The source is the client's address ({@link ProxyProtocolLayer#clientAddress}:
     * the one a fronting balancer's header gave, if any), the destination the listener's.
     */
    static ByteBuf header(String version, Channel client, ByteBufAllocator alloc) {
        if (version == null || "none".equals(version)
                || !(ProxyProtocolLayer.clientAddress(client) instanceof InetSocketAddress src)
                || !(client.localAddress() instanceof InetSocketAddress dst)) {
            return null;
        }
        boolean v4 = src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address;
        byte[] s = v4 ? src.getAddress().getAddress() : v6(src);
        byte[] d = v4 ? dst.getAddress().getAddress() : v6(dst);
        if ("v1".equals(version)) {
            String line = "PROXY " + (v4 ? "TCP4 " : "TCP6 ") + src.getAddress().getHostAddress() + " "
                    + dst.getAddress().getHostAddress() + " " + src.getPort() + " " + dst.getPort() + "\r\n";
            if (!v4) {
                line = "PROXY TCP6 " + toV6(s).getHostAddress() + " "
                        + toV6(d).getHostAddress() + " " + src.getPort() + " "
                        + dst.getPort() + "\r\n";
            }
            return alloc.buffer(line.length()).writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        }
        ByteBuf b = alloc.buffer(16 + 36);
        b.writeBytes(V2_SIGNATURE);
        b.writeByte(0x21); // version 2, command PROXY
        b.writeByte(v4 ? 0x11 : 0x21); // AF_INET or AF_INET6, STREAM
        b.writeShort(2 * s.length + 4);
        b.writeBytes(s).writeBytes(d);
        b.writeShort(src.getPort()).writeShort(dst.getPort());
        return b;
    }

    /** The address as 16 bytes (an IPv4 one mapped, ::ffff:a.b.c.d), for a header that mixes families. */
    private static byte[] v6(InetSocketAddress a) {
        byte[] raw = a.getAddress().getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(raw, 0, out, 12, 4);
        return out;
    }

    private static java.net.InetAddress toV6(byte[] sixteen) {
        try {
            return java.net.Inet6Address.getByAddress(null, sixteen, -1);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
