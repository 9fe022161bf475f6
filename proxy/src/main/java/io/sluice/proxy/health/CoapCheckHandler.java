package io.sluice.proxy.health;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

import java.net.PortUnreachableException;

/**
 * Reads the answers to a CoAP ping on a connected UDP socket and reports each to its
 * {@link BackendProbe}: the 4-byte header's type, code and message id (RFC 7252 section 3).
 * One per channel; every datagram is released here.
 */
final class CoapCheckHandler extends ChannelInboundHandlerAdapter {
    /** Message type RST (reset), the answer to a ping. */
    static final int TYPE_RST = 3;
    private static final String[] TYPE_NAMES = {"CON", "NON", "ACK", "RST"};

    private final BackendProbe probe;

    CoapCheckHandler(BackendProbe probe) {
        this.probe = probe;
    }

    static String typeName(int type) {
        return TYPE_NAMES[type & 3];
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            ByteBuf in = msg instanceof DatagramPacket p ? p.content() : msg instanceof ByteBuf b ? b : null;
            if (in == null) {
                return;
            }
            // Version 1, then a header of 4 bytes and the token its length field announces (0 to 8).
            int first = in.readableBytes() >= 4 ? in.getUnsignedByte(in.readerIndex()) : -1;
            boolean wellFormed = first >= 0 && first >>> 6 == 1 && (first & 0x0F) <= 8
                    && in.readableBytes() >= 4 + (first & 0x0F);
            if (!wellFormed) {
                probe.onCoapReply(ctx.channel(), 0, 0, -1, false);
                return;
            }
            probe.onCoapReply(ctx.channel(), (first >>> 4) & 3, in.getUnsignedByte(in.readerIndex() + 1),
                    in.getUnsignedShort(in.readerIndex() + 2), true);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A connected UDP socket learns of an ICMP port unreachable as an error on the next read.
        probe.onBroken(ctx.channel(), cause instanceof PortUnreachableException
                ? "connect failed: port unreachable (ICMP)" : BackendProbe.describe(cause));
    }
}
