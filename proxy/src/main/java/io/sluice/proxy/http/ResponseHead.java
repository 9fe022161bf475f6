package io.sluice.proxy.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A backend's status line and header block that passed every check of {@link ResponseDecoder},
 * with its framing and whether the backend keeps the connection open.
 */
public final class ResponseHead {
    private final HttpVersion version;
    private final HttpResponseStatus status;
    private final HttpHeaders headers;
    private final BodyKind body;
    private final long contentLength;
    private final boolean keepAlive;

    ResponseHead(HttpVersion version, HttpResponseStatus status, HttpHeaders headers, BodyKind body,
                 long contentLength, boolean keepAlive) {
        this.version = version;
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
    }

    public HttpVersion version() {
        return version;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public HttpHeaders headers() {
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
        return version + " " + status + " (body " + body + ")";
    }
}
