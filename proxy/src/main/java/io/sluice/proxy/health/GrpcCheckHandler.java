package io.sluice.proxy.health;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * One gRPC health check on its own h2c connection (after Netty's client {@code Http2FrameCodec}):
 * sends {@code grpc.health.v1.Health/Check} as one stream and reports the answer to its
 * {@link BackendProbe}. The two messages are protobuf, encoded and decoded here by hand, as they
 * are tiny (grpc/grpc {@code src/proto/grpc/health/v1/health.proto}):
 * <pre>
 *   message HealthCheckRequest  { string service = 1; }
 *   message HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2;
 *                                                      SERVICE_UNKNOWN = 3; }
 *                                 ServingStatus status = 1; }
 * </pre>
 * On the wire a request for {@code "orders"} is the gRPC message prefix (flag 0, 4-byte length 8)
 * then {@code 0x0A 0x06 'o' 'r' 'd' 'e' 'r' 's'}: field 1, wire type 2 (length-delimited) is the
 * key byte {@code (1 << 3) | 2 = 0x0A}, then the length as a varint, then the UTF-8 bytes; the
 * empty service (the server as a whole) is an empty message, proto3 leaving default values out.
 * A response {@code 0x08 0x01} is field 1, wire type 0 (varint), value 1: SERVING.
 *
 * <p>Passes only on HTTP 200, {@code grpc-status: 0} and status SERVING; a trailers-only answer
 * (grpc-java's NOT_FOUND for an unknown service), any other serving status, a reset or a
 * malformed answer fails, with the reason in the probe's last result.
 */
final class GrpcCheckHandler extends Http2ChannelDuplexHandler {
    static final String PATH = "/grpc.health.v1.Health/Check";
    /** Longest answer read: a HealthCheckResponse is 2 bytes plus the 5-byte prefix. */
    private static final int MAX_ANSWER = 1024;

    private final BackendProbe probe;
    private final String service;
    private final String authority;
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private Http2FrameStream stream;
    private ByteBuf answer;
    private boolean headersSeen;
    private boolean done;

    GrpcCheckHandler(BackendProbe probe, String service, String authority, long timeoutNanos) {
        this.probe = probe;
        this.service = service;
        this.authority = authority;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    protected void handlerAdded0(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        release();
    }

    /** Sends the Check call; on the channel's event loop, once connected. */
    void send() {
        stream = newStream();
        Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").path(PATH).authority(authority);
        h.set("content-type", "application/grpc");
        h.set("te", "trailers");
        h.set("user-agent", "sluice-health-check");
        // The check's own deadline, so a backend stops working on a check the proxy gave up on.
        h.set("grpc-timeout", Math.max(1, timeoutNanos / 1_000_000L) + "m");
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        ByteBuf body = ctx.alloc().buffer(5 + 6 + name.length);
        body.writeByte(0);
        int lengthAt = body.writerIndex();
        body.writeInt(0);
        if (name.length > 0) {
            body.writeByte(0x0A);
            writeVarint(body, name.length);
            body.writeBytes(name);
        }
        body.setInt(lengthAt, body.writerIndex() - lengthAt - 4);
        ctx.write(new DefaultHttp2HeadersFrame(h, false).stream(stream));
        ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true).stream(stream)).addListener(f -> {
            if (!f.isSuccess()) {
                probe.onBroken(ctx.channel(), "check not sent: " + BackendProbe.describe(f.cause()));
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof Http2HeadersFrame h && h.stream() == stream) {
                onHeaders(h.headers(), h.isEndStream());
            } else if (msg instanceof Http2DataFrame d && d.stream() == stream) {
                onData(d.content(), d.isEndStream());
            } else if (msg instanceof Http2ResetFrame r && r.stream() == stream) {
                fail("stream reset by the backend, error code " + r.errorCode());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(Http2Headers h, boolean endStream) {
        if (!headersSeen) {
            headersSeen = true;
            CharSequence status = h.status();
            if (status == null || !"200".contentEquals(status)) {
                fail("HTTP status " + status + " to a gRPC call (not a gRPC server?)");
                return;
            }
            if (!endStream) {
                return;
            }
        }
        // Trailers, or a trailers-only answer: grpc-status settles it.
        CharSequence grpcStatus = h.get("grpc-status");
        if (grpcStatus == null) {
            fail("gRPC answer without grpc-status");
        } else if (!"0".contentEquals(grpcStatus)) {
            CharSequence message = h.get("grpc-message");
            fail("grpc-status " + grpcStatus + (message == null ? "" : " (" + message + ")"));
        } else {
            judge();
        }
    }

    private void onData(ByteBuf data, boolean endStream) {
        if (answer == null) {
            answer = ctx.alloc().buffer(16);
        }
        if (answer.readableBytes() + data.readableBytes() > MAX_ANSWER) {
            fail("gRPC answer longer than " + MAX_ANSWER + " bytes");
            return;
        }
        answer.writeBytes(data);
        if (endStream) {
            fail("gRPC answer ended without trailers (no grpc-status)");
        }
    }

    /** grpc-status 0: the message decides. */
    private void judge() {
        ByteBuf in = answer;
        if (in == null || in.readableBytes() < 5) {
            fail("grpc-status 0 without a HealthCheckResponse message");
            return;
        }
        int flag = in.readUnsignedByte();
        long length = in.readUnsignedInt();
        if (flag != 0 || length != in.readableBytes()) {
            fail(flag != 0 ? "compressed HealthCheckResponse (none was offered)" : "bad gRPC message length");
            return;
        }
        int serving = 0;
        try {
            while (in.isReadable()) {
                long key = readVarint(in);
                int wireType = (int) (key & 7);
                switch (wireType) {
                    case 0 -> {
                        long v = readVarint(in);
                        if (key >>> 3 == 1) {
                            serving = (int) v;
                        }
                    }
                    case 1 -> in.skipBytes(8);
                    case 2 -> in.skipBytes((int) readVarint(in));
                    case 5 -> in.skipBytes(4);
                    default -> throw new IndexOutOfBoundsException("wire type " + wireType);
                }
            }
        } catch (IndexOutOfBoundsException malformed) {
            fail("malformed HealthCheckResponse: " + ByteBufUtil.hexDump(in, 0, in.writerIndex()));
            return;
        }
        done = true;
        release();
        probe.onGrpcHealth(ctx.channel(), serving == 1, "gRPC health " + servingName(serving));
    }

    private void fail(String detail) {
        done = true;
        release();
        probe.onGrpcHealth(ctx.channel(), false, detail);
    }

    private void release() {
        if (answer != null) {
            answer.release();
            answer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        probe.onBroken(ctx.channel(), "connection closed before a response");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        probe.onBroken(ctx.channel(), BackendProbe.describe(cause));
    }

    static String servingName(int status) {
        return switch (status) {
            case 0 -> "UNKNOWN (0)";
            case 1 -> "SERVING (1)";
            case 2 -> "NOT_SERVING (2)";
            case 3 -> "SERVICE_UNKNOWN (3)";
            default -> "status " + status;
        };
    }

    private static void writeVarint(ByteBuf out, int v) {
        while ((v & ~0x7F) != 0) {
            out.writeByte(v & 0x7F | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    /** A protobuf varint: 7 bits a byte, least significant first, high bit set on all but the last. */
    private static long readVarint(ByteBuf in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IndexOutOfBoundsException("varint longer than 10 bytes");
    }
}
