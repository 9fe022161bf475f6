package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.proxy.http.BodyKind;
import io.sluice.proxy.http.HeadWriter;
import io.sluice.proxy.http.HttpFields;
import io.sluice.proxy.http.RequestHead;
import io.sluice.proxy.http.ResponseHead;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How headers change crossing the proxy (RFC 9110 7.6): hop-by-hop fields are dropped in both
 * directions (Connection and every field it names, Keep-Alive, Proxy-*, TE, Trailer,
 * Transfer-Encoding, Upgrade, HTTP2-Settings), bodies are re-framed by the proxy, and requests
 * gain X-Forwarded-For/-Proto/-Host, Forwarded (RFC 7239) and an x-request-id.
 *
 * <p>Heads are written straight into one pooled buffer each: the fields that pass are copied from
 * what the decoder read, the proxy's own are appended with pre-encoded names, and no header map,
 * no lower-cased name and no joined string is made on the way. The order is the client's (or the
 * backend's) fields as sent, then the proxy's.
 *
 * <p>Dropping Upgrade means a client's {@code Upgrade: h2c} is never forwarded: the backend sees
 * a plain HTTP/1.1 request and answers it as one. The one upgrade the proxy carries is WebSocket
 * ({@link Exchange#upgrade}): {@code Connection: upgrade} and {@code Upgrade: websocket} are written
 * again on the request and on the backend's 101.
 */
final class Forwarding {
    static final String REQUEST_ID = "x-request-id";
    private static final int MAX_REQUEST_ID = 128;

    private static final byte[] CONTENT_LENGTH = HeadWriter.bytes("content-length");
    private static final byte[] TRANSFER_ENCODING_CHUNKED = HeadWriter.bytes("transfer-encoding: chunked\r\n");
    private static final byte[] CONNECTION_CLOSE = HeadWriter.bytes("connection: close\r\n");
    private static final byte[] UPGRADE_WEBSOCKET = HeadWriter.bytes("connection: upgrade\r\nupgrade: websocket\r\n");
    private static final byte[] X_FORWARDED_FOR = HeadWriter.bytes("x-forwarded-for");
    private static final byte[] X_FORWARDED_PROTO = HeadWriter.bytes("x-forwarded-proto");
    private static final byte[] X_FORWARDED_HOST = HeadWriter.bytes("x-forwarded-host");
    private static final byte[] X_FORWARDED_CLIENT_CERT = HeadWriter.bytes("x-forwarded-client-cert");
    private static final byte[] FORWARDED = HeadWriter.bytes("forwarded");
    private static final byte[] X_REQUEST_ID = HeadWriter.bytes(REQUEST_ID);
    private static final byte[] SET_COOKIE = HeadWriter.bytes("set-cookie");
    private static final byte[] COOKIE_ATTRIBUTES = HeadWriter.bytes("; Path=/; HttpOnly");
    /** Room for what the proxy adds to a head beyond the fields it copies. */
    private static final int HEAD_SLACK = 384;

    private Forwarding() {
    }

    /**
     * The request head to send upstream for {@code e}, in a new buffer from {@code alloc}.
     *
     * @param client the client connection's addresses, as X-Forwarded-For and Forwarded write them
     * @param proto  {@code http} or {@code https}: the scheme the client used
     * @param clientCert the verified client certificate as {@code x-forwarded-client-cert} (Envoy's
     *                   format), or null; a client's own such header is always dropped, so it
     *                   cannot be forged
     */
    static ByteBuf requestHead(ByteBufAllocator alloc, Exchange e, ClientAddress client, String proto,
                               String clientCert) {
        RequestHead head = e.head;
        HttpFields in = head.headers();
        ByteBuf out = alloc.buffer(head.target().length() + fieldBytes(in) + HEAD_SLACK);
        HeadWriter.requestLine(out, head.method().name(), head.target());
        String priorXff = null;
        String priorForwarded = null;
        for (int i = 0; i < in.size(); i++) {
            String name = in.name(i);
            if (dropped(name, in) || is(name, "expect") || is(name, "content-length") || is(name, REQUEST_ID)
                    || is(name, "x-forwarded-proto") || is(name, "x-forwarded-host")
                    || is(name, "x-forwarded-client-cert")) {
                continue;
            }
            if (is(name, "x-forwarded-for")) {
                priorXff = priorXff == null ? in.value(i) : priorXff;
                continue;
            }
            if (is(name, "forwarded")) {
                priorForwarded = priorForwarded == null ? in.value(i) : priorForwarded;
                continue;
            }
            if (e.hasGrpcDeadline && is(name, Grpc.TIMEOUT)) {
                // The client's deadline less the time the call spent in the proxy (Grpc.formatTimeout).
                HeadWriter.field(out, name, Grpc.formatTimeout(e.grpcDeadline - System.nanoTime()));
                continue;
            }
            HeadWriter.field(out, name, in.value(i));
        }
        if (e.upgrade) {
            out.writeBytes(UPGRADE_WEBSOCKET);
        }
        if (head.body() == BodyKind.CHUNKED) {
            out.writeBytes(TRANSFER_ENCODING_CHUNKED);
        } else if (head.contentLength() >= 0) {
            HeadWriter.field(out, CONTENT_LENGTH, head.contentLength());
        }
        HeadWriter.fieldStart(out, X_FORWARDED_FOR);
        if (priorXff != null && !priorXff.isBlank()) {
            HeadWriter.latin1(out, priorXff);
            out.writeByte(',').writeByte(' ');
        }
        HeadWriter.latin1(out, client.ip());
        out.writeShort(HeadWriter.CRLF);
        HeadWriter.field(out, X_FORWARDED_PROTO, proto);
        if (head.host() != null) {
            HeadWriter.field(out, X_FORWARDED_HOST, head.host());
        }
        HeadWriter.fieldStart(out, FORWARDED);
        if (priorForwarded != null && !priorForwarded.isBlank()) {
            HeadWriter.latin1(out, priorForwarded);
            out.writeByte(',').writeByte(' ');
        }
        HeadWriter.latin1(out, client.forwardedFor());
        HeadWriter.latin1(out, ";proto=");
        HeadWriter.latin1(out, proto);
        if (head.host() != null) {
            HeadWriter.latin1(out, ";host=");
            writeQuotedIfNeeded(out, head.host());
        }
        out.writeShort(HeadWriter.CRLF);
        if (clientCert != null) {
            HeadWriter.field(out, X_FORWARDED_CLIENT_CERT, clientCert);
        }
        HeadWriter.fieldStart(out, X_REQUEST_ID);
        e.writeRequestId(out);
        out.writeShort(HeadWriter.CRLF);
        out.writeShort(HeadWriter.CRLF);
        return out;
    }

    /**
     * The response head to send the client for {@code rh}: hop-by-hop dropped, and the framing the
     * proxy will use: the backend's Content-Length when it gave one, else chunked for HTTP/1.1
     * clients (the caller closes the connection instead for HTTP/1.0 clients).
     *
     * @param close        add {@code Connection: close}
     * @param cookieBackend when not null, set the affinity cookie {@code cookieName} to it
     */
    static ByteBuf responseHead(ByteBufAllocator alloc, ResponseHead rh, boolean chunked, boolean close,
                                String cookieName, String cookieBackend, Exchange e) {
        HttpFields in = rh.headers();
        ByteBuf out = alloc.buffer(fieldBytes(in) + HEAD_SLACK);
        HeadWriter.statusLine(out, rh.code(), rh.reason());
        boolean hasRequestId = false;
        for (int i = 0; i < in.size(); i++) {
            String name = in.name(i);
            if (dropped(name, in) || chunked && is(name, "content-length")) {
                continue;
            }
            hasRequestId |= is(name, REQUEST_ID);
            HeadWriter.field(out, name, in.value(i));
        }
        if (chunked) {
            out.writeBytes(TRANSFER_ENCODING_CHUNKED);
        }
        if (rh.code() == 101) {
            out.writeBytes(UPGRADE_WEBSOCKET);
        }
        if (close) {
            out.writeBytes(CONNECTION_CLOSE);
        }
        if (cookieBackend != null) {
            HeadWriter.fieldStart(out, SET_COOKIE);
            HeadWriter.latin1(out, cookieName);
            out.writeByte('=');
            HeadWriter.latin1(out, cookieBackend);
            out.writeBytes(COOKIE_ATTRIBUTES);
            out.writeShort(HeadWriter.CRLF);
        }
        if (!hasRequestId) {
            HeadWriter.fieldStart(out, X_REQUEST_ID);
            e.writeRequestId(out);
            out.writeShort(HeadWriter.CRLF);
        }
        out.writeShort(HeadWriter.CRLF);
        return out;
    }

    /** The client's x-request-id if it is 1 to 128 of {@code [A-Za-z0-9._:-]}, else null (the proxy makes one). */
    static String clientRequestId(RequestHead head) {
        String id = head.headers().get(REQUEST_ID);
        return id != null && saneRequestId(id) ? id : null;
    }

    /** A new random 128-bit request id, as two longs (written as 32 hex digits). */
    static long randomIdHalf() {
        return ThreadLocalRandom.current().nextLong();
    }

    static boolean saneRequestId(String id) {
        if (id.isEmpty() || id.length() > MAX_REQUEST_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Bytes the fields take on the wire, to size the head's buffer once. */
    private static int fieldBytes(HttpFields fields) {
        int n = 0;
        for (int i = 0; i < fields.size(); i++) {
            n += fields.name(i).length() + fields.value(i).length() + 4;
        }
        return n;
    }

    private static boolean is(String name, String lowerCase) {
        return HttpFields.equalsIgnoreCase(name, lowerCase);
    }

    /** Hop-by-hop: a fixed name, a {@code proxy-} field, or one the message's Connection header names. */
    static boolean dropped(String name, HttpFields fields) {
        if (hopByHop(name)) {
            return true;
        }
        for (int i = fields.indexOf("connection", 0); i >= 0; i = fields.indexOf("connection", i + 1)) {
            if (HttpFields.listsToken(fields.value(i), name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hopByHop(String name) {
        return switch (name.length()) {
            case 2 -> is(name, "te");
            case 7 -> is(name, "trailer") || is(name, "upgrade");
            case 10 -> is(name, "connection") || is(name, "keep-alive");
            case 14 -> is(name, "http2-settings");
            case 17 -> is(name, "transfer-encoding");
            default -> false;
        } || name.length() > 6 && name.regionMatches(true, 0, "proxy-", 0, 6);
    }

    /** RFC 7239 node: IPv6 addresses are bracketed and quoted. */
    static String forwardedNode(String ip) {
        return ip.indexOf(':') >= 0 ? "\"[" + ip + "]\"" : ip;
    }

    /** A Forwarded parameter value: a token as it is, anything else as a quoted string. */
    private static void writeQuotedIfNeeded(ByteBuf out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                out.writeByte('"');
                for (int k = 0; k < value.length(); k++) {
                    char q = value.charAt(k);
                    if (q == '"' || q == '\\') {
                        out.writeByte('\\');
                    }
                    out.writeByte(q);
                }
                out.writeByte('"');
                return;
            }
        }
        HeadWriter.latin1(out, value);
    }

    /**
     * A client connection's address as the forwarding headers write it, worked out once per
     * connection: the IP for X-Forwarded-For and its RFC 7239 form {@code for=...} for Forwarded.
     */
    record ClientAddress(String ip, String forwardedFor) {
        static ClientAddress of(String ip) {
            return new ClientAddress(ip, "for=" + forwardedNode(ip));
        }
    }
}
