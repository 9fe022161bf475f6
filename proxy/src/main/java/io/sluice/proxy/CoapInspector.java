package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;

/**
 * What the {@code coap} listener reads from a datagram before relaying it: whether it is a
 * well-formed CoAP message (RFC 7252 3) or a DTLS record (RFC 6347 4.1), and the keys that let a
 * device keep its server when its address changes.
 *
 * <p>A datagram whose first byte is a DTLS content type (20 to 25) followed by a DTLS version
 * (0xFE..) is a DTLS record (CoAP's version bits, 01, never give such a byte). With
 * {@code dtls-cid-length} set, a {@code tls12_cid} record (content type 25, RFC 9146 4) carries
 * the Connection ID right after its 11-byte header (type, version, epoch, sequence number): the
 * key {@code cid:<hex>}. Other DTLS records (the handshake, records without a CID) have no key.
 *
 * <p>Else it must be CoAP: at least the 4-byte header, version 1, a token length of at most 8
 * (9 to 15 are reserved, RFC 7252 3), the token within the datagram, an Empty message (code 0.00)
 * exactly 4 bytes, and no reserved code class (1, 6, 7). Anything else is {@link #MALFORMED}. A
 * message's key is its source IP with its token ({@code ip|t|<hex>}), or with its message id when
 * the token is empty ({@code ip|m|<id>}): a retransmission or the next request of an exchange
 * (a blockwise transfer, an observation) carries the same one from the device's new port.
 *
 * <p>Stateless and thread-safe.
 */
final class CoapInspector {
    /** The verdict on one datagram: its affinity keys, either may be null. */
    record Look(String cidKey, String exchangeKey) {
    }

    static final Look MALFORMED = new Look(null, null);
    private static final Look NONE = new Look(null, null);
    private static final int DTLS_HEADER = 11;
    private static final int TLS12_CID = 25;

    private final int cidLength;

    /** @param cidLength length of the DTLS Connection IDs in use, 0 when none */
    CoapInspector(int cidLength) {
        this.cidLength = cidLength;
    }

    /** Looks at {@code b}'s readable bytes (not consumed); {@link #MALFORMED} (same instance) for a bad one. */
    Look inspect(ByteBuf b, InetSocketAddress source) {
        int n = b.readableBytes();
        if (n < 4) {
            return MALFORMED;
        }
        int r = b.readerIndex();
        int b0 = b.getUnsignedByte(r);
        if (b0 >= 20 && b0 <= TLS12_CID && b.getUnsignedByte(r + 1) == 0xFE) {
            if (b0 == TLS12_CID && cidLength > 0 && n >= DTLS_HEADER + cidLength + 2) {
                return new Look("cid:" + ByteBufUtil.hexDump(b, r + DTLS_HEADER, cidLength), null);
            }
            return n >= DTLS_HEADER + 2 ? NONE : MALFORMED;
        }
        int version = b0 >>> 6;
        int tkl = b0 & 0x0F;
        if (version != 1 || tkl > 8 || n < 4 + tkl) {
            return MALFORMED;
        }
        int code = b.getUnsignedByte(r + 1);
        int codeClass = code >>> 5;
        if (code == 0 && (tkl != 0 || n != 4) || codeClass == 1 || codeClass == 6 || codeClass == 7) {
            return MALFORMED;
        }
        if (code == 0) {
            return NONE; // an Empty message: a ping, an ACK or RST of its own; no exchange to follow
        }
        String ip = source.getAddress() == null ? source.getHostString() : source.getAddress().getHostAddress();
        String key = tkl > 0 ? ip + "|t|" + ByteBufUtil.hexDump(b, r + 4, tkl)
                : ip + "|m|" + b.getUnsignedShort(r + 2);
        return new Look(null, key);
    }
}
