package io.sluice.proxy.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * Decodes backend responses with the same byte-level strictness as requests ({@link Http1Decoder})
 * and emits a {@link ResponseHead}, body slices and a {@code LastHttpContent}, or one
 * {@link HttpViolation} with status 502 for anything malformed: a bad status line, Content-Length
 * with Transfer-Encoding, a repeated or invalid Content-Length, a transfer coding other than
 * exactly {@code chunked}, a bad chunk, a 101 the proxy did not ask for (it asks only for a
 * WebSocket upgrade, see {@link #expectUpgrade}) or to any protocol but {@code websocket}, or
 * bytes nobody asked for.
 *
 * <p>Interim 1xx responses are read and dropped: the proxy answers {@code 100 Continue} to clients
 * itself. The decoder waits, paused, until {@link #expect(boolean)} announces a request.
 */
public final class ResponseDecoder extends Http1Decoder {
    private boolean headRequest;
    private boolean upgradeExpected;
    private HttpVersion version;
    private int code;
    private String reason;

    /**
     * @param maxStatusLine  bytes of the status line
     * @param maxHeaderBytes bytes of the header block
     * @param maxHeaders     header fields
     */
    public ResponseDecoder(int maxStatusLine, int maxHeaderBytes, int maxHeaders) {
        super(maxStatusLine, maxHeaderBytes, maxHeaders, Long.MAX_VALUE);
        startPaused();
    }

    /** A request was sent: decode its response. {@code head} is true for HEAD requests (no body follows). */
    public void expect(boolean head) {
        this.headRequest = head;
        this.upgradeExpected = false;
        resume();
    }

    /**
     * The request under way asked to upgrade (a WebSocket handshake): a {@code 101} is accepted as
     * its response, emitted as a head with no body, and then nothing more is decoded (the caller
     * takes the bytes that follow with {@link #takeBuffered()}). Call after {@link #expect}.
     */
    public void expectUpgrade() {
        this.upgradeExpected = true;
    }

    /** Whether any byte of the response announced by the last {@link #expect} has arrived. */
    public boolean receivedSinceExpect() {
        return receivedSinceResume();
    }

    @Override
    void bytesWhilePaused() {
        fail(HttpResponseStatus.BAD_GATEWAY, "the backend sent bytes nobody asked for");
    }

    @Override
    HttpResponseStatus status(HttpResponseStatus requestStatus) {
        return HttpResponseStatus.BAD_GATEWAY;
    }

    /** Whether the 101's {@code Upgrade} names {@code websocket}, the one protocol the proxy asks for (RFC 6455 4.1). */
    private static boolean switchesToWebSocket(HttpFields headers) {
        for (String v : headers.getAll("upgrade")) {
            if (HttpFields.listsToken(v, "websocket")) {
                return true;
            }
        }
        return false;
    }

    /** {@code HTTP-version SP 3DIGIT SP [reason-phrase]}; a missing final space is tolerated. */
    @Override
    void startLine(String line) throws HttpViolation.Failure {
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
                || line.length() > 12 && line.charAt(12) != ' ') {
            throw bad("malformed status line");
        }
        char minor = line.charAt(7);
        if (minor != '0' && minor != '1') {
            throw bad("unsupported HTTP version in status line");
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw bad("malformed status code");
            }
            code = code * 10 + (c - '0');
        }
        if (code < 100 || code > 599) {
            throw bad("status code out of range");
        }
        for (int i = 13; i < line.length(); i++) {
            if (!HttpSyntax.isFieldChar(line.charAt(i))) {
                throw bad("invalid character in reason phrase");
            }
        }
        // The standard phrase (almost always sent) is shared rather than cut out of the line.
        String standard = HttpResponseStatus.valueOf(code).reasonPhrase();
        String reason = line.length() <= 13 ? standard
                : line.length() - 13 == standard.length() && line.startsWith(standard, 13) ? standard
                : line.substring(13);
        version = minor == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
        this.code = code;
        this.reason = reason;
    }

    @Override
    void headersDone(HttpFields headers) throws HttpViolation.Failure {
        if (code == 101) {
            if (!upgradeExpected) {
                throw bad("101 Switching Protocols without an upgrade request");
            }
            if (!switchesToWebSocket(headers)) {
                // A switch to h2c (or anything else) would turn the relay into an unchecked tunnel:
                // the client could then speak HTTP/2 to the backend past every route and filter.
                throw bad("101 Switching Protocols to " + headers.getAll("upgrade") + ", not websocket");
            }
            switchedProtocols();
            emit(new ResponseHead(version, code, reason, headers, BodyKind.NONE, 0, false));
            return;
        }
        if (code < 200) {
            skipInterim();
            return;
        }
        List<String> tes = headers.getAll(RequestDecoder.TRANSFER_ENCODING);
        List<String> cls = headers.getAll(RequestDecoder.CONTENT_LENGTH);
        if (!tes.isEmpty() && !cls.isEmpty()) {
            throw bad("both Content-Length and Transfer-Encoding");
        }
        if (tes.size() > 1 || cls.size() > 1) {
            throw bad("repeated framing header");
        }
        long contentLength = -1;
        if (!cls.isEmpty()) {
            try {
                contentLength = RequestDecoder.contentLength(cls.get(0));
            } catch (HttpViolation.Failure f) {
                throw bad("invalid Content-Length");
            }
        }
        boolean bodiless = headRequest || code == 204 || code == 304;
        BodyKind body;
        if (bodiless) {
            body = BodyKind.NONE;
        } else if (!tes.isEmpty()) {
            if (!tes.get(0).trim().equalsIgnoreCase("chunked") || version == HttpVersion.HTTP_1_0) {
                throw bad("unsupported Transfer-Encoding '" + tes.get(0) + "'");
            }
            body = BodyKind.CHUNKED;
        } else if (contentLength >= 0) {
            body = contentLength == 0 ? BodyKind.NONE : BodyKind.FIXED;
        } else {
            body = BodyKind.UNTIL_CLOSE;
        }
        boolean keepAlive = body != BodyKind.UNTIL_CLOSE && (version == HttpVersion.HTTP_1_1
                ? !RequestDecoder.hasToken(headers, "close") : RequestDecoder.hasToken(headers, "keep-alive"));
        emit(new ResponseHead(version, code, reason, headers, body, contentLength, keepAlive));
        if (!failed()) {
            beginBody(body, contentLength);
        }
    }

    private static HttpViolation.Failure bad(String reason) {
        return new HttpViolation.Failure(HttpResponseStatus.BAD_GATEWAY, reason);
    }
}
