package io.sluice.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.sluice.proxy.tls.UpstreamTlsContext;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Sits just above the {@link SslHandler} of a connection to a backend and makes the handshake part
 * of connecting: the handlers above see {@code channelActive} only once the handshake succeeded (and,
 * for h2, ALPN chose h2), and {@code ready} (what the pool's connect returns) completes then, or
 * fails with the handshake's cause, so a failed handshake is a connect failure like a refused
 * connection (retried on another backend by the retry rules, else 502).
 *
 * <p>It stays in the pipeline after the handshake to notice a fatal alert that arrives later: under
 * TLS 1.3 a backend that requires a client certificate rejects it only after the client has
 * finished its handshake; that alert is counted as a handshake failure too.
 */
final class UpstreamTlsGate extends ChannelInboundHandlerAdapter {
    private final UpstreamTlsContext tls;
    private final InetSocketAddress address;
    private ChannelPromise ready;
    private boolean counted;

    UpstreamTlsGate(UpstreamTlsContext tls, InetSocketAddress address) {
        this.tls = tls;
        this.address = address;
    }

    /** What completes when the handshake has; set by the pool before anything can happen on the connection. */
    void ready(ChannelPromise promise) {
        this.ready = promise;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Held until the handshake ends; the SslHandler has started it. Reads drive it while AUTO_READ is off.
        ctx.read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslHandshakeCompletionEvent done)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (!done.isSuccess()) {
            fail(ctx, done.cause());
            return;
        }
        if (tls.h2()) {
            String chosen = ctx.pipeline().get(SslHandler.class).applicationProtocol();
            if (!ApplicationProtocolNames.HTTP_2.equals(chosen)) {
                fail(ctx, new SSLHandshakeException("the backend did not choose h2 by ALPN (chose "
                        + (chosen == null ? "none" : chosen) + "); use protocol http1 for HTTPS/1.1 backends"));
                return;
            }
        }
        ready.trySuccess();
        ctx.fireChannelActive();
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (!counted) {
            counted = true;
            tls.handshakeFailed(address, cause);
        }
        ready.tryFailure(cause);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ready.isDone()) {
            fail(ctx, cause);
            return;
        }
        if (!counted && isTls(cause)) {
            counted = true;
            tls.handshakeFailed(address, cause);
        }
        ctx.fireExceptionCaught(cause);
    }

    /** An {@link SSLException} or one wrapped by the SslHandler's decoder. */
    private static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ready.tryFailure(new ClosedChannelException());
        ctx.fireChannelInactive();
    }
}
