package io.sluice.proxy.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes the pieces of an HTTP/1.1 head straight into a buffer: start lines, {@code name: value}
 * fields, numbers and hex ids, with the constant parts pre-encoded. Strings are written one byte
 * per char (ISO-8859-1), the way {@link HttpFields} holds them, so a field read from the wire goes
 * back out byte for byte.
 */
public final class HeadWriter {
    /** {@code CR LF} as one short, for {@link ByteBuf#writeShort}. */
    public static final int CRLF = ('\r' << 8) | '\n';
    private static final int COLON_SP = (':' << 8) | ' ';
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_1_1_SP = bytes("HTTP/1.1 ");
    private static final byte[] SP_HTTP_1_1_CRLF = bytes(" HTTP/1.1\r\n");
    private static final byte[][] STATUS_LINES = new byte[600][];

    static {
        for (int code : new int[] {200, 201, 202, 204, 206, 301, 302, 304, 307, 308, 400, 401, 403, 404, 500, 502, 503,
                504}) {
            STATUS_LINES[code] = bytes("HTTP/1.1 " + code + " "
                    + io.netty.handler.codec.http.HttpResponseStatus.valueOf(code).reasonPhrase() + "\r\n");
        }
    }

    private HeadWriter() {
    }

    /** The ASCII bytes of a constant: a header name or a fixed line, encoded once. */
    public static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code METHOD SP target SP HTTP/1.1 CRLF}. */
    public static void requestLine(ByteBuf out, String method, String target) {
        latin1(out, method);
        out.writeByte(' ');
        latin1(out, target);
        out.writeBytes(SP_HTTP_1_1_CRLF);
    }

    /**
     * {@code HTTP/1.1 code SP reason CRLF}; the common statuses with their standard phrase are one
     * pre-encoded copy.
     */
    public static void statusLine(ByteBuf out, int code, String reason) {
        byte[] line = code >= 0 && code < STATUS_LINES.length ? STATUS_LINES[code] : null;
        if (line != null && line.length == 9 + 4 + reason.length() + 2 && standardReason(line, reason)) {
            out.writeBytes(line);
            return;
        }
        out.writeBytes(HTTP_1_1_SP);
        decimal(out, code);
        out.writeByte(' ');
        latin1(out, reason);
        out.writeShort(CRLF);
    }

    private static boolean standardReason(byte[] line, String reason) {
        for (int i = 0; i < reason.length(); i++) {
            if (line[13 + i] != reason.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code name: value CRLF}. */
    public static void field(ByteBuf out, CharSequence name, CharSequence value) {
        latin1(out, name);
        out.writeShort(COLON_SP);
        latin1(out, value);
        out.writeShort(CRLF);
    }

    /** {@code name: value CRLF} with a pre-encoded name (its bytes include nothing else). */
    public static void field(ByteBuf out, byte[] name, CharSequence value) {
        out.writeBytes(name);
        out.writeShort(COLON_SP);
        latin1(out, value);
        out.writeShort(CRLF);
    }

    /** {@code name: digits CRLF}. */
    public static void field(ByteBuf out, byte[] name, long value) {
        out.writeBytes(name);
        out.writeShort(COLON_SP);
        decimal(out, value);
        out.writeShort(CRLF);
    }

    /** The start of a field whose value the caller writes in pieces: {@code name: }. */
    public static void fieldStart(ByteBuf out, byte[] name) {
        out.writeBytes(name);
        out.writeShort(COLON_SP);
    }

    /** One char per byte; chars above 0xff (which no validated field holds) become {@code ?}. */
    public static void latin1(ByteBuf out, CharSequence s) {
        out.writeCharSequence(s, StandardCharsets.ISO_8859_1);
    }

    /** A non-negative number in decimal. */
    public static void decimal(ByteBuf out, long v) {
        if (v < 10) {
            out.writeByte((int) ('0' + v));
            return;
        }
        int digits = 0;
        for (long x = v; x > 0; x /= 10) {
            digits++;
        }
        int at = out.writerIndex() + digits;
        out.ensureWritable(digits);
        for (long x = v; x > 0; x /= 10) {
            out.setByte(--at, (int) ('0' + x % 10));
        }
        out.writerIndex(out.writerIndex() + digits);
    }

    /** {@code v} as 16 lower-case hex digits, zero-padded. */
    public static void hex16(ByteBuf out, long v) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(int) (v >>> shift) & 0xf]);
        }
    }

    /** {@code v} as 16 lower-case hex digits into {@code into} at {@code at}. */
    public static void hex16(byte[] into, int at, long v) {
        for (int i = 0; i < 16; i++) {
            into[at + i] = HEX[(int) (v >>> (60 - 4 * i)) & 0xf];
        }
    }
}
