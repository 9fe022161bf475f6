package io.sluice.loadtests.coap;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small CoAP server on a loopback UDP port, the backend of a self-contained {@code coap-load}
 * run: a confirmable request gets a piggy-backed ACK 2.05 (same message id and token) whose payload
 * is the server's name, so the generator sees which server answered; a non-confirmable one a NON
 * 2.05; a CoAP ping (an empty CON) an RST, which is what Sluice's {@code coap} health check expects.
 * Anything else is ignored. Stateless: a retransmitted request is simply answered again.
 */
public final class CoapResponder implements AutoCloseable {
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;
    private final String name;
    private final EventLoopGroup group;
    private final Channel channel;
    private final LongAdder requests;

    private CoapResponder(String name, EventLoopGroup group, Channel channel, LongAdder requests) {
        this.name = name;
        this.group = group;
        this.channel = channel;
        this.requests = requests;
    }

    /** Starts server {@code name} on a free port of 127.0.0.1. */
    public static CoapResponder start(String name) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        LongAdder requests = new LongAdder();
        Channel ch;
        try {
            // A server thread descheduled for a few hundred ms on a busy machine must not lose what
            // arrived meanwhile: the default 208 KiB receive buffer holds ~170 datagrams. Linux caps
            // this at net.core.rmem_max.
            ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        private int nextMessageId;

                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            CoapMessage m = CoapMessage.decode(packet.content());
                            if (m == null || m.type() == CoapMessage.ACK || m.type() == CoapMessage.RST) {
                                return;
                            }
                            CoapMessage answer;
                            if (m.code() == CoapMessage.EMPTY) {
                                if (m.type() != CoapMessage.CON) {
                                    return;
                                }
                                answer = new CoapMessage(CoapMessage.RST, CoapMessage.EMPTY, m.messageId(), new byte[0],
                                        new byte[0]);
                            } else if (m.code() < 32) {
                                requests.increment();
                                answer = m.type() == CoapMessage.CON
                                        ? new CoapMessage(CoapMessage.ACK, CoapMessage.CONTENT, m.messageId(), m.token(),
                                        nameBytes)
                                        : new CoapMessage(CoapMessage.NON, CoapMessage.CONTENT,
                                        nextMessageId++ & 0xFFFF, m.token(), nameBytes);
                            } else {
                                return; // a response sent to a server: not ours to answer
                            }
                            ByteBuf out = answer.encode(ctx.alloc());
                            ctx.writeAndFlush(new DatagramPacket(out, packet.sender()));
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        return new CoapResponder(name, group, ch, requests);
    }

    /** Requests answered (retransmissions included). */
    public long requests() {
        return requests.sum();
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** {@code 127.0.0.1:port}. */
    public String hostPort() {
        return "127.0.0.1:" + address().getPort();
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().await(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
