package io.sluice.proxy.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Objects;

/**
 * A request line and header block that passed every check of {@link RequestDecoder}, with what the
 * checks learned: how the body is framed, whether the client expects {@code 100 Continue}, whether
 * the connection may stay open. The headers are the client's, unchanged (the proxy builds the
 * upstream request from them).
 */
public final class RequestHead {
    private final HttpMethod method;
    private final String target;
    private final HttpVersion version;
    private final HttpFields headers;
    private final String host;
    private final BodyKind body;
    private final long contentLength;
    private final boolean expectContinue;
    private final boolean keepAlive;

    RequestHead(HttpMethod method, String target, HttpVersion version, HttpFields headers, String host, BodyKind body,
                long contentLength, boolean expectContinue, boolean keepAlive) {
        this.method = Objects.requireNonNull(method);
        this.target = Objects.requireNonNull(target);
        this.version = Objects.requireNonNull(version);
        this.headers = Objects.requireNonNull(headers);
        this.host = host;
        this.body = body;
        this.contentLength = contentLength;
        this.expectContinue = expectContinue;
        this.keepAlive = keepAlive;
    }

    public HttpMethod method() {
        return method;
    }

    /** The request target in origin form ({@code /path?query}), or {@code *} for {@code OPTIONS *}. */
    public String target() {
        return target;
    }

    /** The path of {@link #target()}, without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    public HttpVersion version() {
        return version;
    }

    public HttpFields headers() {
        return headers;
    }

    /** The Host header (or the authority of an absolute-form target), as sent; null only for HTTP/1.0 without one. */
    public String host() {
        return host;
    }

    public BodyKind body() {
        return body;
    }

    /** The declared Content-Length, or -1 when there is none (chunked or no body). */
    public long contentLength() {
        return contentLength;
    }

    /** The client sent {@code Expect: 100-continue} and a body: it waits for 100 before sending it. */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** The client allows the connection to stay open after this exchange. */
    public boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version + " (host " + host + ", body " + body + ")";
    }
}
