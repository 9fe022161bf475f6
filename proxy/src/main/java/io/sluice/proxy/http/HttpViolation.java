package io.sluice.proxy.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * A message the strict decoders emit instead of a request or response they refuse: the status the
 * proxy answers with and why. After emitting one, a decoder discards all further input; the
 * connection must be closed.
 *
 * <p>For requests the status is what the client gets (400, 408, 413, 414, 417, 431, 501, 505);
 * a {@link ResponseDecoder} always says 502, since a backend that breaks HTTP is a bad gateway.
 */
public final class HttpViolation {
    private final HttpResponseStatus status;
    private final String reason;

    public HttpViolation(HttpResponseStatus status, String reason) {
        this.status = Objects.requireNonNull(status, "status");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** A short description for logs and the error body, e.g. {@code bare CR in header block}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return status.code() + " " + reason;
    }

    /** Thrown inside the decoders; turned into an emitted {@link HttpViolation}. */
    static final class Failure extends Exception {
        final HttpResponseStatus status;

        Failure(HttpResponseStatus status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }
}
