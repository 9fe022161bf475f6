package io.sluice.loadtests.coap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The few CoAP messages (RFC 7252 3) the generator and its responder exchange, encoded and
 * decoded on Netty buffers: a 4-byte header (version 1, type, token length; code; message id),
 * the token, options (only Uri-Path is written; any are skipped when read), then 0xFF and the
 * payload when there is one.
 *
 * @param type      {@link #CON}, {@link #NON}, {@link #ACK} or {@link #RST}
 * @param code      class * 32 + detail: 0 empty, 1 GET, 2 POST, 69 (2.05 Content)
 * @param messageId 0 to 65535
 * @param token     0 to 8 bytes
 * @param payload   the bytes after the payload marker, empty when none
 */
record CoapMessage(int type, int code, int messageId, byte[] token, byte[] payload) {
    static final int CON = 0;
    static final int NON = 1;
    static final int ACK = 2;
    static final int RST = 3;
    static final int EMPTY = 0;
    static final int POST = 2;
    static final int CONTENT = 2 * 32 + 5;
    private static final int URI_PATH = 11;

    /** Writes this message with one Uri-Path option per segment of {@code path} (segments up to 268 bytes). */
    ByteBuf encode(ByteBufAllocator alloc, String... path) {
        ByteBuf b = alloc.buffer(4 + token.length + 16 + payload.length);
        b.writeByte(0x40 | type << 4 | token.length);
        b.writeByte(code);
        b.writeShort(messageId);
        b.writeBytes(token);
        int previous = 0;
        for (String segment : path) {
            byte[] s = segment.getBytes(StandardCharsets.UTF_8);
            int delta = URI_PATH - previous;
            previous = URI_PATH;
            if (s.length < 13) {
                b.writeByte(delta << 4 | s.length);
            } else if (s.length < 269) {
                b.writeByte(delta << 4 | 13);
                b.writeByte(s.length - 13);
            } else {
                throw new IllegalArgumentException("a Uri-Path segment of " + s.length + " bytes; at most 268 here");
            }
            b.writeBytes(s);
        }
        if (payload.length > 0) {
            b.writeByte(0xFF);
            b.writeBytes(payload);
        }
        return b;
    }

    /**
     * Reads the message in {@code b}'s readable bytes (not consumed), or null when it is not a
     * well-formed CoAP message (short, wrong version, reserved token length, bad option).
     */
    static CoapMessage decode(ByteBuf b) {
        int n = b.readableBytes();
        int r = b.readerIndex();
        if (n < 4) {
            return null;
        }
        int b0 = b.getUnsignedByte(r);
        int tkl = b0 & 0x0F;
        if (b0 >>> 6 != 1 || tkl > 8 || n < 4 + tkl) {
            return null;
        }
        byte[] token = new byte[tkl];
        b.getBytes(r + 4, token);
        int i = r + 4 + tkl;
        int end = r + n;
        while (i < end) {
            int head = b.getUnsignedByte(i++);
            if (head == 0xFF) {
                if (i == end) {
                    return null; // a payload marker with no payload is a format error (RFC 7252 3)
                }
                break;
            }
            int length = head & 0x0F;
            int delta = head >>> 4;
            if (delta == 15 || length == 15) {
                return null;
            }
            int deltaExtension = extension(delta);
            int lengthExtension = extension(length);
            if (i + deltaExtension + lengthExtension > end) {
                return null;
            }
            i += deltaExtension;
            if (length == 13) {
                length = b.getUnsignedByte(i) + 13;
            } else if (length == 14) {
                length = b.getUnsignedShort(i) + 269;
            }
            i += lengthExtension;
            i += length;
            if (i > end) {
                return null;
            }
        }
        byte[] payload = new byte[Math.max(0, end - i)];
        b.getBytes(Math.min(i, end), payload);
        return new CoapMessage(b0 >>> 4 & 3, b.getUnsignedByte(r + 1), b.getUnsignedShort(r + 2), token, payload);
    }

    /** Bytes an option's delta or length nibble adds after the option's first byte. */
    private static int extension(int nibble) {
        return nibble == 13 ? 1 : nibble == 14 ? 2 : 0;
    }
}
