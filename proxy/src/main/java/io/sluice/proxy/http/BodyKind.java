package io.sluice.proxy.http;

/** How the body of a decoded message is framed on the wire (RFC 9112 section 6.3). */
public enum BodyKind {
    /** No body: no Content-Length or Content-Length: 0, HEAD responses, 1xx/204/304. */
    NONE,
    /** A body of exactly {@code Content-Length} bytes. */
    FIXED,
    /** {@code Transfer-Encoding: chunked}. */
    CHUNKED,
    /** A response without length: its body ends when the backend closes the connection. */
    UNTIL_CLOSE
}
