import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gRPC backends of benchmarks/h2/run.sh's {@code grpc} mode: h2c servers (HTTP/2 with prior
 * knowledge, as grpc-java's servers are reached through a proxy) that answer every unary call with
 * gRPC's wire format: response HEADERS {@code :status 200, content-type: application/grpc}, one
 * DATA frame holding one length-prefixed message of {@code --reply-bytes} bytes, and trailers
 * {@code grpc-status: 0}. The request message is read and dropped; the call ends when the client's
 * stream ends. Netty alone (the classes on the proxy's class path): cheaper per call than a grpc-java
 * server (no stub layer, no executor hop per call), which leaves more of the machine to the proxies.
 *
 * <pre>java -cp cli/target/sluice.jar benchmarks/h2/GrpcBackend.java --ports 50051,50052 [--threads 1] [--reply-bytes 100]</pre>
 *
 * Prints the number of calls answered every 10 s and at exit, so a run can be checked against the
 * load generator's count.
 */
public final class GrpcBackend {

    public static void main(String[] args) throws Exception {
        List<Integer> ports = new ArrayList<>();
        int threads = 1;
        int replyBytes = 100;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException("GrpcBackend: " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--ports" -> {
                    for (String p : value.split(",")) {
                        ports.add(Integer.parseInt(p.trim()));
                    }
                }
                case "--threads" -> threads = Integer.parseInt(value);
                case "--reply-bytes" -> replyBytes = Integer.parseInt(value);
                default -> throw new IllegalArgumentException(
                        "GrpcBackend: unknown option " + args[i] + "; options: --ports --threads --reply-bytes");
            }
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("GrpcBackend: --ports P1[,P2...] is required");
        }
        ByteBuf reply = grpcMessage(replyBytes);
        LongAdder calls = new LongAdder();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("calls answered: " + calls.sum())));
        List<Channel> bound = new ArrayList<>();
        for (int port : ports) {
            bound.add(new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new UnaryAnswer(reply, calls));
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel());
        }
        System.out.println("gRPC backends on 127.0.0.1:" + ports + ", " + threads + " thread(s), " + replyBytes + "-byte replies");
        while (true) {
            Thread.sleep(10_000);
            System.out.println("calls answered: " + calls.sum());
        }
    }

    /** One gRPC message: the uncompressed flag, the 4-byte big-endian length, then the bytes. */
    static ByteBuf grpcMessage(int bytes) {
        ByteBuf buf = Unpooled.buffer(5 + bytes);
        buf.writeByte(0).writeInt(bytes);
        for (int i = 0; i < bytes; i++) {
            buf.writeByte('a' + i % 26);
        }
        return Unpooled.unreleasableBuffer(buf.asReadOnly());
    }

    /** Answers each stream once its request ends; stateless, so one instance could serve many channels. */
    @ChannelHandler.Sharable
    static final class UnaryAnswer extends ChannelInboundHandlerAdapter {
        private final ByteBuf reply;
        private final LongAdder calls;

        UnaryAnswer(ByteBuf reply, LongAdder calls) {
            this.reply = reply;
            this.calls = calls;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2DataFrame data) {
                try {
                    // Give the request's bytes back to the connection's and stream's windows at once.
                    if (data.initialFlowControlledBytes() > 0) {
                        ctx.write(new DefaultHttp2WindowUpdateFrame(data.initialFlowControlledBytes()).stream(data.stream()));
                    }
                    if (data.isEndStream()) {
                        answer(ctx, data.stream());
                    }
                } finally {
                    ReferenceCountUtil.release(data);
                }
            } else if (msg instanceof Http2HeadersFrame headers) {
                if (headers.isEndStream()) {
                    answer(ctx, headers.stream());
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void answer(ChannelHandlerContext ctx, Http2FrameStream stream) {
            Http2Headers head = new DefaultHttp2Headers().status("200").set("content-type", "application/grpc");
            ctx.write(new DefaultHttp2HeadersFrame(head).stream(stream));
            ctx.write(new DefaultHttp2DataFrame(reply.duplicate(), false).stream(stream));
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0"), true).stream(stream));
            calls.increment();
        }
    }
}
