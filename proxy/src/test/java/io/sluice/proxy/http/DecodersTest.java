package io.sluice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict decoders on an EmbeddedChannel: what they emit, pausing between messages, and no leaks. */
class DecodersTest {
    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** Drains the inbound queue, copying body text out and releasing every buffer. */
    private static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof HttpContent c) {
                out.add((c instanceof LastHttpContent ? "last:" : "body:") + c.content().toString(StandardCharsets.ISO_8859_1)
                        + (c instanceof LastHttpContent l && !l.trailingHeaders().isEmpty()
                        ? " trailers=" + l.trailingHeaders().names() : ""));
                ReferenceCountUtil.release(c);
            } else {
                out.add(m);
            }
        }
        return out;
    }

    private static EmbeddedChannel requests() {
        return new EmbeddedChannel(new RequestDecoder(8192, 32768, 100, 1 << 20));
    }

    @Test
    void aChunkedRequestWithExtensionsAndTrailersStreamsInPieces() {
        EmbeddedChannel ch = requests();
        ch.writeInbound(bytes("POST /a?b=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n"));
        ch.writeInbound(bytes("2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n"));
        List<Object> msgs = drain(ch);
        assertThat(msgs).hasSize(4);
        RequestHead head = (RequestHead) msgs.get(0);
        assertThat(head.body()).isEqualTo(BodyKind.CHUNKED);
        assertThat(head.path()).isEqualTo("/a");
        assertThat(msgs.subList(1, 4)).containsExactly("body:abc", "body:de", "last: trailers=[X-Sum]");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void pipelinedRequestsWaitUntilResumed() {
        RequestDecoder d = new RequestDecoder(8192, 32768, 100, 1 << 20);
        EmbeddedChannel ch = new EmbeddedChannel(d);
        ch.writeInbound(bytes("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPUT /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok"));
        List<Object> first = drain(ch);
        assertThat(first).hasSize(2);
        assertThat(((RequestHead) first.get(0)).target()).isEqualTo("/1");
        assertThat(d.paused()).isTrue();
        d.resume();
        List<Object> second = drain(ch);
        assertThat(((RequestHead) second.get(0)).target()).isEqualTo("/2");
        assertThat(second.get(1)).isEqualTo("last:ok");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anAbsoluteFormTargetBecomesOriginFormAndSetsHost() {
        EmbeddedChannel ch = requests();
        ch.writeInbound(bytes("GET http://api.example.com:8080/x?y HTTP/1.1\r\nHost: other\r\n\r\n"));
        RequestHead head = (RequestHead) drain(ch).get(0);
        assertThat(head.target()).isEqualTo("/x?y");
        assertThat(head.host()).isEqualTo("api.example.com:8080");
        ch.finishAndReleaseAll();
    }

    @Test
    void aViolationIsEmittedOnceAndLaterInputIsDropped() {
        EmbeddedChannel ch = requests();
        ch.writeInbound(bytes("GET / HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n"));
        ch.writeInbound(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        List<Object> msgs = drain(ch);
        assertThat(msgs).singleElement().isInstanceOf(HttpViolation.class);
        assertThat(((HttpViolation) msgs.get(0)).status().code()).isEqualTo(400);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aResponseWithoutLengthEndsAtClose() {
        ResponseDecoder d = new ResponseDecoder(8192, 65536, 256);
        EmbeddedChannel ch = new EmbeddedChannel(d);
        d.expect(false);
        ch.writeInbound(bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-A: b\r\n\r\nsome"));
        ch.writeInbound(bytes(" body"));
        ch.close();
        List<Object> msgs = drain(ch);
        ResponseHead head = (ResponseHead) msgs.get(0);
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.body()).isEqualTo(BodyKind.UNTIL_CLOSE);
        assertThat(head.keepAlive()).isFalse();
        assertThat(msgs.subList(1, msgs.size())).containsExactly("body:some", "body: body", "last:");
    }

    @Test
    void aHeadResponseHasNoBodyWhateverItsHeadersSay() {
        ResponseDecoder d = new ResponseDecoder(8192, 65536, 256);
        EmbeddedChannel ch = new EmbeddedChannel(d);
        d.expect(true);
        ch.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"));
        List<Object> msgs = drain(ch);
        assertThat(((ResponseHead) msgs.get(0)).body()).isEqualTo(BodyKind.NONE);
        assertThat(msgs.get(1)).isEqualTo("last:");
        assertThat(d.paused()).isTrue();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void unsolicitedBytesAndSwitchingProtocolsAreBadGateways() {
        ResponseDecoder idle = new ResponseDecoder(8192, 65536, 256);
        EmbeddedChannel a = new EmbeddedChannel(idle);
        a.writeInbound(bytes("HTTP/1.1 200 OK\r\n\r\n"));
        assertThat(((HttpViolation) drain(a).get(0)).status().code()).isEqualTo(502);
        a.finishAndReleaseAll();

        ResponseDecoder up = new ResponseDecoder(8192, 65536, 256);
        EmbeddedChannel b = new EmbeddedChannel(up);
        up.expect(false);
        b.writeInbound(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"));
        assertThat(((HttpViolation) drain(b).get(0)).status().code()).isEqualTo(502);
        b.finishAndReleaseAll();

        // Asked for WebSocket, switched to something else: still a bad gateway, never a tunnel.
        ResponseDecoder ws = new ResponseDecoder(8192, 65536, 256);
        EmbeddedChannel c = new EmbeddedChannel(ws);
        ws.expect(false);
        ws.expectUpgrade();
        c.writeInbound(bytes("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"));
        assertThat(((HttpViolation) drain(c).get(0)).status().code()).isEqualTo(502);
        c.finishAndReleaseAll();
    }
}
