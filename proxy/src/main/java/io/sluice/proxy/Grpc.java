package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.sluice.proxy.http.HeadWriter;
import io.sluice.proxy.http.RequestHead;
import java.nio.charset.StandardCharsets;

/**
 * gRPC's view of the answers the proxy makes itself. A gRPC client takes any HTTP status but 200
 * for a transport error; what it should see for "no backend", "rate limited" or "timed out" is a
 * gRPC status, in a trailers-only response: HTTP 200, {@code content-type: application/grpc},
 * {@code grpc-status} and {@code grpc-message}, and no body (gRPC over HTTP/2, "Responses").
 *
 * <p>The proxy's HTTP status maps to a gRPC code as gRPC's own HTTP-to-gRPC table does, made
 * more precise where the proxy knows the cause:
 * <pre>
 *   503 (no backend, overload), 502 (bad backend)  -> 14 UNAVAILABLE
 *   429 (rate limit), 413, 431 (too large)          ->  8 RESOURCE_EXHAUSTED
 *   504 (response timeout), 408                     ->  4 DEADLINE_EXCEEDED
 *   403 (filter)                                    ->  7 PERMISSION_DENIED
 *   401                                             -> 16 UNAUTHENTICATED
 *   404 (no route)                                  -> 12 UNIMPLEMENTED
 *   400 (malformed request)                         -> 13 INTERNAL
 *   anything else                                   ->  2 UNKNOWN
 * </pre>
 * The access log and metrics keep the HTTP status the proxy meant (503, 429, ...), so a dashboard
 * reads the same for gRPC and HTTP traffic.
 */
final class Grpc {
    static final int UNKNOWN = 2;
    static final int DEADLINE_EXCEEDED = 4;
    static final int PERMISSION_DENIED = 7;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNIMPLEMENTED = 12;
    static final int INTERNAL = 13;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;

    private static final byte[] HEAD = HeadWriter.bytes(
            "HTTP/1.1 200 OK\r\ncontent-type: application/grpc\r\ncontent-length: 0\r\n");
    private static final byte[] GRPC_STATUS = HeadWriter.bytes("grpc-status");
    private static final byte[] GRPC_MESSAGE = HeadWriter.bytes("grpc-message");
    private static final byte[] X_REQUEST_ID = HeadWriter.bytes(Forwarding.REQUEST_ID);
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Grpc() {
    }

    /**
     * Whether the proxy's own answers to this request are gRPC statuses: a gRPC request
     * ({@code content-type: application/grpc} or {@code application/grpc+...}) on an HTTP/2 stream,
     * the only transport gRPC runs on.
     */
    static boolean answersWithStatus(Channel channel, RequestHead head) {
        if (!(channel instanceof Http2StreamChannel)) {
            return false;
        }
        String type = head.headers().get("content-type");
        return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16)
                && (type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';');
    }

    static int statusFor(int httpStatus) {
        return switch (httpStatus) {
            case 502, 503 -> UNAVAILABLE;
            case 413, 429, 431 -> RESOURCE_EXHAUSTED;
            case 408, 504 -> DEADLINE_EXCEEDED;
            case 403 -> PERMISSION_DENIED;
            case 401 -> UNAUTHENTICATED;
            case 404 -> UNIMPLEMENTED;
            case 400 -> INTERNAL;
            default -> UNKNOWN;
        };
    }

    /**
     * The trailers-only answer for a proxy-made {@code httpStatus}, encoded as the HTTP/1.1 head the
     * stream's {@link io.sluice.proxy.http2.StreamBridge} turns into one HEADERS frame with
     * END_STREAM (a head with {@code content-length: 0}).
     */
    static ByteBuf trailersOnly(ByteBufAllocator alloc, int httpStatus, String reason, Exchange e) {
        ByteBuf out = alloc.buffer(192 + reason.length() * 3);
        out.writeBytes(HEAD);
        HeadWriter.field(out, GRPC_STATUS, statusFor(httpStatus));
        HeadWriter.fieldStart(out, GRPC_MESSAGE);
        percentEncode(out, httpStatus + " " + reason);
        out.writeShort(HeadWriter.CRLF);
        HeadWriter.fieldStart(out, X_REQUEST_ID);
        e.writeRequestId(out);
        out.writeShort(HeadWriter.CRLF);
        out.writeShort(HeadWriter.CRLF);
        return out;
    }

    /**
     * grpc-message's encoding: UTF-8, then every byte outside printable ASCII, and {@code %}
     * itself, as {@code %XX}.
     */
    static void percentEncode(ByteBuf out, String message) {
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                out.writeByte(c);
            } else {
                out.writeByte('%').writeByte(HEX[c >> 4]).writeByte(HEX[c & 0xF]);
            }
        }
    }
}
