package io.sluice.proxy;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.sluice.proxy.http.BodyKind;
import io.sluice.proxy.http.RequestHead;
import io.sluice.proxy.http.ResponseHead;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How headers change crossing the proxy (RFC 9110 7.6): hop-by-hop fields are dropped in both
 * directions (Connection and every field it names, Keep-Alive, Proxy-*, TE, Trailer,
 * Transfer-Encoding, Upgrade, HTTP2-Settings), bodies are re-framed by the proxy, and requests
 * gain X-Forwarded-For/-Proto/-Host, Forwarded (RFC 7239) and an x-request-id.
 *
 * <p>Dropping Upgrade means a client's {@code Upgrade: h2c} (or websocket) is never forwarded:
 * the backend sees a plain HTTP/1.1 request and answers it as one.
 */
final class Forwarding {
    static final String REQUEST_ID = "x-request-id";
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "te", "trailer",
            "transfer-encoding", "upgrade", "http2-settings");
    private static final int MAX_REQUEST_ID = 128;

    private Forwarding() {
    }

    /** The headers to send upstream for {@code head}. */
    static HttpHeaders upstreamRequest(RequestHead head, String clientIp, String proto, String requestId) {
        HttpHeaders in = head.headers();
        HttpHeaders out = HEADERS.newHeaders();
        Set<String> drop = connectionTokens(in);
        for (Map.Entry<String, String> e : in) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (dropped(name, drop) || name.equals("expect") || name.equals("content-length")
                    || name.equals(REQUEST_ID)) {
                continue;
            }
            out.add(e.getKey(), e.getValue());
        }
        if (head.body() == BodyKind.CHUNKED) {
            out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (head.contentLength() >= 0) {
            out.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(head.contentLength()));
        }
        String xff = in.get("x-forwarded-for");
        out.set("x-forwarded-for", xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        out.set("x-forwarded-proto", proto);
        if (head.host() != null) {
            out.set("x-forwarded-host", head.host());
        }
        String element = "for=" + forwardedNode(clientIp) + ";proto=" + proto
                + (head.host() == null ? "" : ";host=" + quotedIfNeeded(head.host()));
        String prior = in.get("forwarded");
        out.set("forwarded", prior == null || prior.isBlank() ? element : prior + ", " + element);
        out.set(REQUEST_ID, requestId);
        return out;
    }

    /**
     * The headers to send the client for {@code head}: hop-by-hop dropped, and the framing the
     * proxy will use: the backend's Content-Length when it gave one, else chunked for HTTP/1.1
     * clients (the caller closes the connection instead for HTTP/1.0 clients).
     */
    static HttpHeaders clientResponse(ResponseHead head, boolean chunked) {
        HttpHeaders in = head.headers();
        HttpHeaders out = HEADERS.newHeaders();
        Set<String> drop = connectionTokens(in);
        for (Map.Entry<String, String> e : in) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!dropped(name, drop)) {
                out.add(e.getKey(), e.getValue());
            }
        }
        if (chunked) {
            out.remove(HttpHeaderNames.CONTENT_LENGTH);
            out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return out;
    }

    /** The client's id if it is 1 to 128 of {@code [A-Za-z0-9._:-]}, else a new random 128-bit hex id. */
    static String requestId(RequestHead head) {
        String id = head.headers().get(REQUEST_ID);
        if (id != null && saneRequestId(id)) {
            return id;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return hex(r.nextLong()) + hex(r.nextLong());
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

    private static String hex(long v) {
        String s = Long.toHexString(v);
        return "0".repeat(16 - s.length()) + s;
    }

    private static boolean dropped(String lowerName, Set<String> connectionTokens) {
        return HOP_BY_HOP.contains(lowerName) || lowerName.startsWith("proxy-") || connectionTokens.contains(lowerName);
    }

    private static Set<String> connectionTokens(HttpHeaders headers) {
        Set<String> out = new HashSet<>();
        for (String v : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String t : v.split(",")) {
                String token = t.trim().toLowerCase(Locale.ROOT);
                if (!token.isEmpty()) {
                    out.add(token);
                }
            }
        }
        return out;
    }

    /** RFC 7239 node: IPv6 addresses are bracketed and quoted. */
    private static String forwardedNode(String ip) {
        return ip.indexOf(':') >= 0 ? "\"[" + ip + "]\"" : ip;
    }

    private static String quotedIfNeeded(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return value;
    }
}
