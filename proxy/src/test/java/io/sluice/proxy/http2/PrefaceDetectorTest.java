package io.sluice.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrefaceDetectorTest {
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    /** What the detector chose, and what reached the handler it installed. */
    private static final class Recorder extends ChannelInboundHandlerAdapter implements PrefaceDetector.Choice {
        String chosen;
        boolean active;
        final StringBuilder bytes = new StringBuilder();
        final List<String> events = new ArrayList<>();

        @Override
        public void http1(ChannelHandlerContext ctx) {
            chosen = "http1";
            ctx.pipeline().addLast(this);
        }

        @Override
        public void http2(ChannelHandlerContext ctx) {
            chosen = "h2";
            ctx.pipeline().addLast(this);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
            events.add("active");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            bytes.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
            events.add("read");
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aPrefaceInTwoReadsIsHttp2AndEveryByteGoesOn() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new PrefaceDetector(r, TimeUnit.SECONDS.toNanos(10)));
        ch.writeInbound(ascii(PREFACE.substring(0, 10)));
        assertThat(r.chosen).as("undecided on a prefix").isNull();
        ch.writeInbound(ascii(PREFACE.substring(10) + "frames"));
        assertThat(r.chosen).isEqualTo("h2");
        assertThat(r.bytes).hasToString(PREFACE + "frames");
        // The installed handler starts (channelActive) before it reads anything.
        assertThat(r.events).startsWith("active", "read");
        assertThat(ch.pipeline().get(PrefaceDetector.class)).isNull();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anyOtherFirstByteIsHttp1AtOnce() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new PrefaceDetector(r, TimeUnit.SECONDS.toNanos(10)));
        ch.writeInbound(ascii("G"));
        assertThat(r.chosen).isEqualTo("http1");
        ch.writeInbound(ascii("ET / HTTP/1.1\r\n"));
        assertThat(r.bytes).hasToString("GET / HTTP/1.1\r\n");
        assertThat(r.active).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aPrefixThatStraysIsHttp1() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new PrefaceDetector(r, TimeUnit.SECONDS.toNanos(10)));
        ch.writeInbound(ascii("PRI * HTTP/1.1\r\n"));
        assertThat(r.chosen).isEqualTo("http1");
        assertThat(r.bytes).hasToString("PRI * HTTP/1.1\r\n");
        ch.finishAndReleaseAll();
    }

    @Test
    void aSilentConnectionClosesAtTheTimeout() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new PrefaceDetector(r, TimeUnit.SECONDS.toNanos(5)));
        ch.writeInbound(ascii("PRI"));
        ch.advanceTimeBy(4, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(r.chosen).isNull();
        ch.finishAndReleaseAll();
    }
}
