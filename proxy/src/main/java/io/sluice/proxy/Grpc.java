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
    static final int OK = 0;
    static final int CANCELLED = 1;
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

    /** The {@code grpc-timeout} header: the client's deadline for the call, relative to when it was sent. */
    static final String TIMEOUT = "grpc-timeout";
    /** Longest grpc-timeout value: 8 digits (gRPC over HTTP/2, "Requests": TimeoutValue). */
    private static final int MAX_TIMEOUT_DIGITS = 8;
    private static final long MAX_TIMEOUT_VALUE = 99_999_999L;

    /**
     * The duration a {@code grpc-timeout} value names, in nanoseconds, or -1 when it is malformed.
     * gRPC over HTTP/2: {@code Timeout → TimeoutValue TimeoutUnit}, a positive integer of at most 8
     * ASCII digits, then {@code H} (hours), {@code M} (minutes), {@code S} (seconds), {@code m}
     * (milliseconds), {@code u} (microseconds) or {@code n} (nanoseconds). The longest,
     * {@code 99999999H}, is about 11,400 years and is saturated to {@link Long#MAX_VALUE}.
     *
     * <p>A malformed value is ignored, as Envoy does ({@code Grpc::Common::getGrpcTimeout}): the
     * call has no deadline at the proxy (the route's timeouts apply) and the value is forwarded as
     * it came, for the backend's gRPC library to judge as it would without a proxy between.
     */
    static long parseTimeout(String value) {
        int n = value == null ? 0 : value.length();
        if (n < 2 || n > MAX_TIMEOUT_DIGITS + 1) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        long unitNanos = switch (value.charAt(n - 1)) {
            case 'H' -> 3_600_000_000_000L;
            case 'M' -> 60_000_000_000L;
            case 'S' -> 1_000_000_000L;
            case 'm' -> 1_000_000L;
            case 'u' -> 1_000L;
            case 'n' -> 1L;
            default -> -1L;
        };
        if (unitNanos < 0) {
            return -1;
        }
        return v > Long.MAX_VALUE / unitNanos ? Long.MAX_VALUE : v * unitNanos;
    }

    /**
     * {@code nanos} (at least 1) as a {@code grpc-timeout} value: the finest unit whose count fits
     * in 8 digits, rounded down, so the backend's deadline is never later than the proxy's.
     * Worked example: 299,412,000 ns does not fit in 8 digits of {@code n}, does as
     * {@code 299412u}.
     */
    static String formatTimeout(long nanos) {
        long v = Math.max(1, nanos);
        char[] units = {'n', 'u', 'm', 'S', 'M', 'H'};
        long[] next = {1000, 1000, 1000, 60, 60};
        int u = 0;
        while (v > MAX_TIMEOUT_VALUE && u < next.length) {
            v /= next[u];
            u++;
        }
        return Math.min(v, MAX_TIMEOUT_VALUE) + String.valueOf(units[u]);
    }

    /** The grpc-status of a trailers field block, or -1 when absent or not a number. */
    static int status(io.netty.handler.codec.http.HttpHeaders trailers) {
        String s = trailers.get("grpc-status");
        if (s == null || s.isEmpty() || s.length() > 3) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * The last chunk that ends a gRPC response already under way with {@code status}: its trailers
     * {@code grpc-status} and {@code grpc-message}, which the client's stream sends as HTTP/2
     * trailers. Used when a backend fails mid-call or the deadline passes once the response began.
     */
    static io.netty.handler.codec.http.LastHttpContent trailers(int status, String message) {
        io.netty.handler.codec.http.DefaultLastHttpContent last = new io.netty.handler.codec.http.DefaultLastHttpContent();
        io.netty.buffer.ByteBuf m = io.netty.buffer.Unpooled.buffer(message.length() + 8);
        percentEncode(m, message);
        last.trailingHeaders().set("grpc-status", status);
        last.trailingHeaders().set("grpc-message", m.toString(StandardCharsets.US_ASCII));
        m.release();
        return last;
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
