package io.sluice.algorithms.ratelimit;

/**
 * How each protocol tells a client it was limited, so the limit logic is shared and only the
 * answer differs. The proxy's protocol handlers map a refusal to their own answer; the numbers are
 * the wire values.
 */
public enum RefusalAnswer {
    /** HTTP/1.1 and HTTP/2: status 429 with {@code Retry-After} and the IETF RateLimit headers. */
    HTTP_TOO_MANY_REQUESTS(429),
    /** gRPC: status RESOURCE_EXHAUSTED. */
    GRPC_RESOURCE_EXHAUSTED(8),
    /** MQTT 5: CONNACK (or PUBACK) reason code 0x97, quota exceeded. */
    MQTT5_QUOTA_EXCEEDED(0x97),
    /** MQTT 3.1.1 has no such reason: the connection is closed. */
    MQTT311_CLOSE(0),
    /** UDP, CoAP: the datagram is dropped and counted. */
    DATAGRAM_DROP(0),
    /** A connection accept limit: the new connection is closed at once. */
    CONNECTION_CLOSE(0);

    private final int code;

    RefusalAnswer(int code) {
        this.code = code;
    }

    /** The status or reason code on the wire; 0 where the answer is a close or a drop. */
    public int code() {
        return code;
    }
}
