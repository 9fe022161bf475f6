package io.sluice.proxy;

import io.netty.handler.codec.http.HttpContent;
import io.sluice.proxy.http.HttpViolation;
import io.sluice.proxy.http.ResponseHead;

/** Where an {@link UpstreamConnection} delivers what happens on it while it serves a request. */
interface ResponseSink {
    void onResponseHead(UpstreamConnection from, ResponseHead head);

    /** A slice of the response body; the sink owns (and must release or pass on) it. */
    void onResponseContent(UpstreamConnection from, HttpContent content);

    void onResponseReadComplete(UpstreamConnection from);

    /** The upstream socket can take more of the request body. */
    void onUpstreamWritable(UpstreamConnection from);

    /** The connection closed, failed or broke HTTP ({@code violation} is set for the latter). */
    void onUpstreamFailure(UpstreamConnection from, HttpViolation violation);
}
