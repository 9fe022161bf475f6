package io.sluice.proxy.http2;

import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The downstream HTTP/2 connection settings, Envoy's edge defaults, and the frame codec built
 * from them. Netty's codec enforces them and the flood protections:
 *
 * <ul>
 *   <li>{@value #MAX_CONCURRENT_STREAMS} concurrent streams per connection (a stream over it is
 *       refused with RST_STREAM REFUSED_STREAM);</li>
 *   <li>a {@value #INITIAL_STREAM_WINDOW}-byte initial stream window and a
 *       {@value #CONNECTION_WINDOW}-byte connection window: a client can have at most that much
 *       request body in the proxy that no backend has taken yet, per stream and per connection;</li>
 *   <li>a header list size limit (the listener's {@code max-header-bytes}): a decoded list over it
 *       (a plain one, or an HPACK bomb that references one large dynamic-table entry many times)
 *       is answered 431 on its stream, the decoder going on only to keep its table in step; a
 *       header block over 1.25 times the limit before decoding is a connection error (GOAWAY);</li>
 *   <li>CONTINUATION flood (CVE-2024-27316): besides that block limit, more than
 *       {@value #MAX_SMALL_CONTINUATION_FRAMES} CONTINUATION frames in a row smaller than 8 KiB
 *       (empty ones never grow the block) end the connection with GOAWAY;</li>
 *   <li>rapid reset (CVE-2023-44487): more than {@value #MAX_RESETS_PER_WINDOW} RST_STREAM from a
 *       client in {@value #RESET_WINDOW_SECONDS} s ends the connection with GOAWAY
 *       ENHANCE_YOUR_CALM; and so do more than {@value #MAX_RESETS_PER_WINDOW} RST_STREAM the
 *       proxy sends in that time (CVE-2025-8671, "MadeYouReset": malformed frames that make the
 *       server reset streams, so the resets are the server's own);</li>
 *   <li>control-frame floods (SETTINGS, PING answers the client does not read): at most
 *       {@value #MAX_QUEUED_CONTROL_FRAMES} queued, then GOAWAY ENHANCE_YOUR_CALM and the
 *       connection closes; empty DATA frames without END_STREAM: at most
 *       {@value #MAX_CONSECUTIVE_EMPTY_FRAMES} in a row, then GOAWAY ENHANCE_YOUR_CALM.</li>
 * </ul>
 *
 * <p>A stream whose window the client keeps closed is reset after the listener's
 * {@code timeouts.stall} ({@link StreamBridge}).
 */
public final class Http2Edge {
    public static final int MAX_CONCURRENT_STREAMS = 100;
    public static final int INITIAL_STREAM_WINDOW = 64 * 1024;
    public static final int CONNECTION_WINDOW = 1024 * 1024;
    /** The window every HTTP/2 connection starts with (RFC 9113 6.9.2), until a WINDOW_UPDATE. */
    public static final int DEFAULT_WINDOW = 65_535;
    public static final int MAX_RESETS_PER_WINDOW = 200;
    public static final int RESET_WINDOW_SECONDS = 30;
    public static final int MAX_QUEUED_CONTROL_FRAMES = 1_000;
    public static final int MAX_CONSECUTIVE_EMPTY_FRAMES = 2;
    public static final int MAX_SMALL_CONTINUATION_FRAMES = 16;

    private Http2Edge() {
    }

    /** A server-side frame codec with the edge settings and a header list limit of {@code maxHeaderListBytes}. */
    public static Http2FrameCodec serverCodec(int maxHeaderListBytes) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .initialWindowSize(INITIAL_STREAM_WINDOW)
                .maxHeaderListSize(maxHeaderListBytes);
        // No ENABLE_PUSH: only a client may send it (a server that does fails its own SETTINGS
        // frame, RFC 9113 6.5.2, and Netty closes the connection); the server simply never pushes.
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .autoAckSettingsFrame(true)
                .autoAckPingFrame(true)
                .decoderEnforceMaxRstFramesPerWindow(MAX_RESETS_PER_WINDOW, RESET_WINDOW_SECONDS)
                .encoderEnforceMaxRstFramesPerWindow(MAX_RESETS_PER_WINDOW, RESET_WINDOW_SECONDS)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_FRAMES)
                // close() closes at once (a stop, a hard cut); the graceful way is the drain's GOAWAY,
                // bounded by the proxy's drain timeout, see Http2Protocol.
                .decoupleCloseAndGoAway(true)
                .build();
    }
}
