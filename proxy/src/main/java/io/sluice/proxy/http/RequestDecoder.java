package io.sluice.proxy.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;

/**
 * Decodes client requests strictly (see {@link Http1Decoder} for the byte-level rules) and checks
 * their framing and semantics before anything is forwarded. It emits a {@link RequestHead}, body
 * slices and a {@code LastHttpContent}, or one {@link HttpViolation}:
 * <table>
 *   <caption>What is refused, with which status</caption>
 *   <tr><td>400</td><td>missing (HTTP/1.1) or repeated Host; an invalid Host; Content-Length with
 *       Transfer-Encoding; repeated Transfer-Encoding or Content-Length fields; a Content-Length
 *       that is not 1 to 18 digits; chunked not the final coding or given twice; Transfer-Encoding
 *       in HTTP/1.0; a request target that is not origin, absolute ({@code http:}) or
 *       {@code OPTIONS *} form; a malformed request line; every byte-level violation</td></tr>
 *   <tr><td>408</td><td>the header block did not arrive within the header timeout after its first byte</td></tr>
 *   <tr><td>413</td><td>a declared or streamed body over the limit</td></tr>
 *   <tr><td>414</td><td>a request line over the limit</td></tr>
 *   <tr><td>417</td><td>an expectation other than {@code 100-continue}</td></tr>
 *   <tr><td>431</td><td>a header block over the byte limit or the field count limit</td></tr>
 *   <tr><td>501</td><td>a transfer coding other than chunked; CONNECT</td></tr>
 *   <tr><td>505</td><td>an HTTP version other than 1.0 and 1.1</td></tr>
 * </table>
 *
 * <p>Timers are the connection's, not the decoder's (one deadline per connection): the owner is
 * told through {@link #messageStarted()} and {@link #idle()} and calls {@link #headerTimeout()}
 * when the header block did not arrive in time.
 */
public final class RequestDecoder extends Http1Decoder {
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;
    static final String HOST = "host";
    static final String TRANSFER_ENCODING = "transfer-encoding";
    static final String CONTENT_LENGTH = "content-length";
    static final String EXPECT = "expect";
    static final String CONNECTION = "connection";

    private Phase phase;

    private HttpMethod method;
    private String target;
    private HttpVersion version;

    /**
     * Where the decoder is, for the connection's timers: waiting for a request ({@link #IDLE}), in a
     * header block ({@link #HEAD}), or past it ({@link #BODY}, until the next {@link #resume()}).
     */
    public enum Phase {
        IDLE, HEAD, BODY
    }

    /** What the connection's owner hears when the decoder's {@link Phase} changes. */
    @FunctionalInterface
    public interface PhaseListener {
        void phase(Phase phase);
    }

    private PhaseListener listener = p -> {
    };

    /**
     * @param maxRequestLine bytes of the request line, without CRLF (over: 414)
     * @param maxHeaderBytes bytes of the header lines with their CRLFs (over: 431)
     * @param maxHeaders     header fields (over: 431)
     * @param maxBodyBytes   body bytes (over: 413)
     */
    public RequestDecoder(int maxRequestLine, int maxHeaderBytes, int maxHeaders, long maxBodyBytes) {
        super(maxRequestLine, maxHeaderBytes, maxHeaders, maxBodyBytes);
    }

    /** Tells {@code l} of every phase change from now on, starting with the current phase. */
    public void phaseListener(PhaseListener l) {
        this.listener = l;
        setPhase(idle() ? Phase.IDLE : phase == null ? Phase.HEAD : phase);
    }

    /** The current phase. */
    public Phase phase() {
        return phase == null ? Phase.IDLE : phase;
    }

    private void setPhase(Phase p) {
        if (phase != p) {
            phase = p;
            listener.phase(p);
        }
    }

    @Override
    public void resume() {
        super.resume();
        if (idle()) {
            setPhase(Phase.IDLE);
        }
    }

    @Override
    void messageStarted() {
        setPhase(Phase.HEAD);
    }

    /**
     * The header block did not arrive within the connection's header timeout: refuses the request
     * with 408 if it is still in its header block (else nothing happens).
     */
    public void headerTimeout() {
        if (phase == Phase.HEAD && !paused() && !failed()) {
            fail(HttpResponseStatus.REQUEST_TIMEOUT, "request headers not received within the timeout");
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    HttpResponseStatus status(HttpResponseStatus requestStatus) {
        return requestStatus;
    }

    /** {@code method SP request-target SP HTTP-version}, single spaces, nothing else. */
    @Override
    void startLine(String line) throws HttpViolation.Failure {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0 || sp2 == sp1 + 1) {
            throw bad("malformed request line");
        }
        HttpMethod m = knownMethod(line, sp1);
        if (m == null) {
            String name = line.substring(0, sp1);
            if (!HttpSyntax.isToken(name)) {
                throw bad("invalid method");
            }
            m = HttpMethod.valueOf(name);
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            if (!HttpSyntax.isTargetChar(line.charAt(i))) {
                throw bad("invalid character in request target");
            }
        }
        version = version(line, sp2 + 1);
        method = m;
        target = line.substring(sp1 + 1, sp2);
    }

    private static final HttpMethod[] COMMON_METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
        HttpMethod.HEAD, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS};

    /** The common method the line starts with (exactly {@code length} chars), or null: no substring for them. */
    private static HttpMethod knownMethod(String line, int length) {
        for (HttpMethod m : COMMON_METHODS) {
            String n = m.name();
            if (n.length() == length && line.startsWith(n)) {
                return m;
            }
        }
        return null;
    }

    private static HttpVersion version(String line, int at) throws HttpViolation.Failure {
        if (line.length() - at == 8 && line.startsWith("HTTP/1.", at)) {
            char minor = line.charAt(at + 7);
            if (minor == '1') {
                return HttpVersion.HTTP_1_1;
            }
            if (minor == '0') {
                return HttpVersion.HTTP_1_0;
            }
        }
        return version(line.substring(at));
    }

    private static HttpVersion version(String v) throws HttpViolation.Failure {
        if (v.equals("HTTP/1.1")) {
            return HttpVersion.HTTP_1_1;
        }
        if (v.equals("HTTP/1.0")) {
            return HttpVersion.HTTP_1_0;
        }
        if (v.length() == 8 && v.startsWith("HTTP/") && Character.isDigit(v.charAt(5)) && v.charAt(6) == '.'
                && Character.isDigit(v.charAt(7))) {
            throw new HttpViolation.Failure(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version " + v
                    + " is not supported");
        }
        throw bad("invalid HTTP version");
    }

    @Override
    void headersDone(HttpFields headers) throws HttpViolation.Failure {
        setPhase(Phase.BODY);
        boolean http11 = version == HttpVersion.HTTP_1_1;
        if (method == HttpMethod.CONNECT) {
            throw new HttpViolation.Failure(HttpResponseStatus.NOT_IMPLEMENTED, "CONNECT is not supported");
        }

        // Host (RFC 9112 3.2): exactly one in HTTP/1.1; an absolute-form target overrides it.
        List<String> hosts = headers.getAll(HOST);
        if (hosts.size() > 1) {
            throw bad("repeated Host header");
        }
        if (http11 && hosts.isEmpty()) {
            throw bad("missing Host header");
        }
        String host = hosts.isEmpty() ? null : hosts.get(0);
        if (host != null && !HttpSyntax.isHost(host)) {
            throw bad("invalid Host header");
        }
        String origin = target;
        if (!target.startsWith("/")) {
            if (target.equals("*") && method.equals(HttpMethod.OPTIONS)) {
                origin = "*";
            } else if (target.regionMatches(true, 0, "http://", 0, 7)) {
                int slash = target.indexOf('/', 7);
                int end = slash < 0 ? target.length() : slash;
                int q = target.indexOf('?', 7);
                if (q >= 0 && q < end) {
                    end = q;
                }
                String authority = target.substring(7, end);
                if (!HttpSyntax.isHost(authority) || authority.indexOf('@') >= 0) {
                    throw bad("invalid authority in request target");
                }
                host = authority;
                headers.set(HOST, authority);
                origin = slash < 0 ? "/" + target.substring(end) : target.substring(slash);
            } else {
                throw bad("invalid request target");
            }
        }

        // Framing (RFC 9112 6.1-6.3), strictly: anything two parsers might read differently is refused.
        List<String> tes = headers.getAll(TRANSFER_ENCODING);
        List<String> cls = headers.getAll(CONTENT_LENGTH);
        BodyKind body = BodyKind.NONE;
        long contentLength = -1;
        if (!tes.isEmpty()) {
            if (!cls.isEmpty()) {
                throw bad("both Content-Length and Transfer-Encoding");
            }
            if (tes.size() > 1) {
                throw bad("repeated Transfer-Encoding header");
            }
            if (!http11) {
                throw bad("Transfer-Encoding in an HTTP/1.0 request");
            }
            String[] codings = tes.get(0).split(",", -1);
            for (int i = 0; i < codings.length; i++) {
                String c = codings[i].trim().toLowerCase(Locale.ROOT);
                if (!HttpSyntax.isToken(c)) {
                    throw bad("invalid Transfer-Encoding");
                }
                if (c.equals("chunked") && i != codings.length - 1) {
                    throw bad("chunked is not the final transfer coding");
                }
                if (i == codings.length - 1 && !c.equals("chunked")) {
                    throw bad("chunked is not the final transfer coding");
                }
            }
            if (codings.length > 1) {
                throw new HttpViolation.Failure(HttpResponseStatus.NOT_IMPLEMENTED, "transfer codings other than"
                        + " chunked are not supported");
            }
            body = BodyKind.CHUNKED;
        } else if (!cls.isEmpty()) {
            if (cls.size() > 1) {
                throw bad("repeated Content-Length header");
            }
            contentLength = contentLength(cls.get(0));
            if (contentLength > maxBodyBytes()) {
                throw new HttpViolation.Failure(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Content-Length "
                        + contentLength + " is over the limit of " + maxBodyBytes() + " bytes");
            }
            body = contentLength > 0 ? BodyKind.FIXED : BodyKind.NONE;
        }

        boolean expectContinue = false;
        List<String> expects = headers.getAll(EXPECT);
        if (!expects.isEmpty() && http11) {
            if (expects.size() > 1 || !expects.get(0).equalsIgnoreCase("100-continue")) {
                throw new HttpViolation.Failure(HttpResponseStatus.EXPECTATION_FAILED, "unsupported expectation");
            }
            expectContinue = body != BodyKind.NONE;
        }

        // HTTP/1.0 clients get one exchange per connection: simpler and they are rare.
        boolean keepAlive = http11 && !hasToken(headers, "close");
        RequestHead head = new RequestHead(method, origin, version, headers, host, body, contentLength,
                expectContinue, keepAlive);
        emit(head);
        if (!failed()) {
            beginBody(body, contentLength);
        }
    }

    /** 1 to 18 ASCII digits: no sign, no whitespace inside, no list (a list would be a repeat in disguise). */
    static long contentLength(String value) throws HttpViolation.Failure {
        if (value.isEmpty() || value.length() > MAX_CONTENT_LENGTH_DIGITS) {
            throw bad("invalid Content-Length");
        }
        long v = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw bad("invalid Content-Length");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Whether a Connection header lists {@code token} (case-insensitively). */
    static boolean hasToken(HttpFields headers, String token) {
        for (int i = headers.indexOf(CONNECTION, 0); i >= 0; i = headers.indexOf(CONNECTION, i + 1)) {
            if (HttpFields.listsToken(headers.value(i), token)) {
                return true;
            }
        }
        return false;
    }

    private static HttpViolation.Failure bad(String reason) {
        return new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, reason);
    }
}
