package io.sluice.proxy.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A backend's status line and header block that passed every check of {@link ResponseDecoder},
 * with its framing and whether the backend keeps the connection open.
 */
public final class ResponseHead {
    private final HttpVersion version;
    private final int code;
    private final String reason;
    private final HttpFields headers;
    private final BodyKind body;
    private final long contentLength;
    private final boolean keepAlive;

    ResponseHead(HttpVersion version, int code, String reason, HttpFields headers, BodyKind body,
                 long contentLength, boolean keepAlive) {
        this.version = version;
        this.code = code;
        this.reason = reason;
        this.headers = headers;
        this.body = body;
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
    }

    public HttpVersion version() {
        return version;
    }

    /** The status code, 200 to 599 (interim responses are never emitted). */
    public int code() {
        return code;
    }

    /** The reason phrase as sent (the standard one when the backend sent none). */
    public String reason() {
        return reason;
    }

    /** The status, made on each call: for tests and rare paths; the data path uses {@link #code()}. */
    public HttpResponseStatus status() {
        HttpResponseStatus standard = HttpResponseStatus.valueOf(code);
        return standard.reasonPhrase().equals(reason) ? standard : new HttpResponseStatus(code, reason);
    }

    public HttpFields headers() {
        return headers;
    }

    public BodyKind body() {
        return body;
    }

    /** The declared Content-Length, or -1 when there is none. */
    public long contentLength() {
        return contentLength;
    }

    /** The backend allows reusing the connection after this response (and the body has a length). */
    public boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public String toString() {
        return version + " " + code + " " + reason + " (body " + body + ")";
    }
}
