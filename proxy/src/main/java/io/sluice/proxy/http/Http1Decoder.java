package io.sluice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * A strict, streaming HTTP/1.1 message decoder: the part requests and responses share. It emits a
 * head (built by the subclass), then the body as {@link io.netty.handler.codec.http.HttpContent}
 * slices as they arrive (never aggregated), ending with a {@link LastHttpContent}; or a single
 * {@link HttpViolation}, after which it discards everything.
 *
 * <p>Why not Netty's {@code HttpObjectDecoder}: a proxy must refuse what a backend might read
 * differently (request smuggling), and that decoder repairs or tolerates several such inputs (it
 * drops Content-Length beside Transfer-Encoding, skips bytes up to the LF after chunk data,
 * accepts bare LF). This one refuses, byte by byte:
 * <ul>
 *   <li>a line ending in bare LF, a CR anywhere but before LF (bare CR);</li>
 *   <li>a header line starting with SP/HTAB (obs-fold), without a colon, with whitespace or any
 *       non-token byte in its name, or with NUL/CTL/DEL in its value;</li>
 *   <li>a chunk size that is not 1 to 15 hex digits (optionally followed by {@code ;extensions}),
 *       chunk data not followed by exactly CRLF;</li>
 *   <li>a start line, header block, header count or body over the limits, as soon as the limit
 *       is passed (not when the line finally ends).</li>
 * </ul>
 *
 * <p>After each message it <em>pauses</em>: further bytes stay buffered, undecoded, until
 * {@link #resume()}. The proxy serves one request at a time per connection, so pipelined requests
 * wait here, and since the proxy only reads when it is ready, at most one read's worth waits.
 *
 * <p>Not thread-safe: one instance per channel, used on its event loop.
 */
abstract class Http1Decoder extends ChannelInboundHandlerAdapter {
    private enum State {
        START_LINE, HEADERS, BODY_FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, BODY_UNTIL_CLOSE, PAUSED, FAILED
    }

    /** Trailers are validated here, byte by byte, so Netty's own validation would only repeat it. */
    private static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory()
            .withValidation(false);
    private static final int MAX_CHUNK_LINE = 1024;
    private static final int MAX_EMPTY_LINES = 8;

    private final int maxStartLine;
    private final int maxHeaderBytes;
    private final int maxHeaders;
    private final long maxBodyBytes;

    ChannelHandlerContext ctx;
    private ByteBuf buf;
    private State state = State.START_LINE;
    private boolean processing;
    private boolean emitted;
    /** Some byte arrived since the last {@link #resume()}. */
    private boolean received;

    private HttpFields headers;
    private HttpFields trailers;
    private int headerBytes;
    private int headerCount;
    private int emptyLines;
    private long remaining;
    private long bodyBytes;

    Http1Decoder(int maxStartLine, int maxHeaderBytes, int maxHeaders, long maxBodyBytes) {
        this.maxStartLine = maxStartLine;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxHeaders = maxHeaders;
        this.maxBodyBytes = maxBodyBytes;
    }

    // ---- what subclasses supply ----

    /** Parses the start line (request line or status line), without its CRLF. */
    abstract void startLine(String line) throws HttpViolation.Failure;

    /**
     * The header block is complete: build and {@link #emit} the head, then call {@link #beginBody}
     * (or {@link #skipInterim()} for a 1xx response).
     */
    abstract void headersDone(HttpFields headers) throws HttpViolation.Failure;

    /** The status for a violation of the given kind; a response decoder answers 502 to all. */
    abstract HttpResponseStatus status(HttpResponseStatus requestStatus);

    /** Bytes arrived while paused between messages. */
    void bytesWhilePaused() {
    }

    /** The first byte of a message arrived. */
    void messageStarted() {
    }

    // ---- the machinery ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.FAILED) {
            in.release();
            return;
        }
        boolean wasEmpty = buf == null || !buf.isReadable();
        received |= in.isReadable();
        buf = buf == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), buf, in);
        if (state == State.PAUSED) {
            bytesWhilePaused();
            return;
        }
        if (wasEmpty && state == State.START_LINE && headers == null && buf.isReadable()) {
            messageStarted();
        }
        process();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        emitted = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.BODY_UNTIL_CLOSE) {
            state = State.PAUSED;
            emit(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        releaseBuffer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBuffer();
    }

    /** True between messages (after a complete message, before {@link #resume()}). */
    public boolean paused() {
        return state == State.PAUSED;
    }

    /** True once a violation was emitted; nothing more will be. */
    public boolean failed() {
        return state == State.FAILED;
    }

    /** True when bytes not yet decoded are buffered (a pipelined request read while paused, say). */
    public boolean hasBufferedInput() {
        return buf != null && buf.isReadable();
    }

    /** True once some byte arrived since the decoder last resumed for a new message (or was created). */
    public boolean receivedSinceResume() {
        return received;
    }

    /** True while no byte of the next message has arrived. */
    boolean idle() {
        return state == State.START_LINE && headers == null && (buf == null || !buf.isReadable());
    }

    /**
     * Starts decoding the next message, from bytes already buffered if any; what that decodes is
     * emitted now, followed by a read-complete event.
     */
    public void resume() {
        if (state != State.PAUSED) {
            return;
        }
        state = State.START_LINE;
        received = buf != null && buf.isReadable();
        headers = null;
        trailers = null;
        headerBytes = 0;
        headerCount = 0;
        emptyLines = 0;
        bodyBytes = 0;
        if (buf != null && buf.isReadable()) {
            messageStarted();
            process();
            if (emitted && !processing) {
                emitted = false;
                ctx.fireChannelReadComplete();
            }
        }
    }

    /**
     * Stops decoding for good and hands over the bytes buffered but not decoded (or null): the
     * connection switched protocols (a WebSocket upgrade) and what follows is no longer HTTP.
     */
    public ByteBuf takeBuffered() {
        state = State.FAILED;
        ByteBuf b = buf;
        buf = null;
        return b != null && b.isReadable() ? b : release(b);
    }

    private static ByteBuf release(ByteBuf b) {
        if (b != null) {
            b.release();
        }
        return null;
    }

    /** Called from {@link #headersDone} for a 101 that switches protocols: no body, nothing more to decode. */
    void switchedProtocols() {
        state = State.PAUSED;
    }

    /** Drops everything buffered and all further input, emitting nothing: the connection is closing. */
    public void discard() {
        state = State.FAILED;
        releaseBuffer();
    }

    /** Emits a violation with the given status and stops decoding for good. */
    void fail(HttpResponseStatus requestStatus, String reason) {
        if (state == State.FAILED) {
            return;
        }
        state = State.FAILED;
        releaseBuffer();
        emit(new HttpViolation(status(requestStatus), reason));
    }

    void emit(Object msg) {
        emitted = true;
        ctx.fireChannelRead(msg);
    }

    /** Called from {@link #headersDone}: how the body that follows is framed. */
    void beginBody(BodyKind kind, long contentLength) {
        switch (kind) {
            case NONE -> {
                state = State.PAUSED;
                emit(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            case FIXED -> {
                remaining = contentLength;
                state = State.BODY_FIXED;
            }
            case CHUNKED -> state = State.CHUNK_SIZE;
            case UNTIL_CLOSE -> state = State.BODY_UNTIL_CLOSE;
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    /** Starts paused: a response decoder has nothing to decode before a request was sent. */
    void startPaused() {
        state = State.PAUSED;
    }

    /** Called from {@link #headersDone} for an interim (1xx) response: the real head follows. */
    void skipInterim() {
        state = State.START_LINE;
        headers = null;
        headerBytes = 0;
        headerCount = 0;
    }

    private void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            while (buf != null && buf.isReadable() && step()) {
                // each step consumes input or changes state
            }
        } catch (HttpViolation.Failure f) {
            fail(f.status, f.getMessage());
        } finally {
            processing = false;
            compact();
        }
    }

    private boolean step() throws HttpViolation.Failure {
        switch (state) {
            case START_LINE: {
                String line = readLine(maxStartLine, HttpResponseStatus.REQUEST_URI_TOO_LONG, "start line");
                if (line == null) {
                    return false;
                }
                if (line.isEmpty()) {
                    // RFC 9112 2.2: ignore empty lines before the request line, but not forever.
                    if (++emptyLines > MAX_EMPTY_LINES) {
                        throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "too many empty lines");
                    }
                    return true;
                }
                headers = new HttpFields();
                startLine(line);
                if (state == State.START_LINE) {
                    state = State.HEADERS;
                }
                return true;
            }
            case HEADERS: {
                int len = lineLength(maxHeaderBytes - headerBytes - 2, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "header block");
                if (len < 0) {
                    return false;
                }
                if (len == 0) {
                    buf.skipBytes(2);
                    headersDone(headers);
                    return true;
                }
                headerBytes += len + 2;
                if (++headerCount > maxHeaders) {
                    throw new HttpViolation.Failure(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                            "more than " + maxHeaders + " header fields");
                }
                field(buf, buf.readerIndex(), len, headers, headerCount - 1);
                buf.skipBytes(len + 2);
                return true;
            }
            case BODY_FIXED: {
                int n = (int) Math.min(buf.readableBytes(), remaining);
                if (n == 0) {
                    return false;
                }
                ByteBuf slice = buf.readRetainedSlice(n);
                remaining -= n;
                bodyBytes += n;
                if (remaining == 0) {
                    state = State.PAUSED;
                    emit(new DefaultLastHttpContent(slice, EmptyHttpHeaders.INSTANCE));
                } else {
                    emit(new DefaultHttpContent(slice));
                }
                return true;
            }
            case CHUNK_SIZE: {
                String line = readLine(MAX_CHUNK_LINE, HttpResponseStatus.BAD_REQUEST, "chunk size line");
                if (line == null) {
                    return false;
                }
                long size = chunkSize(line);
                if (size == 0) {
                    state = State.TRAILERS;
                    headerBytes = 0;
                    headerCount = 0;
                    return true;
                }
                if (bodyBytes + size > maxBodyBytes) {
                    throw new HttpViolation.Failure(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                            "body over " + maxBodyBytes + " bytes");
                }
                remaining = size;
                state = State.CHUNK_DATA;
                return true;
            }
            case CHUNK_DATA: {
                int n = (int) Math.min(buf.readableBytes(), remaining);
                if (n == 0) {
                    return false;
                }
                remaining -= n;
                bodyBytes += n;
                if (remaining == 0) {
                    state = State.CHUNK_END;
                }
                emit(new DefaultHttpContent(buf.readRetainedSlice(n)));
                return true;
            }
            case CHUNK_END: {
                int r = buf.readerIndex();
                if (buf.getByte(r) != '\r' || buf.readableBytes() >= 2 && buf.getByte(r + 1) != '\n') {
                    throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "chunk data not followed by CRLF");
                }
                if (buf.readableBytes() < 2) {
                    return false;
                }
                buf.skipBytes(2);
                state = State.CHUNK_SIZE;
                return true;
            }
            case TRAILERS: {
                int len = lineLength(maxHeaderBytes - headerBytes - 2, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "trailer block");
                if (len < 0) {
                    return false;
                }
                if (len == 0) {
                    buf.skipBytes(2);
                    state = State.PAUSED;
                    emit(trailers == null ? LastHttpContent.EMPTY_LAST_CONTENT
                            : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, nettyTrailers(trailers)));
                    return true;
                }
                headerBytes += len + 2;
                if (++headerCount > maxHeaders) {
                    throw new HttpViolation.Failure(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                            "more than " + maxHeaders + " trailer fields");
                }
                if (trailers == null) {
                    trailers = new HttpFields();
                }
                field(buf, buf.readerIndex(), len, trailers, -1);
                buf.skipBytes(len + 2);
                return true;
            }
            case BODY_UNTIL_CLOSE: {
                int n = buf.readableBytes();
                bodyBytes += n;
                emit(new DefaultHttpContent(buf.readRetainedSlice(n)));
                return true;
            }
            default:
                return false;
        }
    }

    /**
     * The next line without its CRLF, or null when it has not fully arrived. A line whose content
     * would pass {@code maxContent} bytes fails as soon as that many bytes are buffered without a
     * line end, so a peer cannot make the proxy wait for (or buffer) an endless line.
     */
    private String readLine(int maxContent, HttpResponseStatus tooLong, String what) throws HttpViolation.Failure {
        int len = lineLength(maxContent, tooLong, what);
        if (len < 0) {
            return null;
        }
        String line = buf.toString(buf.readerIndex(), len, StandardCharsets.ISO_8859_1);
        buf.skipBytes(len + 2);
        return line;
    }

    /**
     * The length of the next line without its CRLF, which starts at the reader index and is left
     * unread; -1 when it has not fully arrived. Same checks as {@link #readLine}.
     */
    private int lineLength(int maxContent, HttpResponseStatus tooLong, String what) throws HttpViolation.Failure {
        int r = buf.readerIndex();
        int window = Math.max(0, maxContent) + 2;
        int n = Math.min(buf.readableBytes(), window);
        int lf = buf.indexOf(r, r + n, (byte) '\n');
        if (lf < 0) {
            if (buf.readableBytes() >= window) {
                throw new HttpViolation.Failure(tooLong, what + " over " + Math.max(0, maxContent) + " bytes");
            }
            int cr = buf.indexOf(r, r + n, (byte) '\r');
            if (cr >= 0 && cr < r + n - 1) {
                throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "bare CR in " + what);
            }
            return -1;
        }
        if (lf == r || buf.getByte(lf - 1) != '\r') {
            throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "line in " + what + " ends in bare LF");
        }
        int len = lf - 1 - r;
        if (len > 0 && buf.indexOf(r, r + len, (byte) '\r') >= 0) {
            throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "bare CR in " + what);
        }
        return len;
    }

    /**
     * One {@code name: value} line of a header or trailer block, {@code len} bytes at {@code at} in
     * {@code in} (no CRLF), validated byte by byte and added: no String is made of the line itself,
     * and none of a name or value equal to the one at the same position {@code slot} of the previous
     * message on this connection (see {@link #recall}).
     */
    private void field(ByteBuf in, int at, int len, HttpFields into, int slot) throws HttpViolation.Failure {
        byte first = in.getByte(at);
        if (first == ' ' || first == '\t') {
            throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "obs-fold (header line starts with"
                    + " whitespace)");
        }
        int end = at + len;
        int colon = -1;
        for (int i = at; i < end; i++) {
            byte b = in.getByte(i);
            if (b == ':') {
                colon = i;
                break;
            }
            if (!HttpSyntax.isTchar(b)) {
                // A byte that is no token char before any colon: either a bad name or no colon at all.
                int c = in.indexOf(i, end, (byte) ':');
                if (c < 0) {
                    throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "header line without colon");
                }
                throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "invalid character 0x"
                        + Integer.toHexString(b & 0xff) + " in header name");
            }
        }
        if (colon < 0) {
            throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "header line without colon");
        }
        if (colon == at) {
            throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "empty header name");
        }
        int start = colon + 1;
        int stop = end;
        while (start < stop && isOws(in.getByte(start))) {
            start++;
        }
        while (stop > start && isOws(in.getByte(stop - 1))) {
            stop--;
        }
        for (int i = start; i < stop; i++) {
            byte b = in.getByte(i);
            if (!HttpSyntax.isFieldChar(b)) {
                throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "invalid character 0x"
                        + Integer.toHexString(b & 0xff) + " in the value of "
                        + in.toString(at, colon - at, StandardCharsets.ISO_8859_1));
            }
        }
        into.add(recall(in, at, colon - at, slot, true), recall(in, start, stop - start, slot, false));
    }

    /** Fields remembered per position for {@link #recall}; a keep-alive peer repeats most of its fields. */
    private static final int REMEMBERED_FIELDS = 16;
    private String[] lastNames;
    private String[] lastValues;

    /**
     * The string of {@code len} bytes at {@code at}: the one the previous message had at the same
     * field position when the bytes are equal (a client's Host and User-Agent, a backend's Server,
     * Content-Type, Connection come back identical on every message of a connection), else a new
     * one, remembered for the next message. Comparing a few bytes costs less than making, copying
     * and later collecting a String; a miss costs one comparison that fails early.
     */
    private String recall(ByteBuf in, int at, int len, int slot, boolean name) {
        if (slot < 0 || slot >= REMEMBERED_FIELDS) {
            return in.toString(at, len, StandardCharsets.ISO_8859_1);
        }
        if (lastNames == null) {
            lastNames = new String[REMEMBERED_FIELDS];
            lastValues = new String[REMEMBERED_FIELDS];
        }
        String[] memory = name ? lastNames : lastValues;
        String last = memory[slot];
        if (last != null && sameBytes(in, at, len, last)) {
            return last;
        }
        String s = in.toString(at, len, StandardCharsets.ISO_8859_1);
        memory[slot] = s;
        return s;
    }

    private static boolean sameBytes(ByteBuf in, int at, int len, String s) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if ((in.getByte(at + i) & 0xff) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static HttpHeaders nettyTrailers(HttpFields fields) {
        HttpHeaders h = TRAILERS.newHeaders();
        for (int i = 0; i < fields.size(); i++) {
            h.add(fields.name(i), fields.value(i));
        }
        return h;
    }

    /**
     * {@code chunk-size [ chunk-ext ]}: 1 to 15 hex digits (no sign, no 0x, no whitespace before),
     * then nothing or {@code BWS ";"} and extension bytes, which are checked and dropped.
     */
    private static long chunkSize(String line) throws HttpViolation.Failure {
        int i = 0;
        long size = 0;
        while (i < line.length() && Character.digit(line.charAt(i), 16) >= 0 && line.charAt(i) < 128) {
            size = size * 16 + Character.digit(line.charAt(i), 16);
            i++;
            if (i > 15) {
                throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "chunk size too large");
            }
        }
        if (i == 0) {
            throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "invalid chunk size");
        }
        int j = i;
        while (j < line.length() && isOws(line.charAt(j))) {
            j++;
        }
        if (j < line.length()) {
            if (line.charAt(j) != ';') {
                throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "invalid chunk size");
            }
            for (int k = j + 1; k < line.length(); k++) {
                if (!HttpSyntax.isFieldChar(line.charAt(k))) {
                    throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "invalid chunk extension");
                }
            }
        } else if (j != i) {
            throw new HttpViolation.Failure(HttpResponseStatus.BAD_REQUEST, "whitespace after chunk size");
        }
        return size;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isOws(byte c) {
        return c == ' ' || c == '\t';
    }

    long maxBodyBytes() {
        return maxBodyBytes;
    }

    private void compact() {
        if (buf == null) {
            return;
        }
        if (!buf.isReadable()) {
            buf.release();
            buf = null;
        } else if (buf.refCnt() == 1) {
            buf.discardSomeReadBytes();
        }
    }

    private void releaseBuffer() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }
}
