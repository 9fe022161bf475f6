package io.sluice.proxy;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Netty's response encoder, told whether the response answers a HEAD request: such a response has
 * headers describing a body (Content-Length, even chunked) but no body, and the encoder must not
 * write one, not even a last-chunk.
 */
final class ProxyResponseEncoder extends HttpResponseEncoder {
    private boolean headRequest;

    void headRequest(boolean head) {
        this.headRequest = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return super.isContentAlwaysEmpty(msg) || headRequest && msg.status().code() >= 200;
    }
}
